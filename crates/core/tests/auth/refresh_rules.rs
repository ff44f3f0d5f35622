//! The reuse grace (a retried refresh gets the very same pair) and a session's absolute
//! lifetime, driven by the manual clock.

use tessera_core::{AuthSettings, Error, Rejection};

use crate::support::World;

const DAY: i64 = 86_400;

fn with_grace(secs: i64) -> AuthSettings {
    AuthSettings {
        refresh_reuse_grace: secs,
        ..AuthSettings::default()
    }
}

#[tokio::test]
async fn a_retry_within_the_grace_gets_the_same_pair_byte_for_byte() {
    let w = World::with(with_grace(10)).await;
    let login = w.login().await;
    w.advance(60);
    let first = w.auth.refresh(&login.refresh_token).await.unwrap();
    w.advance(10);
    let again = w.auth.refresh(&login.refresh_token).await.unwrap();
    assert_eq!(again.access_token, first.access_token);
    assert_eq!(again.refresh_token, first.refresh_token);
    w.auth.validate_access(&again.access_token).await.unwrap();

    // The pair goes on as usual; once its refresh token is used, the old one is reuse again.
    let next = w.auth.refresh(&first.refresh_token).await.unwrap();
    let err = w.auth.refresh(&login.refresh_token).await.unwrap_err();
    assert!(matches!(err, Error::RefreshReuse), "{err:?}");
    let err = w
        .auth
        .validate_access(&next.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
}

#[tokio::test]
async fn after_the_grace_a_second_presentation_is_reuse() {
    let w = World::with(with_grace(10)).await;
    let login = w.login().await;
    let first = w.auth.refresh(&login.refresh_token).await.unwrap();
    w.advance(11);
    let err = w.auth.refresh(&login.refresh_token).await.unwrap_err();
    assert!(matches!(err, Error::RefreshReuse), "{err:?}");
    let err = w
        .auth
        .validate_access(&first.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
}

#[tokio::test]
async fn without_a_grace_even_an_immediate_retry_is_reuse() {
    let w = World::new().await;
    let login = w.login().await;
    w.auth.refresh(&login.refresh_token).await.unwrap();
    let err = w.auth.refresh(&login.refresh_token).await.unwrap_err();
    assert!(matches!(err, Error::RefreshReuse), "{err:?}");
}

#[tokio::test]
async fn refreshes_cannot_extend_a_session_past_its_absolute_lifetime() {
    let settings = AuthSettings {
        session_ttl: 3 * DAY,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    let login = w.login().await;
    let mut refresh = login.refresh_token;
    for _ in 0..3 {
        w.advance(DAY - 10);
        refresh = w.auth.refresh(&refresh).await.unwrap().refresh_token;
    }
    // Now 30 s before the end: this refresh token lives until the end, not a day longer.
    refresh = w.auth.refresh(&refresh).await.unwrap().refresh_token;
    w.advance(30);
    let err = w.auth.refresh(&refresh).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected(Rejection::SessionEnded, _)),
        "{err:?}"
    );
    let again = w.login().await;
    w.auth.validate_access(&again.access_token).await.unwrap();
}
