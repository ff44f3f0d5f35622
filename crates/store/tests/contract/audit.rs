//! The audit trail: events appended alone or with the change they record (never one without
//! the other), read newest first with filters and a cursor, purged by age; users are named by
//! their immutable uid, so a later user of a name inherits nothing.

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{AuditQuery, AuditRecord};
use tessera_core::{Role, Store};

use super::backends::TestDb;
use super::support::{add_user, new_user, next, open_session, session, token, DAY, T0};

fn event(kind: AuditKind, at: i64) -> AuditEvent {
    AuditEvent::new(kind, at)
}

/// An event the table refuses: its detail is over the 4 KiB the table allows.
fn oversized(kind: AuditKind) -> AuditEvent {
    event(kind, T0).detail("padding", "x".repeat(5000))
}

fn all() -> AuditQuery {
    AuditQuery {
        limit: 500,
        ..AuditQuery::default()
    }
}

async fn read(store: &std::sync::Arc<dyn Store>, query: AuditQuery) -> Vec<AuditRecord> {
    store.audit_events(&query).await.expect("read audit events")
}

fn kinds(records: &[AuditRecord]) -> Vec<&str> {
    records.iter().map(|r| r.event.as_str()).collect()
}

pub async fn appended_events_read_back_newest_first_with_every_field(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    let first = event(AuditKind::LoginFailed, T0)
        .subject("anna")
        .ip(Some("192.0.2.7"))
        .failed()
        .detail("reason", "wrong_password");
    let second = event(AuditKind::LoginSucceeded, T0 + 5).user("anna");
    store.append_audit(&[first, second]).await.unwrap();
    let got = read(&store, all()).await;
    assert_eq!(kinds(&got), ["login_succeeded", "login_failed"]);
    assert!(got[0].id > got[1].id);
    let failed = &got[1];
    assert_eq!(failed.at, T0);
    assert_eq!(failed.actor, None);
    assert_eq!(failed.subject.as_deref(), Some("anna"));
    assert_eq!(failed.ip.as_deref(), Some("192.0.2.7"));
    assert_eq!(failed.outcome, "failure");
    assert_eq!(failed.detail, r#"{"reason":"wrong_password"}"#);
    assert_eq!(got[0].actor.as_deref(), Some("anna"));
    assert_eq!(got[0].outcome, "success");
    assert_eq!(got[0].detail, "{}");
}

pub async fn filters_by_user_event_and_time(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    add_user(&store, "bob").await;
    store
        .append_audit(&[
            event(AuditKind::LoginSucceeded, T0).user("anna"),
            event(AuditKind::UserDisabled, T0 + 10)
                .actor("bob")
                .subject("carl"),
            event(AuditKind::ApikeyCreated, T0 + 20)
                .actor("bob")
                .subject("anna"),
            event(AuditKind::LoginSucceeded, T0 + 30).user("bob"),
        ])
        .await
        .unwrap();
    let by_user = |user: &str| AuditQuery {
        user: Some(user.into()),
        ..all()
    };
    assert_eq!(
        kinds(&read(&store, by_user("anna")).await),
        ["apikey_created", "login_succeeded"]
    );
    assert_eq!(
        kinds(&read(&store, by_user("bob")).await),
        ["login_succeeded", "apikey_created", "user_disabled"]
    );
    // carl is named in an event but is no user: nothing ties the event to anyone.
    assert!(read(&store, by_user("carl")).await.is_empty());
    let logins = read(
        &store,
        AuditQuery {
            event: Some(AuditKind::LoginSucceeded),
            ..all()
        },
    )
    .await;
    assert_eq!(logins.len(), 2);
    let window = read(
        &store,
        AuditQuery {
            since: Some(T0 + 10),
            until: Some(T0 + 20),
            ..all()
        },
    )
    .await;
    assert_eq!(kinds(&window), ["apikey_created", "user_disabled"]);
    let combined = read(
        &store,
        AuditQuery {
            user: Some("bob".into()),
            event: Some(AuditKind::LoginSucceeded),
            since: Some(T0 + 1),
            ..all()
        },
    )
    .await;
    assert_eq!(combined.len(), 1);
    assert_eq!(combined[0].at, T0 + 30);
}

pub async fn pages_follow_the_cursor_to_the_end(db: TestDb) {
    let store = db.store();
    let events: Vec<_> = (0..7)
        .map(|i| event(AuditKind::Logout, T0 + i).detail("n", i))
        .collect();
    store.append_audit(&events).await.unwrap();
    let mut seen = Vec::new();
    let mut before_id = None;
    loop {
        let page = read(
            &store,
            AuditQuery {
                before_id,
                limit: 3,
                ..AuditQuery::default()
            },
        )
        .await;
        assert!(page.len() <= 3);
        seen.extend(page.iter().map(|r| r.at - T0));
        match page.last() {
            Some(last) if page.len() == 3 => before_id = Some(last.id),
            _ => break,
        }
    }
    assert_eq!(seen, [6, 5, 4, 3, 2, 1, 0]);
}

pub async fn purge_deletes_old_events_in_batches(db: TestDb) {
    let store = db.store();
    let events: Vec<_> = (0..5)
        .map(|i| event(AuditKind::Logout, T0 + i * DAY))
        .collect();
    store.append_audit(&events).await.unwrap();
    // Three events are older than T0 + 3 days; a batch of two leaves one for the next.
    assert_eq!(store.purge_audit(T0 + 3 * DAY, 2).await.unwrap(), 2);
    assert_eq!(store.purge_audit(T0 + 3 * DAY, 2).await.unwrap(), 1);
    assert_eq!(store.purge_audit(T0 + 3 * DAY, 2).await.unwrap(), 0);
    let left: Vec<_> = read(&store, all()).await.iter().map(|r| r.at).collect();
    assert_eq!(left, [T0 + 4 * DAY, T0 + 3 * DAY]);
}

pub async fn a_later_user_of_a_name_inherits_no_events(db: TestDb) {
    let store = db.store();
    // Events about a name before any user has it (a failed login, say) belong to no one...
    store
        .append_audit(&[event(AuditKind::LoginFailed, T0).subject("dora")])
        .await
        .unwrap();
    add_user(&store, "dora").await;
    let dora = AuditQuery {
        user: Some("dora".into()),
        ..all()
    };
    assert!(read(&store, dora.clone()).await.is_empty());
    // ...while events recorded once she exists are hers.
    store
        .append_audit(&[event(AuditKind::LoginSucceeded, T0 + 1).user("dora")])
        .await
        .unwrap();
    assert_eq!(kinds(&read(&store, dora).await), ["login_succeeded"]);
    // The name stays in clear on every event, as it was.
    assert_eq!(
        read(&store, all()).await[1].subject.as_deref(),
        Some("dora")
    );
}

pub async fn an_audited_change_stores_its_events(db: TestDb) {
    let store = db.store();
    store
        .create_user_audited(
            &new_user("anna", Role::Reader),
            &[event(AuditKind::UserCreated, T0).subject("anna")],
        )
        .await
        .unwrap();
    assert!(store
        .set_disabled_audited("anna", true, &[event(AuditKind::UserDisabled, T0)])
        .await
        .unwrap());
    // No change, no event.
    assert!(!store
        .set_disabled_audited("ghost", true, &[event(AuditKind::UserDisabled, T0)])
        .await
        .unwrap());
    assert!(store
        .create_user_audited(
            &new_user("anna", Role::Reader),
            &[event(AuditKind::UserCreated, T0)]
        )
        .await
        .is_err());
    assert_eq!(
        kinds(&read(&store, all()).await),
        ["user_disabled", "user_created"]
    );
}

pub async fn evictions_are_recorded_with_the_login(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    open_session(&store, "s1", "anna", T0).await;
    let login = event(AuditKind::LoginSucceeded, T0 + 1)
        .user("anna")
        .ip(Some("192.0.2.1"));
    let evicted = store
        .create_session_audited(
            &session("s2", "anna", T0 + 1, T0 + DAY),
            1,
            SessionLimitPolicy::EvictOldest,
            &[login],
        )
        .await
        .unwrap();
    assert_eq!(evicted, ["s1"]);
    let got = read(&store, all()).await;
    assert_eq!(kinds(&got), ["session_revoked", "login_succeeded"]);
    assert_eq!(
        got[0].detail,
        r#"{"reason":"session_limit","session_id":"s1"}"#
    );
    assert_eq!(got[0].ip.as_deref(), Some("192.0.2.1"));
}

/// A change whose event cannot be stored is not made: the event and the change share one
/// transaction. (The table refuses the oversized detail.)
pub async fn a_refused_event_undoes_its_change(db: TestDb) {
    let store = db.store();
    assert!(store
        .create_user_audited(
            &new_user("anna", Role::Reader),
            &[oversized(AuditKind::UserCreated)]
        )
        .await
        .is_err());
    assert!(store.user("anna").await.unwrap().is_none());
    add_user(&store, "anna").await;
    assert!(store
        .set_disabled_audited("anna", true, &[oversized(AuditKind::UserDisabled)])
        .await
        .is_err());
    assert!(!store.user("anna").await.unwrap().unwrap().disabled);
    assert!(store
        .create_session_audited(
            &session("s1", "anna", T0, T0 + DAY),
            0,
            SessionLimitPolicy::EvictOldest,
            &[oversized(AuditKind::LoginSucceeded)],
        )
        .await
        .is_err());
    assert_eq!(
        store.session_of_refresh(&token("s1"), T0).await.unwrap(),
        None
    );
    assert!(store
        .append_audit(&[oversized(AuditKind::Logout)])
        .await
        .is_err());
    assert!(read(&store, all()).await.is_empty());
}

pub async fn reuse_is_recorded_with_the_revocation_and_rotation_is_not(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    open_session(&store, "s1", "anna", T0).await;
    let rotate = |label: &str| {
        let mut n = next(label, T0 + DAY);
        n.on_reuse = Some(event(AuditKind::RefreshReuseDetected, T0 + 1).failed());
        n
    };
    store
        .rotate_refresh(&token("s1"), &rotate("s1-next"), T0 + 1)
        .await
        .unwrap();
    assert!(
        read(&store, all()).await.is_empty(),
        "a rotation records nothing"
    );
    store
        .rotate_refresh(&token("s1"), &rotate("s1-again"), T0 + 1)
        .await
        .unwrap();
    let got = read(&store, all()).await;
    assert_eq!(kinds(&got), ["refresh_reuse_detected"]);
    assert_eq!(got[0].subject.as_deref(), Some("anna"));
    assert_eq!(got[0].detail, r#"{"session_id":"s1"}"#);
}
