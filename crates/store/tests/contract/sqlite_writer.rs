//! What only the SQLite store's single writer has: a refresh token that was never issued is
//! answered from a read and never becomes a write.

use std::sync::Arc;

use tessera_core::store::{ApiKeyRotation, Rotation};
use tessera_core::Store;
use tessera_store::SqliteStore;

use super::apikeys::{key, next as next_key};
use super::support::{add_user, next, open_session, token, DAY, T0};

async fn rotate_session(store: &Arc<dyn Store>, presented: &str, successor: &str) -> Rotation {
    let now = T0 + 10;
    let (presented, successor) = (token(presented), next(successor, now + DAY));
    let rotated = store.rotate_refresh(&presented, &successor, now);
    rotated.await.unwrap()
}

async fn rotate_key(store: &Arc<dyn Store>, presented: &str, successor: &str) -> ApiKeyRotation {
    let (presented, successor) = (token(presented), next_key(successor));
    let rotated = store.rotate_apikey(&presented, &successor, T0 + 10);
    rotated.await.unwrap()
}

pub async fn unknown_refresh_tokens_never_reach_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap());
    let store: Arc<dyn Store> = sqlite.clone();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;
    let mut k1 = key("k1", "alice", T0);
    k1.refresh_not_before = T0;
    store.create_apikey(&k1).await.unwrap();

    let writes = sqlite.writes_accepted();
    for n in 0..50 {
        let forged = format!("never-issued-{n}");
        let rotated = rotate_session(&store, &forged, "r").await;
        assert_eq!(rotated, Rotation::Unknown);
        assert_eq!(
            rotate_key(&store, &forged, "k").await,
            ApiKeyRotation::Unknown
        );
    }
    assert_eq!(sqlite.writes_accepted(), writes);

    let rotated = rotate_session(&store, "s1", "r1").await;
    assert!(matches!(rotated, Rotation::Rotated { .. }));
    let rotated = rotate_key(&store, "k1", "k2").await;
    assert!(matches!(rotated, ApiKeyRotation::Rotated { .. }));
    assert_eq!(sqlite.writes_accepted(), writes + 2);
}
