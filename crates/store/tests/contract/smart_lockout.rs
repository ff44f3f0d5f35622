//! Smart lockout in the store: familiar clients (known by a success within the window, on every
//! instance), each with a count and lock of its own, apart from the account's count for all
//! other clients; and the hourly ceiling on failures from unfamiliar clients.

use std::sync::Arc;

use tessera_core::store::{LockoutPolicy, CEILING_WINDOW};
use tessera_core::Store;

use super::backends::TestDb;
use super::support::{add_user, get_user, T0};

const WINDOW: i64 = 30 * 86_400;
const A: &str = "203.0.113.7";
const B: &str = "2001:db8:1:2::/64";

fn policy(threshold: u32, ceiling: u32) -> LockoutPolicy {
    LockoutPolicy {
        threshold,
        lock_secs: 900,
        familiar_secs: WINDOW,
        unfamiliar_per_hour: ceiling,
    }
}

async fn reserve(store: &Arc<dyn Store>, from: Option<&str>, now: i64, p: LockoutPolicy) -> bool {
    store
        .reserve_login_attempt("alice", from, now, &p)
        .await
        .unwrap()
}

async fn succeed(store: &Arc<dyn Store>, client: &str, familiar: bool, now: i64) {
    store
        .record_login_success("alice", client, familiar, now, &policy(3, 0))
        .await
        .unwrap();
}

async fn familiar(store: &Arc<dyn Store>, client: &str, now: i64) -> Option<u32> {
    store
        .familiar_client("alice", client, now - WINDOW)
        .await
        .unwrap()
        .map(|c| c.failed_logins)
}

pub async fn a_success_makes_its_client_familiar_for_the_window(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    assert_eq!(familiar(&store, A, T0).await, None);
    succeed(&store, A, false, T0).await;
    assert_eq!(familiar(&store, A, T0).await, Some(0));
    let other = db.open_another().await;
    assert_eq!(
        familiar(&other, A, T0 + 10).await,
        Some(0),
        "every instance"
    );
    assert_eq!(familiar(&store, A, T0 + WINDOW).await, Some(0));
    assert_eq!(
        familiar(&store, A, T0 + WINDOW + 1).await,
        None,
        "then no more"
    );
    assert_eq!(familiar(&store, B, T0).await, None);

    let off = LockoutPolicy {
        familiar_secs: 0,
        ..policy(3, 0)
    };
    store
        .record_login_success("alice", B, false, T0, &off)
        .await
        .unwrap();
    assert_eq!(familiar(&store, B, T0).await, None, "smart lockout off");
    store
        .record_login_success("nobody", A, false, T0, &policy(3, 0))
        .await
        .unwrap();
    assert!(store
        .familiar_client("nobody", A, 0)
        .await
        .unwrap()
        .is_none());
}

pub async fn a_familiar_client_keeps_a_count_of_its_own(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    succeed(&store, A, false, T0).await;
    let p = policy(3, 0);
    for i in 0..3 {
        assert!(
            reserve(&store, None, T0 + i, p).await,
            "a stranger's failure"
        );
    }
    assert!(
        !reserve(&store, None, T0 + 3, p).await,
        "strangers are locked out"
    );
    assert!(
        reserve(&store, Some(A), T0 + 3, p).await,
        "the owner's client is not"
    );
    assert_eq!(familiar(&store, A, T0 + 3).await, Some(1));
    assert_eq!(get_user(&store, "alice").await.failed_logins, 3);

    succeed(&store, A, true, T0 + 4).await;
    assert_eq!(
        familiar(&store, A, T0 + 4).await,
        Some(0),
        "its count cleared"
    );
    let alice = get_user(&store, "alice").await;
    assert!(alice.is_locked(T0 + 4), "strangers stay locked out");

    for i in 0..3 {
        assert!(reserve(&store, Some(A), T0 + 5 + i, p).await);
    }
    assert!(!reserve(&store, Some(A), T0 + 8, p).await, "its own lock");
    assert!(
        !reserve(&store, Some(B), T0 + 8, p).await,
        "a client never seen is not familiar"
    );
    assert!(
        !reserve(&store, Some(A), T0 + 4 + WINDOW + 1, p).await,
        "nor one seen too long ago"
    );
}

pub async fn unfamiliar_failures_have_an_hourly_ceiling(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    let p = policy(0, 3);
    for i in 0..3 {
        assert!(reserve(&store, None, T0 + i, p).await);
    }
    assert!(!reserve(&store, None, T0 + 10, p).await, "at the ceiling");
    succeed(&store, A, false, T0 + 11).await;
    assert!(
        reserve(&store, None, T0 + 12, p).await,
        "a success gave its reservation back"
    );
    assert!(!reserve(&store, None, T0 + 13, p).await);
    assert!(
        reserve(&store, Some(A), T0 + 13, p).await,
        "a familiar client is not under the ceiling"
    );
    assert!(
        reserve(&store, None, T0 + CEILING_WINDOW, p).await,
        "a new hour"
    );
}

pub async fn clearing_ends_every_count_and_lock(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    succeed(&store, A, false, T0).await;
    let p = policy(2, 2);
    for _ in 0..2 {
        assert!(reserve(&store, None, T0, p).await);
        assert!(reserve(&store, Some(A), T0, p).await);
    }
    assert!(!reserve(&store, None, T0, p).await);
    assert!(!reserve(&store, Some(A), T0, p).await);
    store.clear_login_failures("alice").await.unwrap();
    assert!(reserve(&store, None, T0, p).await);
    assert!(reserve(&store, Some(A), T0, p).await);
}

pub async fn clients_no_longer_familiar_are_forgotten(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    succeed(&store, A, false, T0).await;
    succeed(&store, B, false, T0 + WINDOW + 1).await;
    let forgotten = store.familiar_client("alice", A, 0).await.unwrap();
    assert!(forgotten.is_none(), "{forgotten:?}");
    assert!(store
        .familiar_client("alice", B, 0)
        .await
        .unwrap()
        .is_some());

    add_user(&store, "bob").await;
    store
        .record_login_success("bob", A, false, T0, &policy(3, 0))
        .await
        .unwrap();
    let forgotten = store.forget_familiar_clients(T0 + 1).await.unwrap();
    assert_eq!(forgotten, 1, "bob's, by the background purge");
    assert!(store.familiar_client("bob", A, 0).await.unwrap().is_none());
    assert!(store
        .familiar_client("alice", B, 0)
        .await
        .unwrap()
        .is_some());
}
