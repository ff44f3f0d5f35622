//! The rules a rotation is given: the reuse grace (a retry of a refresh gets the same
//! successor, as long as that successor is unused) and a session's absolute lifetime.

use std::sync::Arc;

use tessera_core::store::{NextRefresh, Rotation};
use tessera_core::{Store, Timestamp};
use tokio::sync::Barrier;

use super::backends::TestDb;
use super::support::{add_user, open_session, token, DAY, T0};

const GRACE: i64 = 30;

fn rules(successor: &str, now: Timestamp, session_ttl: i64, reuse_grace: i64) -> NextRefresh {
    NextRefresh {
        hash: token(successor),
        expires_at: now + DAY,
        session_ttl,
        reuse_grace,
        on_reuse: None,
        client: Default::default(),
    }
}

async fn rotate(
    store: &Arc<dyn Store>,
    presented: &str,
    successor: &str,
    now: Timestamp,
    grace: i64,
) -> Rotation {
    let next = rules(successor, now, 30 * DAY, grace);
    store
        .rotate_refresh(&token(presented), &next, now)
        .await
        .unwrap()
}

fn rotated() -> Rotation {
    Rotation::Rotated {
        session_id: "s1".into(),
        username: "alice".into(),
    }
}

fn retried(issued_at: Timestamp) -> Rotation {
    Rotation::Retried {
        session_id: "s1".into(),
        username: "alice".into(),
        issued_at,
    }
}

fn reused() -> Rotation {
    Rotation::Reused {
        session_id: "s1".into(),
        username: "alice".into(),
    }
}

async fn one_session(db: &TestDb) -> Arc<dyn Store> {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;
    store
}

pub async fn a_retry_within_the_grace_gets_the_unused_successor_again(db: TestDb) {
    let store = one_session(&db).await;
    let t = T0 + 10;
    assert_eq!(rotate(&store, "s1", "r1", t, GRACE).await, rotated());
    assert_eq!(rotate(&store, "s1", "r1", t + 5, GRACE).await, retried(t));
    assert_eq!(
        rotate(&store, "s1", "r1", t + GRACE, GRACE).await,
        retried(t)
    );
    assert!(!store.is_session_revoked("s1").await.unwrap());

    // Once the successor itself is used, the old token is reuse again, even within the grace.
    assert_eq!(rotate(&store, "r1", "r2", t + 20, GRACE).await, rotated());
    assert_eq!(rotate(&store, "s1", "r1", t + 21, GRACE).await, reused());
    assert!(store.is_session_revoked("s1").await.unwrap());
}

pub async fn after_the_grace_or_without_one_a_second_presentation_is_reuse(db: TestDb) {
    let store = one_session(&db).await;
    let t = T0 + 10;
    assert_eq!(rotate(&store, "s1", "r1", t, GRACE).await, rotated());
    assert_eq!(
        rotate(&store, "s1", "r1", t + GRACE + 1, GRACE).await,
        reused()
    );
    assert!(store.is_session_revoked("s1").await.unwrap());

    open_session(&store, "s2", "alice", T0).await;
    assert!(matches!(
        rotate(&store, "s2", "q1", t, 0).await,
        Rotation::Rotated { .. }
    ));
    assert!(matches!(
        rotate(&store, "s2", "q1", t, 0).await,
        Rotation::Reused { .. }
    ));
    assert!(store.is_session_revoked("s2").await.unwrap());
}

pub async fn only_the_tokens_own_successor_makes_a_retry(db: TestDb) {
    let store = one_session(&db).await;
    open_session(&store, "s2", "alice", T0).await;
    let t = T0 + 10;
    assert_eq!(rotate(&store, "s1", "r1", t, GRACE).await, rotated());
    assert!(matches!(
        rotate(&store, "s2", "q1", t, GRACE).await,
        Rotation::Rotated { .. }
    ));
    // Another successor, even a live one of another session, is no retry.
    assert_eq!(rotate(&store, "s1", "q1", t + 1, GRACE).await, reused());
    assert!(!store.is_session_revoked("s2").await.unwrap());
}

pub async fn concurrent_presentations_within_the_grace_share_one_successor(db: TestDb) {
    const TASKS: usize = 12;
    let store = one_session(&db).await;
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            tokio::spawn(async move {
                barrier.wait().await;
                rotate(&store, "s1", "r1", T0 + 10, GRACE).await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let winners = outcomes.iter().filter(|o| **o == rotated()).count();
    assert_eq!(winners, 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|o| *o == rotated() || *o == retried(T0 + 10)),
        "{outcomes:?}"
    );
    assert!(!store.is_session_revoked("s1").await.unwrap());
    assert_eq!(rotate(&store, "r1", "r2", T0 + 11, GRACE).await, rotated());
}

pub async fn no_refresh_goes_past_a_sessions_absolute_lifetime(db: TestDb) {
    let store = one_session(&db).await;
    let lifetime = 1000;
    let rotate_within = |presented: &'static str, successor: &'static str, now: Timestamp| {
        let store = Arc::clone(&store);
        async move {
            let next = rules(successor, now, lifetime, 0);
            store
                .rotate_refresh(&token(presented), &next, now)
                .await
                .unwrap()
        }
    };
    assert_eq!(rotate_within("s1", "r1", T0 + 10).await, rotated());
    // The successor expires with the session, not a day later.
    let owner = Some(("s1".to_string(), "alice".to_string()));
    let end = T0 + lifetime;
    assert_eq!(
        store
            .session_of_refresh(&token("r1"), end - 1)
            .await
            .unwrap(),
        owner
    );
    assert_eq!(
        store.session_of_refresh(&token("r1"), end).await.unwrap(),
        None
    );
    assert_eq!(rotate_within("r1", "r2", end - 1).await, rotated());
    assert_eq!(rotate_within("r2", "r3", end).await, Rotation::SessionEnded);
    assert!(!store.is_session_revoked("s1").await.unwrap());

    // A session whose refresh token outlives a lifetime lowered since: refused, nothing stored.
    open_session(&store, "s2", "alice", T0).await;
    assert_eq!(
        rotate_within("s2", "q1", end + 1).await,
        Rotation::SessionEnded
    );
    assert_eq!(
        store
            .session_of_refresh(&token("q1"), end + 1)
            .await
            .unwrap(),
        None
    );
    assert!(store
        .session_of_refresh(&token("s2"), end + 1)
        .await
        .unwrap()
        .is_some());
}
