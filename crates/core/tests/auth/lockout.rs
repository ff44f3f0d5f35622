//! Lockout after failed logins, and its end, driven by the manual clock.

use tessera_core::{AuthSettings, Error};

use crate::support::{World, PASSWORD, USER};

#[tokio::test]
async fn failed_logins_lock_the_account_until_the_lock_runs_out() {
    let settings = AuthSettings {
        lockout_threshold: 3,
        lockout_secs: 600,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    for _ in 0..3 {
        let err = w.auth.login(USER, "wrong password").await.unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
    }
    w.advance(599);
    let err = w.auth.login(USER, PASSWORD).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidCredentials),
        "locked: even the right password is refused, {err:?}"
    );
    w.advance(1);
    w.auth
        .login(USER, PASSWORD)
        .await
        .expect("the lock ran out");
    let user = w.store.inner().user(USER).await.unwrap().unwrap();
    assert_eq!(
        (user.failed_logins, user.locked_until),
        (0, None),
        "cleared"
    );
}
