//! Lockout after failed logins, and its end, driven by the manual clock.

use std::sync::Arc;

use tessera_core::{AuthSettings, Error};
use tokio::sync::mpsc;

use crate::support::{World, OWNER, PASSWORD, USER};

#[tokio::test]
async fn failed_logins_lock_the_account_until_the_lock_runs_out() {
    let settings = AuthSettings {
        lockout_threshold: 3,
        lockout_secs: 600,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    for _ in 0..3 {
        let err = w
            .auth
            .login(USER, "wrong password", OWNER)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
    }
    w.advance(599);
    let err = w.auth.login(USER, PASSWORD, OWNER).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidCredentials),
        "locked: even the right password is refused, {err:?}"
    );
    w.advance(1);
    w.auth
        .login(USER, PASSWORD, OWNER)
        .await
        .expect("the lock ran out");
    let user = w.store.inner().user(USER).await.unwrap().unwrap();
    assert_eq!(
        (user.failed_logins, user.locked_until),
        (0, None),
        "cleared"
    );
}

/// Eleven wrong guesses in flight at once, then the right password: the guesses were counted
/// before their passwords were checked, so the lock is already decided and the right password
/// is refused. (What a guess stores after its check is held until the end, so the whole burst
/// is in flight together.)
#[tokio::test]
async fn a_burst_of_guesses_cannot_outrun_the_lock() {
    const GUESSES: usize = 11;
    let settings = AuthSettings {
        lockout_threshold: 3,
        ..AuthSettings::default()
    };
    let w = Arc::new(World::with(settings).await);
    w.store.gate.hold(&["record_login_failure"]);
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let guesses: Vec<_> = (0..GUESSES)
        .map(|i| {
            let (w, done) = (Arc::clone(&w), done_tx.clone());
            tokio::spawn(async move {
                let result = w.auth.login(USER, &format!("wrong guess {i}"), OWNER).await;
                let _ = done.send(());
                result
            })
        })
        .collect();
    let mut waiting = w.store.gate.waiting();
    let mut done = 0;
    while done + *waiting.borrow_and_update() < GUESSES {
        tokio::select! {
            Some(()) = done_rx.recv() => done += 1,
            Ok(()) = waiting.changed() => {}
        }
    }

    let right = w.auth.login(USER, PASSWORD, OWNER).await;
    w.store.gate.release();
    for guess in guesses {
        let err = guess.await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::InvalidCredentials | Error::RateLimited { .. }),
            "{err:?}"
        );
    }
    assert!(
        matches!(right, Err(Error::InvalidCredentials)),
        "the right password, after the burst, is refused: {right:?}"
    );
    let user = w.store.inner().user(USER).await.unwrap().unwrap();
    assert!(user.is_locked(w.auth.now()), "{user:?}");
    assert_eq!(user.failed_logins, 3, "no more guesses were checked");
}

/// The logins of one account decided at once are capped; others are told to come back.
#[tokio::test]
async fn logins_of_one_account_in_flight_are_capped() {
    let settings = AuthSettings {
        logins_in_flight: 2,
        ..AuthSettings::default()
    };
    let w = Arc::new(World::with(settings).await);
    w.store.gate.hold(&["reserve_login_attempt"]);
    let held: Vec<_> = (0..2)
        .map(|_| {
            let w = Arc::clone(&w);
            tokio::spawn(async move { w.auth.login(USER, PASSWORD, OWNER).await.map(|_| ()) })
        })
        .collect();
    let mut waiting = w.store.gate.waiting();
    waiting.wait_for(|n| *n == 2).await.unwrap();
    let third = w.auth.login(USER, PASSWORD, OWNER).await.unwrap_err();
    assert!(matches!(third, Error::RateLimited { .. }), "{third:?}");
    w.store.gate.release();
    for login in held {
        login.await.unwrap().expect("the two in flight log in");
    }
    w.login().await;
}

/// A locked account answers after the same work as a wrong password (one Argon2 verification),
/// so its answer does not come sooner and its lock cannot be told by the time it takes; an
/// unknown user costs the same.
#[tokio::test]
async fn a_locked_account_costs_a_verification_like_a_wrong_password() {
    let settings = AuthSettings {
        lockout_threshold: 3,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    let pool = w.auth.passwords();
    let spent = |label: &str, before: u64| {
        let now = pool.verifications();
        assert_eq!(now - before, 1, "{label}: one verification");
        now
    };
    let mut count = pool.verifications();
    for _ in 0..3 {
        w.auth.login(USER, "wrong", OWNER).await.unwrap_err();
        count = spent("wrong password", count);
    }
    for password in ["wrong", PASSWORD] {
        let err = w.auth.login(USER, password, OWNER).await.unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
        count = spent("locked", count);
    }
    w.auth.login("nobody", "x", OWNER).await.unwrap_err();
    spent("unknown user", count);
}
