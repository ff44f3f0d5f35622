//! Rotation and reuse, and a revocation reaching another instance through the catch-up sync.

use tessera_core::Error;

use crate::support::World;

#[tokio::test]
async fn a_reused_refresh_token_ends_the_whole_session() {
    let w = World::new().await;
    let login = w.login().await;
    w.advance(60);
    let next = w.auth.refresh(&login.refresh_token).await.unwrap();
    let err = w.auth.refresh(&login.refresh_token).await.unwrap_err();
    assert!(matches!(err, Error::RefreshReuse), "{err:?}");
    for access in [&login.access_token, &next.access_token] {
        let err = w.auth.validate_access(access).await.unwrap_err();
        assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
    }
    let err = w.auth.refresh(&next.refresh_token).await.unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
}

#[tokio::test]
async fn another_instance_learns_a_logout_at_its_next_sync() {
    let w = World::new().await;
    let other = w.another_instance();
    let login = w.login().await;
    other.validate_access(&login.access_token).await.unwrap();
    w.auth.logout(&login.access_token).await.unwrap();
    assert!(
        other.validate_access(&login.access_token).await.is_ok(),
        "not told yet (no feed in this test)"
    );
    w.advance(1);
    assert!(other.sync_revocations().await.unwrap() >= 1);
    let err = other
        .validate_access(&login.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
}
