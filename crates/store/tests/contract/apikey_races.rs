//! Refreshes racing revocations: whichever commits first, no live key of the user is left
//! once both are done.

use std::sync::Arc;

use tessera_core::store::{ApiKeyRevokeReason, ApiKeyRotation};
use tessera_core::Store;
use tokio::sync::oneshot;

use super::apikeys::{key, live_ids, rotate};
use super::backends::TestDb;
use super::support::{add_user, T0};

const ROUNDS: usize = 30;
const STEPS: usize = 40;
const NOW: i64 = T0 + 100;

/// Rotates the chain of `first` until a rotation is refused, telling `started` after the first.
async fn rotate_until_refused(store: Arc<dyn Store>, first: String, started: oneshot::Sender<()>) {
    let mut started = Some(started);
    let mut current = first.clone();
    for step in 1..=STEPS {
        let next = format!("{first}-{step}");
        let ApiKeyRotation::Rotated { .. } = rotate(&store, &current, &next, NOW).await else {
            break;
        };
        current = next;
        if let Some(tx) = started.take() {
            let _ = tx.send(());
        }
    }
}

/// Round `n`: a fresh user whose one key is refreshed over and over while, once the first
/// refresh has committed, all their keys (even rounds) or the key's chain (odd) are revoked.
async fn race(store: &Arc<dyn Store>, n: usize) {
    let user = format!("racer{n}");
    add_user(store, &user).await;
    let first = format!("{user}-k");
    let mut k = key(&first, &user, T0);
    k.refresh_not_before = T0;
    store.create_apikey(&k).await.unwrap();
    let (started, refreshed) = oneshot::channel();
    let rotating = tokio::spawn(rotate_until_refused(
        Arc::clone(store),
        first.clone(),
        started,
    ));
    refreshed.await.expect("the first refresh commits");
    if n.is_multiple_of(2) {
        let reason = ApiKeyRevokeReason::RevokedAll;
        store.revoke_user_apikeys(&user, NOW, reason).await.unwrap();
    } else {
        let reason = ApiKeyRevokeReason::Revoked;
        store
            .revoke_apikey_chain(&first, NOW, reason)
            .await
            .unwrap();
    }
    rotating.await.unwrap();
    let left = live_ids(store, &user, NOW).await;
    assert!(
        left.is_empty(),
        "round {n}: {left:?} escaped the revocation"
    );
}

pub async fn refreshes_racing_revocations_leave_no_live_key(db: TestDb) {
    let store = db.store();
    for n in 0..ROUNDS {
        race(&store, n).await;
    }
}
