//! A thief refreshing in a tight loop while the owner presents the spent first token: the reuse
//! must end the whole chain, the successor of a refresh in flight included, so that the loop's
//! next refresh fails. Many short trials, since the race is won only some of the time.

use std::future::Future;
use std::sync::Arc;

use tessera_core::store::{ApiKeyRotation, Rotation};
use tessera_core::Store;
use tokio::sync::oneshot;

use super::apikeys::{key, live_ids, rotate};
use super::backends::TestDb;
use super::support::{add_user, next, open_session, token, DAY, T0};

const TRIALS: usize = 25;
/// More refreshes than a loop gets in before the reuse is detected, unless it escaped.
const STEPS: usize = 400;
const NOW: i64 = T0 + 100;

/// Refreshes from `first` (`refresh(current, next)` says whether it rotated) until one is
/// refused, telling `started` after the first; returns the token it held last and whether a
/// refresh was refused.
async fn refresh_loop<F, Fut>(
    first: String,
    started: oneshot::Sender<()>,
    refresh: F,
) -> (String, bool)
where
    F: Fn(String, String) -> Fut,
    Fut: Future<Output = bool>,
{
    let mut started = Some(started);
    let mut current = first.clone();
    for step in 1..=STEPS {
        let next = format!("{first}-{step}");
        if !refresh(current.clone(), next.clone()).await {
            return (current, true);
        }
        current = next;
        if let Some(tx) = started.take() {
            let _ = tx.send(());
        }
    }
    (current, false)
}

async fn apikey_trial(store: &Arc<dyn Store>, n: usize) {
    let user = format!("owner{n}");
    add_user(store, &user).await;
    let first = format!("{user}-k0");
    let mut k = key(&first, &user, T0);
    k.refresh_not_before = T0;
    store.create_apikey(&k).await.unwrap();
    let stolen = format!("{user}-k1");
    assert!(matches!(
        rotate(store, &first, &stolen, NOW).await,
        ApiKeyRotation::Rotated { .. }
    ));
    let (started, running) = oneshot::channel();
    let thief = Arc::clone(store);
    let looping = tokio::spawn(refresh_loop(stolen, started, move |cur, nxt| {
        let store = Arc::clone(&thief);
        async move {
            matches!(
                rotate(&store, &cur, &nxt, NOW).await,
                ApiKeyRotation::Rotated { .. }
            )
        }
    }));
    running.await.expect("the loop refreshes once");
    assert!(matches!(
        rotate(store, &first, &format!("{user}-owner"), NOW).await,
        ApiKeyRotation::Reused { .. }
    ));
    let (last, refused) = looping.await.unwrap();
    assert!(
        refused,
        "trial {n}: the loop kept refreshing after the reuse"
    );
    let left = live_ids(store, &user, NOW).await;
    assert!(left.is_empty(), "trial {n}: {left:?} escaped the reuse");
    let again = rotate(store, &last, &format!("{last}-again"), NOW).await;
    assert!(
        !matches!(again, ApiKeyRotation::Rotated { .. }),
        "trial {n}"
    );
}

pub async fn reuse_during_a_refresh_loop_ends_every_apikey_of_the_chain(db: TestDb) {
    let store = db.store();
    for n in 0..TRIALS {
        apikey_trial(&store, n).await;
    }
}

async fn rotate_session(store: &Arc<dyn Store>, presented: &str, successor: &str) -> Rotation {
    let successor = next(successor, NOW + DAY);
    store
        .rotate_refresh(&token(presented), &successor, NOW)
        .await
        .unwrap()
}

async fn session_trial(store: &Arc<dyn Store>, n: usize) {
    let user = format!("owner{n}");
    add_user(store, &user).await;
    let first = format!("{user}-s");
    open_session(store, &first, &user, T0).await;
    let stolen = format!("{user}-r1");
    let rotated = rotate_session(store, &first, &stolen).await;
    assert!(matches!(rotated, Rotation::Rotated { .. }));
    let (started, running) = oneshot::channel();
    let thief = Arc::clone(store);
    let looping = tokio::spawn(refresh_loop(stolen, started, move |cur, nxt| {
        let store = Arc::clone(&thief);
        async move {
            matches!(
                rotate_session(&store, &cur, &nxt).await,
                Rotation::Rotated { .. }
            )
        }
    }));
    running.await.expect("the loop refreshes once");
    let reused = rotate_session(store, &first, &format!("{user}-owner")).await;
    assert!(matches!(reused, Rotation::Reused { .. }));
    let (last, refused) = looping.await.unwrap();
    assert!(
        refused,
        "trial {n}: the loop kept refreshing after the reuse"
    );
    assert!(store.is_session_revoked(&first).await.unwrap());
    let live = store.session_of_refresh(&token(&last), NOW).await.unwrap();
    assert_eq!(live, None, "trial {n}");
    let again = rotate_session(store, &last, &format!("{last}-again")).await;
    assert!(!matches!(again, Rotation::Rotated { .. }), "trial {n}");
}

pub async fn reuse_during_a_refresh_loop_ends_the_session(db: TestDb) {
    let store = db.store();
    for n in 0..TRIALS {
        session_trial(&store, n).await;
    }
}
