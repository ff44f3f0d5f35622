//! The cap on live API keys per user: checked when a new key is stored, on every backend and
//! for concurrent creations too; refreshes replace a key and add none.

use std::sync::Arc;

use tessera_core::store::{ApiKeyRevokeReason, ApiKeyRotation, NewApiKey};
use tessera_core::{Error, Store, Timestamp};
use tokio::task::JoinSet;

use super::apikeys::{key, live_ids, rotate, TTL};
use super::backends::TestDb;
use super::support::{add_user, DAY, T0};

fn limited(id: &str, user: &str, now: Timestamp, limit: u32) -> NewApiKey {
    let mut k = key(id, user, now);
    k.refresh_not_before = now;
    k.user_limit = limit;
    k
}

async fn create(store: &Arc<dyn Store>, id: &str, user: &str, now: Timestamp) -> Result<(), Error> {
    store.create_apikey(&limited(id, user, now, 2)).await
}

pub async fn live_keys_per_user_are_capped_when_a_key_is_created(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    create(&store, "k1", "alice", T0).await.unwrap();
    create(&store, "k2", "alice", T0).await.unwrap();
    let refused = create(&store, "k3", "alice", T0).await;
    assert!(matches!(refused, Err(Error::ApiKeyLimit)), "{refused:?}");
    assert!(store.apikey("k3").await.unwrap().is_none());
    create(&store, "b1", "bob", T0).await.unwrap();

    // A refresh replaces a key: still two, still full.
    let now = T0 + 10;
    let rotated = rotate(&store, "k1", "k1b", now).await;
    assert!(matches!(rotated, ApiKeyRotation::Rotated { .. }));
    assert_eq!(live_ids(&store, "alice", now).await.len(), 2);
    assert!(create(&store, "k3", "alice", now).await.is_err());

    // A revoked chain frees its place; so does one whose key and refresh token expired.
    let reason = ApiKeyRevokeReason::Revoked;
    store.revoke_apikey_chain("k1", now, reason).await.unwrap();
    create(&store, "k3", "alice", now).await.unwrap();
    assert!(create(&store, "k4", "alice", now).await.is_err());
    let later = T0 + DAY;
    assert!(later > T0 + TTL);
    assert_eq!(live_ids(&store, "alice", later).await, ["k3"]);
    create(&store, "k4", "alice", later).await.unwrap();
    // No limit: no refusal.
    let unlimited = limited("k5", "alice", later, 0);
    store.create_apikey(&unlimited).await.unwrap();
}

pub async fn concurrent_creations_never_exceed_the_cap(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    let mut creations = JoinSet::new();
    for n in 0..8 {
        let store = Arc::clone(&store);
        let k = limited(&format!("k{n}"), "alice", T0, 3);
        creations.spawn(async move { store.create_apikey(&k).await });
    }
    let (mut made, mut refused) = (0, 0);
    while let Some(done) = creations.join_next().await {
        match done.unwrap() {
            Ok(()) => made += 1,
            Err(Error::ApiKeyLimit) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((made, refused), (3, 5));
    assert_eq!(live_ids(&store, "alice", T0).await.len(), 3);
}
