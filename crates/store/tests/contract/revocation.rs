//! Revoking sessions, the revocation feed, and purging old sessions.

use tessera_core::store::{RevokeReason, Rotation};
use tessera_core::SessionLimitPolicy::Refuse;
use tessera_core::Timestamp;

use super::backends::TestDb;
use super::support::{
    add_user, next, open_session, revoked_ids, session, sorted, strings, token, DAY, T0,
};

pub async fn revoke_session_is_true_once(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;
    open_session(&store, "s2", "alice", T0).await;

    assert!(!store.is_session_revoked("s1").await.unwrap());
    assert!(store
        .revoke_session("s1", T0 + 10, RevokeReason::Logout)
        .await
        .unwrap());
    assert!(store.is_session_revoked("s1").await.unwrap());
    assert!(!store.is_session_revoked("s2").await.unwrap());

    assert!(!store
        .revoke_session("s1", T0 + 20, RevokeReason::Logout)
        .await
        .unwrap());
    let revoked = store.revoked_since(T0).await.unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].session_id, "s1");
    assert_eq!(
        revoked[0].revoked_at,
        T0 + 10,
        "a second revoke keeps the first time"
    );

    assert!(!store
        .revoke_session("nope", T0 + 20, RevokeReason::Logout)
        .await
        .unwrap());
}

pub async fn unknown_session_counts_as_revoked(db: TestDb) {
    let store = db.store();
    assert!(store.is_session_revoked("never-created").await.unwrap());
}

pub async fn revoked_since_includes_its_bound(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for (id, at) in [("early", T0 + 10), ("exact", T0 + 20), ("late", T0 + 30)] {
        open_session(&store, id, "alice", T0).await;
        store
            .revoke_session(id, at, RevokeReason::Logout)
            .await
            .unwrap();
    }
    open_session(&store, "live", "alice", T0).await;

    assert_eq!(
        revoked_ids(&store, T0).await,
        strings(&["early", "exact", "late"])
    );
    assert_eq!(
        revoked_ids(&store, T0 + 20).await,
        strings(&["exact", "late"])
    );
    assert_eq!(revoked_ids(&store, T0 + 31).await, Vec::<String>::new());

    let mut feed = store.revoked_since(T0 + 20).await.unwrap();
    feed.sort_by(|a, b| a.session_id.cmp(&b.session_id));
    let times: Vec<Timestamp> = feed.iter().map(|r| r.revoked_at).collect();
    assert_eq!(times, [T0 + 20, T0 + 30]);
}

pub async fn revoke_user_sessions_returns_exactly_that_users_live_sessions(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    open_session(&store, "a1", "alice", T0).await;
    open_session(&store, "a2", "alice", T0 + 1).await;
    open_session(&store, "a-gone", "alice", T0 + 2).await;
    store
        .create_session(&session("a-expired", "alice", T0, T0 + 100), 0, Refuse)
        .await
        .unwrap();
    open_session(&store, "b1", "bob", T0).await;
    store
        .revoke_session("a-gone", T0 + 50, RevokeReason::Logout)
        .await
        .unwrap();

    let revoked = store
        .revoke_user_sessions("alice", T0 + 200, RevokeReason::PasswordChanged)
        .await
        .unwrap();
    assert_eq!(sorted(revoked), strings(&["a1", "a2"]));
    assert!(store.is_session_revoked("a1").await.unwrap());
    assert!(store.is_session_revoked("a2").await.unwrap());
    assert!(!store.is_session_revoked("b1").await.unwrap());
    assert_eq!(revoked_ids(&store, T0 + 200).await, strings(&["a1", "a2"]));
    assert_eq!(
        store
            .rotate_refresh(&token("a1"), &next("a1-next", T0 + DAY), T0 + 201)
            .await
            .unwrap(),
        Rotation::Revoked
    );

    let again = store
        .revoke_user_sessions("alice", T0 + 300, RevokeReason::UserDisabled)
        .await
        .unwrap();
    assert!(again.is_empty());
    let nobody = store
        .revoke_user_sessions("nobody", T0 + 300, RevokeReason::UserDisabled)
        .await
        .unwrap();
    assert!(nobody.is_empty());
}

pub async fn purge_deletes_expired_and_long_revoked_sessions_only(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    let now = T0 + 10 * DAY;
    let revoked_before = now - 1_000;

    store
        .create_session(&session("expired", "alice", T0, now - 1), 0, Refuse)
        .await
        .unwrap();
    open_session(&store, "long-revoked", "alice", now - 2_000).await;
    store
        .revoke_session("long-revoked", revoked_before - 1, RevokeReason::Logout)
        .await
        .unwrap();
    open_session(&store, "revoked-at-bound", "alice", now - 2_000).await;
    store
        .revoke_session("revoked-at-bound", revoked_before, RevokeReason::Logout)
        .await
        .unwrap();
    open_session(&store, "recently-revoked", "alice", now - 2_000).await;
    store
        .revoke_session("recently-revoked", now - 10, RevokeReason::Logout)
        .await
        .unwrap();
    open_session(&store, "live", "alice", now - 10).await;
    store
        .create_session(&session("rotated", "alice", T0, T0 + DAY), 0, Refuse)
        .await
        .unwrap();
    let outcome = store
        .rotate_refresh(
            &token("rotated"),
            &next("rotated-next", now + DAY),
            T0 + 100,
        )
        .await
        .unwrap();
    assert!(
        matches!(outcome, Rotation::Rotated { .. }),
        "got {outcome:?}"
    );

    assert_eq!(store.purge(now, revoked_before).await.unwrap(), 2);

    assert_eq!(
        revoked_ids(&store, 0).await,
        strings(&["recently-revoked", "revoked-at-bound"])
    );
    assert!(!store.is_session_revoked("live").await.unwrap());
    assert!(!store.is_session_revoked("rotated").await.unwrap());
    assert!(store.is_session_revoked("long-revoked").await.unwrap());
    assert!(store.is_session_revoked("expired").await.unwrap());
    assert_eq!(
        store.session_of_refresh(&token("live"), now).await.unwrap(),
        Some(("live".to_string(), "alice".to_string()))
    );
    assert_eq!(
        store
            .session_of_refresh(&token("rotated-next"), now)
            .await
            .unwrap(),
        Some(("rotated".to_string(), "alice".to_string()))
    );
    assert_eq!(
        store
            .rotate_refresh(&token("expired"), &next("e-next", now + DAY), now)
            .await
            .unwrap(),
        Rotation::Unknown
    );

    assert_eq!(store.purge(now, revoked_before).await.unwrap(), 0);
}

pub async fn live_sessions_are_counted(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    let now = T0 + 100;
    assert_eq!(store.count_live_sessions(now).await.unwrap(), 0);
    open_session(&store, "a1", "alice", T0).await;
    open_session(&store, "a2", "alice", T0).await;
    open_session(&store, "b1", "bob", T0).await;
    store
        .create_session(&session("ended", "bob", T0, now), 0, Refuse)
        .await
        .unwrap();
    store
        .revoke_session("a2", now, RevokeReason::Logout)
        .await
        .unwrap();
    assert_eq!(store.count_live_sessions(now).await.unwrap(), 2);
    assert_eq!(store.count_live_sessions(T0 + DAY).await.unwrap(), 0);
}
