//! API-key events the store records itself, in the transaction of the change they describe:
//! the chain revoked on reuse of a spent refresh token, and a user's keys revoked all at once.

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::store::{ApiKeyRevokeReason, ApiKeyRotation, AuditQuery};

use super::apikeys::{key, live_ids, next};
use super::backends::TestDb;
use super::support::{add_user, token, T0};

fn reuse_event() -> AuditEvent {
    AuditEvent::new(AuditKind::ApikeyReuseDetected, T0 + 60).failed()
}

fn revoked_all() -> AuditEvent {
    AuditEvent::new(AuditKind::ApikeyRevoked, T0 + 60)
        .actor("admin")
        .subject("alice")
}

/// Over the 4 KiB of detail the table allows.
fn oversized(event: AuditEvent) -> AuditEvent {
    event.detail("padding", "x".repeat(5000))
}

async fn details(db: &TestDb) -> Vec<(String, Option<String>, String)> {
    let query = AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    };
    let rows = db.store().audit_events(&query).await.unwrap();
    rows.into_iter()
        .map(|r| (r.event, r.subject, r.detail))
        .collect()
}

pub async fn reuse_records_the_chain_it_revoked_and_rotation_records_nothing(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    let mut successor = next("k2");
    successor.on_reuse = Some(reuse_event());
    let first = store
        .rotate_apikey(&token("k1"), &successor, T0 + 60)
        .await
        .unwrap();
    assert!(matches!(first, ApiKeyRotation::Rotated { .. }));
    assert!(details(&db).await.is_empty(), "a rotation records nothing");
    let mut again = next("k3");
    again.on_reuse = Some(reuse_event());
    let reused = store
        .rotate_apikey(&token("k1"), &again, T0 + 61)
        .await
        .unwrap();
    assert!(matches!(reused, ApiKeyRotation::Reused { .. }));
    assert_eq!(
        details(&db).await,
        [(
            "apikey_reuse_detected".to_string(),
            Some("alice".to_string()),
            r#"{"revoked":["k2"]}"#.to_string()
        )]
    );
}

pub async fn a_reuse_event_that_cannot_be_stored_leaves_the_chain_live(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    store
        .rotate_apikey(&token("k1"), &next("k2"), T0 + 60)
        .await
        .unwrap();
    let mut again = next("k3");
    again.on_reuse = Some(oversized(reuse_event()));
    assert!(store
        .rotate_apikey(&token("k1"), &again, T0 + 61)
        .await
        .is_err());
    assert_eq!(live_ids(&store, "alice", T0 + 61).await, ["k2"]);
    assert!(details(&db).await.is_empty());
}

pub async fn revoking_all_records_how_many_went_and_nothing_when_none(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    store.create_apikey(&key("k2", "alice", T0)).await.unwrap();
    let reason = ApiKeyRevokeReason::RevokedAll;
    let gone = store
        .revoke_user_apikeys_audited("alice", T0 + 60, reason, Some(revoked_all()))
        .await
        .unwrap();
    assert_eq!(gone.len(), 2);
    let recorded = (
        "apikey_revoked".to_string(),
        Some("alice".to_string()),
        r#"{"all":2}"#.to_string(),
    );
    assert_eq!(details(&db).await, std::slice::from_ref(&recorded));
    let none = store
        .revoke_user_apikeys_audited("alice", T0 + 61, reason, Some(revoked_all()))
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(
        details(&db).await,
        [recorded],
        "no keys went, nothing recorded"
    );
}

pub async fn a_revoke_all_event_that_cannot_be_stored_leaves_the_keys_live(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    let reason = ApiKeyRevokeReason::RevokedAll;
    let event = Some(oversized(revoked_all()));
    assert!(store
        .revoke_user_apikeys_audited("alice", T0 + 60, reason, event)
        .await
        .is_err());
    assert_eq!(live_ids(&store, "alice", T0 + 60).await, ["k1"]);
}
