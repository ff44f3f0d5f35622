//! Reserving login attempts (each counted as a failure until a success clears the count) and
//! locking accounts: a locked account grants no reservation, and concurrent reservations are
//! all counted.

use std::sync::Arc;

use tessera_core::store::LockoutPolicy;
use tessera_core::Store;
use tokio::sync::Barrier;

use super::backends::TestDb;
use super::support::{add_user, get_user, T0};

const THRESHOLD: u32 = 3;
const LOCK_SECS: i64 = 900;

/// The lockout of the tests: `threshold`, 900 s, no familiar clients, no hourly ceiling.
pub fn policy(threshold: u32) -> LockoutPolicy {
    LockoutPolicy {
        threshold,
        lock_secs: LOCK_SECS,
        familiar_secs: 0,
        unfamiliar_per_hour: 0,
    }
}

async fn reserve(store: &Arc<dyn Store>, now: i64, threshold: u32) -> bool {
    store
        .reserve_login_attempt("alice", None, now, &policy(threshold))
        .await
        .unwrap()
}

pub async fn failures_count_and_lock_at_the_threshold(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;

    for (i, now) in [T0, T0 + 1].into_iter().enumerate() {
        assert!(reserve(&store, now, THRESHOLD).await);
        let alice = get_user(&store, "alice").await;
        assert_eq!(alice.failed_logins, i as u32 + 1);
        assert_eq!(alice.locked_until, None);
    }

    assert!(reserve(&store, T0 + 2, THRESHOLD).await);
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 3);
    assert_eq!(alice.locked_until, Some(T0 + 2 + LOCK_SECS));
    assert!(alice.is_locked(T0 + 2 + LOCK_SECS - 1));

    assert!(!reserve(&store, T0 + 3, THRESHOLD).await, "locked: refused");
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 3, "a refused attempt is not counted");
    assert_eq!(
        alice.locked_until,
        Some(T0 + 2 + LOCK_SECS),
        "nor extends the lock"
    );

    let bob = get_user(&store, "bob").await;
    assert_eq!(bob.failed_logins, 0);
    assert_eq!(bob.locked_until, None);
}

pub async fn expired_lock_restarts_the_count(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for now in [T0, T0 + 1, T0 + 2] {
        assert!(reserve(&store, now, THRESHOLD).await);
    }
    let until = T0 + 2 + LOCK_SECS;
    assert!(!reserve(&store, until - 1, THRESHOLD).await);

    assert!(reserve(&store, until, THRESHOLD).await, "the lock ran out");
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 1);
    assert_eq!(alice.locked_until, None);
    assert!(!alice.is_locked(until));

    assert!(reserve(&store, until + 1, THRESHOLD).await);
    assert!(reserve(&store, until + 2, THRESHOLD).await);
    let relocked = get_user(&store, "alice").await;
    assert_eq!(relocked.failed_logins, 3);
    assert_eq!(relocked.locked_until, Some(until + 2 + LOCK_SECS));
}

pub async fn threshold_zero_never_locks(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for i in 0..10 {
        assert!(reserve(&store, T0 + i, 0).await);
    }
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 10);
    assert_eq!(alice.locked_until, None);
}

pub async fn clear_login_failures_resets_count_and_lock(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for now in [T0, T0 + 1, T0 + 2] {
        assert!(reserve(&store, now, THRESHOLD).await);
    }
    assert!(get_user(&store, "alice").await.is_locked(T0 + 3));

    store.clear_login_failures("alice").await.unwrap();
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 0);
    assert_eq!(alice.locked_until, None);

    assert!(reserve(&store, T0 + 4, THRESHOLD).await);
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, 1);
    assert_eq!(alice.locked_until, None);
}

pub async fn failures_of_unknown_users_are_ignored(db: TestDb) {
    let store = db.store();
    assert!(!store
        .reserve_login_attempt("nobody", None, T0, &policy(1))
        .await
        .unwrap());
    store.clear_login_failures("nobody").await.unwrap();
    assert_eq!(store.user("nobody").await.unwrap(), None);
    assert_eq!(store.count_users().await.unwrap(), 0);
}

/// Sixteen attempts at once, on stores of their own (as on instances of their own): all are
/// counted; with a threshold, exactly that many are granted.
async fn reserve_at_once(db: &TestDb, threshold: u32) -> usize {
    const TASKS: usize = 16;
    let mut stores = vec![db.store()];
    stores.push(db.open_another().await);
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let store = Arc::clone(&stores[i % stores.len()]);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                reserve(&store, T0, threshold).await
            })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        granted += usize::from(task.await.unwrap());
    }
    granted
}

pub async fn concurrent_failures_are_all_counted(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    assert_eq!(reserve_at_once(&db, 0).await, 16);
    assert_eq!(get_user(&store, "alice").await.failed_logins, 16);
}

pub async fn concurrent_attempts_get_exactly_the_threshold(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    assert_eq!(reserve_at_once(&db, THRESHOLD).await, THRESHOLD as usize);
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.failed_logins, THRESHOLD);
    assert_eq!(alice.locked_until, Some(T0 + LOCK_SECS));
}
