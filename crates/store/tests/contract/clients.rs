//! Service clients: stored with their secret's hash, rotated and removed once, each change
//! logged as a revocation of the generation it ended.

use std::sync::Arc;

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::store::{LogCursor, NewClient, NewClientSecret, TokenUse};
use tessera_core::{Error, Store};

use super::backends::TestDb;
use super::support::{audit_events, sorted, token, T0};

fn client(id: &str) -> NewClient {
    NewClient {
        client_id: id.into(),
        name: format!("service {id}"),
        scopes: "read write".into(),
        rights: "introspect".into(),
        secret_hash: token(&format!("secret-{id}")),
        generation: format!("g-{id}"),
        created_by: "admin".into(),
        created_at: T0,
    }
}

fn event(kind: AuditKind, id: &str) -> Vec<AuditEvent> {
    vec![AuditEvent::new(kind, T0 + 5)
        .actor("admin")
        .detail("client_id", id)]
}

/// Makes client `id`, unaudited.
async fn add(store: &Arc<dyn Store>, id: &str) {
    store.create_client_audited(&client(id), &[]).await.unwrap();
}

async fn log_keys(store: &Arc<dyn Store>) -> Vec<String> {
    let read = store
        .read_revocation_log(
            LogCursor::Start {
                keep: 3600 * 24 * 365 * 30,
            },
            T0 + 30,
        )
        .await
        .unwrap();
    sorted(read.entries.iter().map(|e| e.key.to_string()).collect())
}

pub async fn clients_read_back_and_ids_are_unique(db: TestDb) {
    let store = db.store();
    store
        .create_client_audited(&client("c1"), &event(AuditKind::ClientCreated, "c1"))
        .await
        .unwrap();
    add(&store, "c2").await;
    let c = store.client("c1").await.unwrap().unwrap();
    assert_eq!(
        (c.name.as_str(), c.scopes.as_str()),
        ("service c1", "read write")
    );
    assert_eq!(
        (c.rights.as_str(), c.generation.as_str()),
        ("introspect", "g-c1")
    );
    assert_eq!(c.secret_hash, token("secret-c1"));
    assert_eq!((c.created_by.as_str(), c.created_at), ("admin", T0));
    assert_eq!((c.last_used_at, c.last_used_ip), (None, None));
    assert!(store.client("nope").await.unwrap().is_none());
    let ids: Vec<_> = store
        .list_clients()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.client_id)
        .collect();
    assert_eq!(ids, ["c1", "c2"]);
    let dup = store.create_client_audited(&client("c1"), &[]).await;
    assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
    let events = audit_events(&store).await;
    assert_eq!(events.len(), 1, "{events:?}");
}

pub async fn rotation_and_removal_end_a_generation_once(db: TestDb) {
    let store = db.store();
    add(&store, "c1").await;
    assert!(store.is_client_generation_live("g-c1").await.unwrap());
    let secret = NewClientSecret {
        secret_hash: token("secret-c1-2"),
        generation: "g-c1-2".into(),
    };
    let rotated = store
        .rotate_client_secret_audited(
            "c1",
            &secret,
            T0 + 10,
            &event(AuditKind::ClientSecretRotated, "c1"),
        )
        .await
        .unwrap();
    assert_eq!(rotated.as_deref(), Some("g-c1"));
    assert!(!store.is_client_generation_live("g-c1").await.unwrap());
    assert!(store.is_client_generation_live("g-c1-2").await.unwrap());
    let c = store.client("c1").await.unwrap().unwrap();
    assert_eq!(c.secret_hash, token("secret-c1-2"));
    let unknown = store
        .rotate_client_secret_audited("nope", &secret, T0 + 10, &[])
        .await
        .unwrap();
    assert_eq!(unknown, None);

    let removed = store
        .remove_client_audited("c1", T0 + 20, &event(AuditKind::ClientRemoved, "c1"))
        .await
        .unwrap();
    assert_eq!(removed.as_deref(), Some("g-c1-2"));
    assert!(store.client("c1").await.unwrap().is_none());
    assert!(store.list_clients().await.unwrap().is_empty());
    assert!(!store.is_client_generation_live("g-c1-2").await.unwrap());
    let again = store
        .remove_client_audited("c1", T0 + 21, &[])
        .await
        .unwrap();
    assert_eq!(again, None, "removed once");
    assert_eq!(log_keys(&store).await, ["client:g-c1", "client:g-c1-2"]);
    let events = audit_events(&store).await;
    assert_eq!(events.len(), 2, "{events:?}");
    let dup = store.create_client_audited(&client("c1"), &[]).await;
    assert!(
        matches!(dup, Err(Error::Conflict(_))),
        "an id is never reused"
    );
}

pub async fn uses_are_kept_and_never_go_back_in_time(db: TestDb) {
    let store = db.store();
    add(&store, "c1").await;
    let at = |at, ip: &str| TokenUse {
        id: "c1".into(),
        at,
        ip: Some(ip.into()),
    };
    store
        .record_client_uses(&[at(T0 + 9, "10.0.0.1")])
        .await
        .unwrap();
    store
        .record_client_uses(&[at(T0 + 5, "10.0.0.2")])
        .await
        .unwrap();
    let c = store.client("c1").await.unwrap().unwrap();
    assert_eq!(c.last_used_at, Some(T0 + 9));
    assert_eq!(c.last_used_ip.as_deref(), Some("10.0.0.1"));
}

pub async fn a_client_token_is_revoked_once_and_logged(db: TestDb) {
    let store = db.store();
    add(&store, "c1").await;
    assert!(!store.is_client_token_revoked("j1").await.unwrap());
    let audit = event(AuditKind::TokenRevoked, "c1");
    store
        .revoke_client_token("j1", "c1", T0 + 900, T0 + 10, &audit)
        .await
        .unwrap();
    store
        .revoke_client_token("j1", "c1", T0 + 900, T0 + 11, &audit)
        .await
        .unwrap();
    assert!(store.is_client_token_revoked("j1").await.unwrap());
    assert!(!store.is_client_token_revoked("j2").await.unwrap());
    assert_eq!(log_keys(&store).await, ["client:j1"], "logged once");
    let events = audit_events(&store).await;
    assert_eq!(events.len(), 1, "audited once: {events:?}");

    // Purged once expired, not before.
    store
        .revoke_client_token("j2", "c1", T0 + 1800, T0 + 12, &[])
        .await
        .unwrap();
    assert_eq!(
        store.purge_revoked_client_tokens(T0 + 900).await.unwrap(),
        0
    );
    assert_eq!(
        store.purge_revoked_client_tokens(T0 + 901).await.unwrap(),
        1
    );
    assert!(!store.is_client_token_revoked("j1").await.unwrap());
    assert!(store.is_client_token_revoked("j2").await.unwrap());
}
