//! Lifetimes, driven by the manual clock: access tokens, refresh tokens, and sessions that
//! live on by rotation.

use tessera_core::Error;

use crate::support::World;

#[tokio::test]
async fn an_access_token_lives_for_access_ttl_plus_leeway() {
    let w = World::new().await;
    let s = w.auth.settings().clone();
    let login = w.login().await;
    w.advance(s.access_ttl + s.leeway - 1);
    let v = w.auth.validate_access(&login.access_token).await.unwrap();
    assert_eq!(v.username, "anna");
    w.advance(1);
    let err = w
        .auth
        .validate_access(&login.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TokenExpired), "{err:?}");
}

#[tokio::test]
async fn a_refresh_token_expires_after_refresh_ttl() {
    let w = World::new().await;
    let login = w.login().await;
    w.advance(w.auth.settings().refresh_ttl);
    let err = w.auth.refresh(&login.refresh_token).await.unwrap_err();
    assert!(matches!(err, Error::TokenExpired), "{err:?}");
}

#[tokio::test]
async fn rotation_keeps_a_session_alive_past_its_first_expiry() {
    let w = World::new().await;
    let ttl = w.auth.settings().refresh_ttl;
    let login = w.login().await;
    w.advance(ttl - 10);
    let first = w.auth.refresh(&login.refresh_token).await.unwrap();
    w.advance(20);
    let second = w.auth.refresh(&first.refresh_token).await.unwrap();
    let v = w.auth.validate_access(&second.access_token).await.unwrap();
    assert_eq!(v.session_id, login.session_id, "the same session");
}
