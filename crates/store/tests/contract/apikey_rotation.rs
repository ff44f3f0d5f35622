//! Rotating API-key refresh tokens: one winner, reuse revoking the chain, and the refusals
//! told apart.

use std::sync::Arc;

use tessera_core::store::{ApiKeyRevokeReason, ApiKeyRotation, NewApiKey};
use tessera_core::Timestamp;
use tokio::sync::Barrier;

use super::apikeys::{key, live_ids, revoked_since, rotate, TTL};
use super::backends::TestDb;
use super::support::{add_user, strings, token, DAY, T0};

pub async fn rotation_revokes_the_old_key_and_keeps_bindings_and_lifetimes(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();

    assert_eq!(
        rotate(&store, "k1", "k2", T0 + 59).await,
        ApiKeyRotation::NotYetValid
    );
    let now = T0 + 2 * TTL;
    let ApiKeyRotation::Rotated { previous, key: k2 } = rotate(&store, "k1", "k2", now).await
    else {
        panic!("the first presentation after refresh_not_before rotates");
    };
    assert_eq!(previous, "k1");
    assert_eq!((k2.id.as_str(), k2.chain_id.as_str()), ("k2", "k1"));
    assert_eq!(
        (k2.username.as_str(), k2.audience.as_str()),
        ("alice", "svc")
    );
    assert_eq!(k2.bound_ip.as_deref(), Some("10.0.0.7"));
    assert_eq!(
        (k2.created_at, k2.not_before, k2.expires_at),
        (now, now, now + TTL)
    );
    assert_eq!(
        (k2.refresh_not_before, k2.refresh_expires_at),
        (now + 60, now + DAY)
    );
    assert_eq!(store.apikey("k2").await.unwrap().unwrap().chain_id, "k1");
    assert!(store.is_apikey_revoked("k1").await.unwrap());
    assert!(!store.is_apikey_revoked("k2").await.unwrap());
    assert_eq!(live_ids(&store, "alice", now).await, ["k2"]);
    assert_eq!(revoked_since(&store, now).await, ["k1"]);
    assert_eq!(
        rotate(&store, "k2", "k3", now + 60).await,
        ApiKeyRotation::Rotated {
            previous: "k2".into(),
            key: Box::new(successor(&k2, "k3", now + 60)),
        }
    );
}

fn successor(prev: &NewApiKey, id: &str, now: Timestamp) -> NewApiKey {
    NewApiKey {
        id: id.into(),
        created_at: now,
        not_before: now,
        expires_at: now + TTL,
        refresh_hash: token(id),
        refresh_not_before: now + 60,
        refresh_expires_at: now + DAY,
        ..prev.clone()
    }
}

pub async fn expired_revoked_and_unknown_refresh_tokens_are_told_apart(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    store.create_apikey(&key("k2", "alice", T0)).await.unwrap();
    assert_eq!(
        rotate(&store, "k1", "n1", T0 + DAY).await,
        ApiKeyRotation::Expired
    );
    let revoked = store
        .revoke_apikey_chain("k2", T0 + 100, ApiKeyRevokeReason::Revoked)
        .await
        .unwrap();
    assert_eq!(revoked, ["k2"]);
    assert_eq!(
        rotate(&store, "k2", "n2", T0 + 100).await,
        ApiKeyRotation::Revoked
    );
    assert_eq!(
        rotate(&store, "zz", "n3", T0 + 100).await,
        ApiKeyRotation::Unknown
    );
    assert!(store.apikey("n1").await.unwrap().is_none());
}

pub async fn reusing_a_spent_refresh_token_revokes_the_whole_chain(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    store
        .create_apikey(&key("other", "alice", T0))
        .await
        .unwrap();
    let t1 = T0 + 100;
    assert!(matches!(
        rotate(&store, "k1", "k2", t1).await,
        ApiKeyRotation::Rotated { .. }
    ));
    let t2 = t1 + 100;
    assert!(matches!(
        rotate(&store, "k2", "k3", t2).await,
        ApiKeyRotation::Rotated { .. }
    ));

    let t3 = t2 + 10;
    assert_eq!(
        rotate(&store, "k1", "k4", t3).await,
        ApiKeyRotation::Reused {
            username: "alice".into(),
            revoked: strings(&["k3"]),
        }
    );
    for id in ["k1", "k2", "k3"] {
        assert!(store.is_apikey_revoked(id).await.unwrap(), "{id}");
    }
    assert!(!store.is_apikey_revoked("other").await.unwrap());
    assert_eq!(live_ids(&store, "alice", t3).await, ["other"]);
    assert_eq!(revoked_since(&store, t2).await, ["k2", "k3"]);
    assert_eq!(
        rotate(&store, "k3", "k5", t3).await,
        ApiKeyRotation::Revoked
    );
    assert!(store.apikey("k4").await.unwrap().is_none());
}

pub async fn concurrent_rotations_of_one_token_have_one_winner(db: TestDb) {
    const TASKS: usize = 16;
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            tokio::spawn(async move {
                barrier.wait().await;
                rotate(&store, "k1", &format!("next-{i}"), T0 + 100).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut chain_revocations = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            ApiKeyRotation::Rotated { previous, key } => {
                assert_eq!(previous, "k1");
                winners.push(key.id);
            }
            ApiKeyRotation::Reused { username, revoked } => {
                assert_eq!(username, "alice");
                chain_revocations.extend(revoked);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation wins");
    // The losers are reuse: the winner's key went with the chain, once.
    assert_eq!(chain_revocations, winners);
    assert!(store.is_apikey_revoked(&winners[0]).await.unwrap());
    assert!(live_ids(&store, "alice", T0 + 100).await.is_empty());
    for i in 0..TASKS {
        let id = format!("next-{i}");
        assert_eq!(
            store.apikey(&id).await.unwrap().is_some(),
            winners.contains(&id)
        );
    }
}
