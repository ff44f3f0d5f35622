//! No-session API keys: creation, listing, revocation, the revocation catch-up and purge (and
//! the fixtures `apikey_rotation` shares).

use std::sync::Arc;

use tessera_core::store::{ApiKeyRevokeReason, ApiKeyRotation, NewApiKey, NextApiKey};
use tessera_core::{Store, Timestamp};

use super::backends::TestDb;
use super::support::{add_user, sorted, token, DAY, T0};

pub const TTL: i64 = 900;

pub fn key(id: &str, user: &str, now: Timestamp) -> NewApiKey {
    NewApiKey {
        id: id.into(),
        chain_id: id.into(),
        username: user.into(),
        audience: "svc".into(),
        subject: "/data".into(),
        api_version: "2".into(),
        bound_ip: Some("10.0.0.7".into()),
        created_at: now,
        not_before: now + 5,
        expires_at: now + TTL,
        refresh_hash: token(id),
        refresh_not_before: now + 60,
        refresh_expires_at: now + DAY,
        requires: None,
        user_limit: 0,
    }
}

pub fn next(id: &str) -> NextApiKey {
    NextApiKey {
        id: id.into(),
        refresh_hash: token(id),
        on_reuse: None,
    }
}

pub async fn rotate(
    store: &Arc<dyn Store>,
    presented: &str,
    successor: &str,
    now: i64,
) -> ApiKeyRotation {
    store
        .rotate_apikey(&token(presented), &next(successor), now)
        .await
        .unwrap()
}

pub async fn live_ids(store: &Arc<dyn Store>, user: &str, now: Timestamp) -> Vec<String> {
    let keys = store.list_apikeys(user, now).await.unwrap();
    keys.into_iter().map(|k| k.id).collect()
}

pub async fn revoked_since(store: &Arc<dyn Store>, since: Timestamp) -> Vec<String> {
    let rows = store.revoked_apikeys_since(since).await.unwrap();
    sorted(rows.into_iter().map(|r| r.id).collect())
}

pub async fn created_key_reads_back_and_is_listed_while_live(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    store
        .create_apikey(&key("k2", "alice", T0 + 1))
        .await
        .unwrap();
    store.create_apikey(&key("k3", "bob", T0)).await.unwrap();
    assert!(store.create_apikey(&key("k1", "alice", T0)).await.is_err());

    let k1 = store.apikey("k1").await.unwrap().unwrap();
    let want = key("k1", "alice", T0);
    assert_eq!(
        (
            k1.chain_id.as_str(),
            k1.audience.as_str(),
            k1.subject.as_str()
        ),
        ("k1", "svc", "/data")
    );
    assert_eq!(k1.api_version, "2");
    assert_eq!(k1.bound_ip.as_deref(), Some("10.0.0.7"));
    assert_eq!(
        (k1.created_at, k1.not_before, k1.expires_at),
        (want.created_at, want.not_before, want.expires_at)
    );
    assert_eq!(
        (k1.refresh_not_before, k1.refresh_expires_at, k1.revoked_at),
        (T0 + 60, T0 + DAY, None)
    );
    assert!(store.apikey("nope").await.unwrap().is_none());
    let by_refresh = store.apikey_of_refresh(&token("k1")).await.unwrap();
    assert_eq!(by_refresh, Some(k1.clone()));
    assert!(store
        .apikey_of_refresh(&token("nope"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(live_ids(&store, "alice", T0 + 10).await, ["k1", "k2"]);
    // Past the key's expiry but not its refresh token's: still live.
    assert_eq!(live_ids(&store, "alice", T0 + TTL + 10).await, ["k1", "k2"]);
    assert!(live_ids(&store, "alice", T0 + DAY + 1).await.is_empty());
    assert!(!store.is_apikey_revoked("k1").await.unwrap());
    assert!(store.is_apikey_revoked("nope").await.unwrap());
}

pub async fn revoke_one_and_revoke_all_touch_only_live_keys_of_that_user(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    for (id, user) in [
        ("a1", "alice"),
        ("a2", "alice"),
        ("a3", "alice"),
        ("b1", "bob"),
    ] {
        store.create_apikey(&key(id, user, T0)).await.unwrap();
    }
    let r = ApiKeyRevokeReason::Revoked;
    let chain = |id: &'static str, now| {
        let store = Arc::clone(&store);
        async move { store.revoke_apikey_chain(id, now, r).await.unwrap() }
    };
    assert_eq!(chain("a1", T0 + 10).await, ["a1"]);
    assert!(chain("a1", T0 + 11).await.is_empty());
    assert!(chain("nope", T0 + 11).await.is_empty());
    let all = ApiKeyRevokeReason::RevokedAll;
    let revoked = store
        .revoke_user_apikeys("alice", T0 + 20, all)
        .await
        .unwrap();
    assert_eq!(sorted(revoked), ["a2", "a3"]);
    assert!(store
        .revoke_user_apikeys("alice", T0 + 21, all)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(live_ids(&store, "bob", T0 + 21).await, ["b1"]);
    assert_eq!(revoked_since(&store, T0 + 10).await, ["a1", "a2", "a3"]);
    assert_eq!(revoked_since(&store, T0 + 11).await, ["a2", "a3"]);
    assert!(revoked_since(&store, T0 + 21).await.is_empty());
    // Keys that can no longer be used are not revoked again.
    store.create_apikey(&key("b2", "bob", T0)).await.unwrap();
    let late = store
        .revoke_user_apikeys("bob", T0 + DAY, all)
        .await
        .unwrap();
    assert!(late.is_empty());
}

pub async fn purge_keeps_spent_refresh_tokens_until_they_expire(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    store
        .create_apikey(&key("gone", "alice", T0))
        .await
        .unwrap();
    assert!(matches!(
        rotate(&store, "k1", "k2", T0 + 100).await,
        ApiKeyRotation::Rotated { .. }
    ));
    store
        .revoke_apikey_chain("gone", T0 + 100, ApiKeyRevokeReason::Revoked)
        .await
        .unwrap();
    let purged = store.purge_apikeys(T0 + 1000, T0 + 1000).await.unwrap();
    assert_eq!(purged, 1);
    assert!(store.apikey("gone").await.unwrap().is_none());
    assert!(matches!(
        rotate(&store, "k1", "k3", T0 + 1000).await,
        ApiKeyRotation::Reused { .. }
    ));
    let purged = store.purge_apikeys(T0 + 100 + DAY, T0).await.unwrap();
    assert_eq!(purged, 2);
    assert!(store.apikey("k2").await.unwrap().is_none());
}
