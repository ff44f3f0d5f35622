//! A store that fails: every use case answers `Error::Storage` (with its cause), validation
//! fails closed, and nothing is left half-written.

use tessera_core::{AuthSettings, Error, SessionLimitPolicy};

use crate::support::{assert_injected, World, OWNER, PASSWORD, USER};

#[tokio::test]
async fn a_failing_store_is_a_storage_error_with_its_cause() {
    let w = World::new().await;
    w.store.fail_everything();
    assert_injected(w.auth.login(USER, PASSWORD, OWNER).await);
    assert_injected(w.auth.username_exists(USER).await);
    assert_injected(w.auth.sync_revocations().await);
}

#[tokio::test]
async fn validation_fails_closed_while_neither_feed_nor_store_answers() {
    let w = World::new().await;
    let login = w.login().await;
    w.auth.validate_access(&login.access_token).await.unwrap();
    w.auth.set_feed_live(false);
    w.store.fail(&["is_session_revoked"]);
    let err = w
        .auth
        .validate_access(&login.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "never a yes: {err:?}");
    w.store.heal();
    w.auth.validate_access(&login.access_token).await.unwrap();
}

#[tokio::test]
async fn a_refresh_the_store_could_not_rotate_spends_nothing() {
    let w = World::new().await;
    let login = w.login().await;
    w.store.fail(&["rotate_refresh"]);
    assert_injected(w.auth.refresh(&login.refresh_token).await);
    w.store.heal();
    w.auth
        .refresh(&login.refresh_token)
        .await
        .expect("the token is still unspent: no reuse, no revoked session");
}

#[tokio::test]
async fn a_login_whose_session_could_not_be_stored_leaves_no_session() {
    let settings = AuthSettings {
        max_sessions: 1,
        session_limit_policy: SessionLimitPolicy::Refuse,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    w.store.fail(&["create_session"]);
    assert_injected(w.auth.login(USER, PASSWORD, OWNER).await);
    w.store.heal();
    let login = w
        .auth
        .login(USER, PASSWORD, OWNER)
        .await
        .expect("no half session counts against the limit of one");
    assert!(login.evicted.is_empty());
}

#[tokio::test]
async fn disabling_fails_closed_when_the_sessions_cannot_be_revoked() {
    let w = World::new().await;
    let login = w.login().await;
    w.auth.validate_access(&login.access_token).await.unwrap();
    w.store.fail(&["revoke_user_sessions"]);
    assert_injected(w.auth.set_disabled(USER, true).await);
    w.store.heal();
    let err = w
        .auth
        .validate_access(&login.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
    let err = w.auth.refresh(&login.refresh_token).await.unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
}

/// A sync that failed must not move the point the next one reads from: the logout happened
/// well before it, and would be missed.
#[tokio::test]
async fn a_failed_sync_is_read_again_by_the_next_one() {
    let w = World::new().await;
    let other = w.another_instance();
    let login = w.login().await;
    other.validate_access(&login.access_token).await.unwrap();
    w.auth.logout(&login.access_token).await.unwrap();
    w.advance(30);
    w.store.fail(&["read_revocation_log"]);
    assert_injected(other.sync_revocations().await);
    w.store.heal();
    w.advance(30);
    other.sync_revocations().await.unwrap();
    let err = other
        .validate_access(&login.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
}
