//! Listing a user's live sessions, each with the client of its newest refresh token, and
//! ending all of them but one.

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::store::{
    AuditQuery, NextRefresh, RevokeReason, Rotation, SessionClient, SessionRecord,
};
use tessera_core::SessionLimitPolicy::Refuse;

use super::backends::TestDb;
use super::support::{
    add_user, next, open_session, revoked_ids, session, sorted, strings, token, DAY, T0,
};

fn client(ip: &str, user_agent: &str) -> SessionClient {
    SessionClient {
        ip: Some(ip.into()),
        user_agent: Some(user_agent.into()),
    }
}

fn next_from(label: &str, now: i64, from: SessionClient) -> NextRefresh {
    NextRefresh {
        client: from,
        ..next(label, now + DAY)
    }
}

fn ids(sessions: &[SessionRecord]) -> Vec<&str> {
    sessions.iter().map(|s| s.id.as_str()).collect()
}

pub async fn live_sessions_are_listed_newest_first_with_their_latest_client(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    let mut first = session("a1", "alice", T0, T0 + DAY);
    first.client = client("192.0.2.1", "curl/8.0");
    store.create_session(&first, 0, Refuse).await.unwrap();
    open_session(&store, "a2", "alice", T0 + 10).await;
    open_session(&store, "a-gone", "alice", T0 + 20).await;
    store
        .create_session(&session("a-expired", "alice", T0, T0 + 50), 0, Refuse)
        .await
        .unwrap();
    open_session(&store, "b1", "bob", T0 + 30).await;
    store
        .revoke_session("a-gone", T0 + 40, RevokeReason::Logout)
        .await
        .unwrap();

    let listed = store.list_sessions("alice", T0 + 100).await.unwrap();
    assert_eq!(ids(&listed), ["a2", "a1"]);
    let a1 = &listed[1];
    assert_eq!(a1.username, "alice");
    assert_eq!((a1.created_at, a1.refreshed_at), (T0, T0));
    assert_eq!(a1.expires_at, T0 + DAY);
    assert_eq!(a1.client, client("192.0.2.1", "curl/8.0"));
    assert_eq!(listed[0].client, SessionClient::default());

    // A refresh from elsewhere: the list shows the new token's time and client.
    let rotated = store
        .rotate_refresh(
            &token("a1"),
            &next_from("a1-next", T0 + 200, client("198.51.100.9", "app/2")),
            T0 + 200,
        )
        .await
        .unwrap();
    assert!(matches!(rotated, Rotation::Rotated { .. }));
    let a1 = store.live_session("a1", T0 + 300).await.unwrap().unwrap();
    assert_eq!((a1.created_at, a1.refreshed_at), (T0, T0 + 200));
    assert_eq!(a1.expires_at, T0 + 200 + DAY);
    assert_eq!(a1.client, client("198.51.100.9", "app/2"));

    assert!(store.list_sessions("nobody", T0).await.unwrap().is_empty());
    assert!(store
        .live_session("a-gone", T0 + 300)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .live_session("a-expired", T0 + 300)
        .await
        .unwrap()
        .is_none());
    assert!(store.live_session("never", T0).await.unwrap().is_none());
    assert_eq!(
        ids(&store.list_sessions("bob", T0 + 300).await.unwrap()),
        ["b1"]
    );
}

pub async fn revoke_others_keeps_one_session_and_records_its_event(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    for id in ["a1", "a2", "a3"] {
        open_session(&store, id, "alice", T0).await;
    }
    open_session(&store, "b1", "bob", T0).await;
    let event = AuditEvent::new(AuditKind::SessionRevoked, T0 + 10).user("alice");

    let revoked = store
        .revoke_other_sessions_audited("alice", "a2", T0 + 10, RevokeReason::Revoked, &[event])
        .await
        .unwrap();
    assert_eq!(sorted(revoked), strings(&["a1", "a3"]));
    assert_eq!(
        ids(&store.list_sessions("alice", T0 + 20).await.unwrap()),
        ["a2"]
    );
    assert_eq!(
        ids(&store.list_sessions("bob", T0 + 20).await.unwrap()),
        ["b1"]
    );
    assert_eq!(revoked_ids(&store, T0 + 10).await, strings(&["a1", "a3"]));

    // Nothing left to end: no change, no event.
    let again = AuditEvent::new(AuditKind::SessionRevoked, T0 + 30).user("alice");
    let none = store
        .revoke_other_sessions_audited("alice", "a2", T0 + 30, RevokeReason::Revoked, &[again])
        .await
        .unwrap();
    assert!(none.is_empty());
    let events = store
        .audit_events(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event, "session_revoked");
    assert_eq!(events[0].at, T0 + 10);
}
