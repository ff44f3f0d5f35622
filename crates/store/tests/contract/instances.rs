//! Several stores on one database, as several tessera instances share it.

use std::sync::Arc;

use tessera_core::store::Rotation;
use tessera_core::SessionLimitPolicy::{self, EvictOldest, Refuse};
use tessera_core::{Error, Store};
use tokio::sync::Barrier;

use super::backends::TestDb;
use super::support::{add_user, next, open_session, revoked_ids, session, token, DAY, T0};

const INSTANCES: usize = 3;
const TASKS_PER_INSTANCE: usize = 6;

async fn instances(db: &TestDb) -> Vec<Arc<dyn Store>> {
    let mut stores = vec![db.store()];
    for _ in 1..INSTANCES {
        stores.push(db.open_another().await);
    }
    stores
}

pub async fn concurrent_rotations_across_instances_have_one_winner(db: TestDb) {
    let stores = instances(&db).await;
    add_user(&stores[0], "alice").await;
    open_session(&stores[0], "s1", "alice", T0).await;

    let barrier = Arc::new(Barrier::new(INSTANCES * TASKS_PER_INSTANCE));
    let tasks: Vec<_> = (0..INSTANCES * TASKS_PER_INSTANCE)
        .map(|i| {
            let store = Arc::clone(&stores[i % INSTANCES]);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                let successor = next(&format!("next-{i}"), T0 + DAY);
                store
                    .rotate_refresh(&token("s1"), &successor, T0 + 10)
                    .await
            })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            Rotation::Rotated { session_id, .. } => {
                assert_eq!(session_id, "s1");
                winners += 1;
            }
            Rotation::Reused { session_id, .. } => assert_eq!(session_id, "s1"),
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(winners, 1, "exactly one rotation wins across instances");
    for store in &stores {
        assert!(store.is_session_revoked("s1").await.unwrap());
        assert_eq!(revoked_ids(store, T0).await, ["s1"]);
    }
}

async fn concurrent_logins(db: TestDb, max: u32, policy: SessionLimitPolicy) -> Vec<String> {
    let stores = instances(&db).await;
    add_user(&stores[0], "alice").await;

    let total = INSTANCES * TASKS_PER_INSTANCE;
    let barrier = Arc::new(Barrier::new(total));
    let tasks: Vec<_> = (0..total)
        .map(|i| {
            let store = Arc::clone(&stores[i % INSTANCES]);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                let id = format!("s{i:02}");
                barrier.wait().await;
                let outcome = store
                    .create_session(&session(&id, "alice", T0, T0 + DAY), max, policy)
                    .await;
                (id, outcome)
            })
        })
        .collect();
    let mut created = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            (id, Ok(_)) => created.push(id),
            (_, Err(Error::SessionLimit)) if policy == Refuse => {}
            (id, Err(e)) => panic!("login {id} failed: {e:?}"),
        }
    }
    let mut live = Vec::new();
    for id in &created {
        if !stores[0].is_session_revoked(id).await.unwrap() {
            live.push(id.clone());
        }
    }
    live
}

pub async fn concurrent_logins_across_instances_never_exceed_refuse_limit(db: TestDb) {
    let live = concurrent_logins(db, 2, Refuse).await;
    assert_eq!(live.len(), 2, "live sessions: {live:?}");
}

pub async fn concurrent_logins_across_instances_evict_down_to_the_limit(db: TestDb) {
    let live = concurrent_logins(db, 2, EvictOldest).await;
    assert_eq!(live.len(), 2, "live sessions: {live:?}");
}
