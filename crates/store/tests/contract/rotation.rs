//! Rotating refresh tokens, detecting reuse, and finding a token's session.

use std::sync::Arc;

use tessera_core::store::{RevokeReason, Rotation};
use tessera_core::SessionLimitPolicy::Refuse;
use tessera_core::{Store, Timestamp};
use tokio::sync::Barrier;

use super::backends::TestDb;
use super::support::{add_user, next, open_session, revoked_ids, session, token, DAY, T0};

fn rotated(session_id: &str, username: &str) -> Rotation {
    Rotation::Rotated {
        session_id: session_id.into(),
        username: username.into(),
    }
}

fn reused(session_id: &str, username: &str) -> Rotation {
    Rotation::Reused {
        session_id: session_id.into(),
        username: username.into(),
    }
}

async fn rotate(
    store: &Arc<dyn Store>,
    presented: &str,
    successor: &str,
    now: Timestamp,
) -> Rotation {
    store
        .rotate_refresh(&token(presented), &next(successor, now + DAY), now)
        .await
        .unwrap()
}

fn owner(session_id: &str, username: &str) -> Option<(String, String)> {
    Some((session_id.to_string(), username.to_string()))
}

pub async fn live_token_rotates_and_its_successor_rotates(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;

    assert_eq!(
        rotate(&store, "s1", "r1", T0 + 10).await,
        rotated("s1", "alice")
    );
    assert_eq!(
        rotate(&store, "r1", "r2", T0 + 20).await,
        rotated("s1", "alice")
    );
    assert_eq!(
        rotate(&store, "r2", "r3", T0 + 20 + DAY - 1).await,
        rotated("s1", "alice")
    );

    assert!(!store.is_session_revoked("s1").await.unwrap());
    assert_eq!(
        store
            .session_of_refresh(&token("r3"), T0 + DAY)
            .await
            .unwrap(),
        owner("s1", "alice")
    );
}

pub async fn second_presentation_is_reuse_and_revokes_the_session(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;
    open_session(&store, "s2", "alice", T0).await;

    assert_eq!(
        rotate(&store, "s1", "r1", T0 + 10).await,
        rotated("s1", "alice")
    );
    assert_eq!(
        rotate(&store, "s1", "r1-bis", T0 + 20).await,
        reused("s1", "alice")
    );

    assert!(store.is_session_revoked("s1").await.unwrap());
    let revoked = store.revoked_since(T0 + 20).await.unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].session_id, "s1");
    assert_eq!(revoked[0].revoked_at, T0 + 20);

    assert_eq!(rotate(&store, "r1", "r2", T0 + 30).await, Rotation::Revoked);
    assert_eq!(
        rotate(&store, "r1-bis", "r3", T0 + 30).await,
        Rotation::Unknown
    );
    assert_eq!(
        store
            .session_of_refresh(&token("r1"), T0 + 30)
            .await
            .unwrap(),
        None
    );

    assert!(!store.is_session_revoked("s2").await.unwrap());
    assert_eq!(
        rotate(&store, "s2", "s2-next", T0 + 40).await,
        rotated("s2", "alice")
    );
}

pub async fn expired_token_is_expired(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store
        .create_session(&session("s1", "alice", T0, T0 + 100), 0, Refuse)
        .await
        .unwrap();

    assert_eq!(
        rotate(&store, "s1", "r1", T0 + 100).await,
        Rotation::Expired
    );
    assert_eq!(
        rotate(&store, "s1", "r1", T0 + 200).await,
        Rotation::Expired
    );
    assert_eq!(
        rotate(&store, "r1", "r2", T0 + 200).await,
        Rotation::Unknown
    );
    assert!(!store.is_session_revoked("s1").await.unwrap());
}

pub async fn unknown_token_is_unknown(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;

    assert_eq!(
        rotate(&store, "nope", "r1", T0 + 10).await,
        Rotation::Unknown
    );
    assert_eq!(rotate(&store, "r1", "r2", T0 + 20).await, Rotation::Unknown);
    assert!(!store.is_session_revoked("s1").await.unwrap());
    assert_eq!(
        rotate(&store, "s1", "r3", T0 + 30).await,
        rotated("s1", "alice")
    );
}

pub async fn concurrent_rotations_of_one_token_have_one_winner(db: TestDb) {
    const TASKS: usize = 16;
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;

    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                let outcome = rotate(&store, "s1", &format!("next-{i}"), T0 + 10).await;
                (i, outcome)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        let (i, outcome) = task.await.unwrap();
        match outcome {
            Rotation::Rotated { .. } => {
                assert_eq!(outcome, rotated("s1", "alice"));
                winners.push(i);
            }
            other => assert_eq!(other, reused("s1", "alice")),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation wins");

    assert!(store.is_session_revoked("s1").await.unwrap());
    assert_eq!(revoked_ids(&store, T0).await, ["s1"]);
    let winner = format!("next-{}", winners[0]);
    assert_eq!(
        rotate(&store, &winner, "after", T0 + 20).await,
        Rotation::Revoked
    );
    for i in (0..TASKS).filter(|&i| i != winners[0]) {
        let loser = format!("next-{i}");
        assert_eq!(
            rotate(&store, &loser, "after", T0 + 20).await,
            Rotation::Unknown
        );
    }
}

pub async fn concurrent_rotations_of_different_sessions_all_succeed(db: TestDb) {
    const TASKS: usize = 16;
    let store = db.store();
    add_user(&store, "alice").await;
    for i in 0..TASKS {
        open_session(&store, &format!("s{i}"), "alice", T0).await;
    }

    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                rotate(&store, &format!("s{i}"), &format!("s{i}-next"), T0 + 10).await
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap(), rotated(&format!("s{i}"), "alice"));
    }
    assert!(revoked_ids(&store, 0).await.is_empty());
}

pub async fn session_of_refresh_only_finds_live_unused_tokens(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    open_session(&store, "s1", "alice", T0).await;
    open_session(&store, "s2", "bob", T0).await;
    store
        .create_session(&session("short", "alice", T0, T0 + 100), 0, Refuse)
        .await
        .unwrap();

    let find = |label: &'static str, now: Timestamp| {
        let store = Arc::clone(&store);
        async move { store.session_of_refresh(&token(label), now).await.unwrap() }
    };

    assert_eq!(find("s1", T0 + 1).await, owner("s1", "alice"));
    assert_eq!(find("s2", T0 + 1).await, owner("s2", "bob"));
    assert_eq!(find("nope", T0 + 1).await, None);

    assert_eq!(find("short", T0 + 99).await, owner("short", "alice"));
    assert_eq!(find("short", T0 + 100).await, None);

    assert_eq!(
        rotate(&store, "s1", "r1", T0 + 10).await,
        rotated("s1", "alice")
    );
    assert_eq!(find("s1", T0 + 11).await, None);
    assert_eq!(find("r1", T0 + 11).await, owner("s1", "alice"));

    assert!(store
        .revoke_session("s2", T0 + 12, RevokeReason::Logout)
        .await
        .unwrap());
    assert_eq!(find("s2", T0 + 13).await, None);
    assert_eq!(find("r1", T0 + 13).await, owner("s1", "alice"));
}
