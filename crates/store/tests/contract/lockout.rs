//! Counting failed logins and locking accounts.

use std::sync::Arc;

use tokio::sync::Barrier;

use super::backends::TestDb;
use super::support::{add_user, get_user, T0};

const THRESHOLD: u32 = 3;
const LOCK_SECS: i64 = 900;

pub async fn failures_count_and_lock_at_the_threshold(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;

    for (i, now) in [T0, T0 + 1].into_iter().enumerate() {
        store
            .record_login_failure("alice", now, THRESHOLD, LOCK_SECS)
            .await
            .unwrap();
        let alice = get_user(&store, "alice").await;
        assert_eq!(alice.failed_logins, i as u32 + 1);
        assert_eq!(alice.locked_until, None);
    }

    store
        .record_login_failure("alice", T0 + 2, THRESHOLD, LOCK_SECS)
        .await
        .unwrap();
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 3);
    assert_eq!(alice.locked_until, Some(T0 + 2 + LOCK_SECS));
    assert!(alice.is_locked(T0 + 2 + LOCK_SECS - 1));

    let bob = get_user(&store, "bob").await;
    assert_eq!(bob.failed_logins, 0);
    assert_eq!(bob.locked_until, None);
}

pub async fn expired_lock_restarts_the_count(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for now in [T0, T0 + 1, T0 + 2] {
        store
            .record_login_failure("alice", now, THRESHOLD, LOCK_SECS)
            .await
            .unwrap();
    }
    let until = T0 + 2 + LOCK_SECS;

    store
        .record_login_failure("alice", until - 1, THRESHOLD, LOCK_SECS)
        .await
        .unwrap();
    let still_locked = get_user(&store, "alice").await;
    assert!(still_locked.is_locked(until - 1));
    assert!(still_locked.locked_until >= Some(until));

    let expired_at = still_locked.locked_until.unwrap();
    store
        .record_login_failure("alice", expired_at, THRESHOLD, LOCK_SECS)
        .await
        .unwrap();
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 1);
    assert_eq!(alice.locked_until, None);
    assert!(!alice.is_locked(expired_at));

    store
        .record_login_failure("alice", expired_at + 1, THRESHOLD, LOCK_SECS)
        .await
        .unwrap();
    store
        .record_login_failure("alice", expired_at + 2, THRESHOLD, LOCK_SECS)
        .await
        .unwrap();
    let relocked = get_user(&store, "alice").await;
    assert_eq!(relocked.failed_logins, 3);
    assert_eq!(relocked.locked_until, Some(expired_at + 2 + LOCK_SECS));
}

pub async fn threshold_zero_never_locks(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for i in 0..10 {
        store
            .record_login_failure("alice", T0 + i, 0, LOCK_SECS)
            .await
            .unwrap();
    }
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 10);
    assert_eq!(alice.locked_until, None);
}

pub async fn clear_login_failures_resets_count_and_lock(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for now in [T0, T0 + 1, T0 + 2] {
        store
            .record_login_failure("alice", now, THRESHOLD, LOCK_SECS)
            .await
            .unwrap();
    }
    assert!(get_user(&store, "alice").await.is_locked(T0 + 3));

    store.clear_login_failures("alice").await.unwrap();
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 0);
    assert_eq!(alice.locked_until, None);

    store
        .record_login_failure("alice", T0 + 4, THRESHOLD, LOCK_SECS)
        .await
        .unwrap();
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 1);
    assert_eq!(alice.locked_until, None);
}

pub async fn failures_of_unknown_users_are_ignored(db: TestDb) {
    let store = db.store();
    store
        .record_login_failure("nobody", T0, 1, LOCK_SECS)
        .await
        .unwrap();
    store.clear_login_failures("nobody").await.unwrap();
    assert_eq!(store.user("nobody").await.unwrap(), None);
    assert_eq!(store.count_users().await.unwrap(), 0);
}

pub async fn concurrent_failures_are_all_counted(db: TestDb) {
    const TASKS: usize = 16;
    let store = db.store();
    add_user(&store, "alice").await;

    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                store.record_login_failure("alice", T0, 0, LOCK_SECS).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    assert_eq!(get_user(&store, "alice").await.failed_logins, TASKS as u32);
}
