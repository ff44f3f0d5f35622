use serde_json::json;

use crate::common::{assert_error, assert_refused, reason, refused, TestServer};
use crate::support::race::{one_winner, race};
use tessera_api::ErrorCode;

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_session() {
    let s = TestServer::start().await;
    let (access0, refresh0) = s.login("admin", "admin").await;
    let body = s.refresh(&refresh0).await.unwrap();
    assert_eq!(body.message, "Token refreshed successfully");
    let (access1, refresh1) = (body.access_token, body.refresh_token);
    assert_ne!(refresh1, refresh0);
    s.validate(&access1).await.unwrap();

    let reused = s.refresh(&refresh0).await;
    assert_refused(&reused, 401, "refresh_token_reused");
    assert!(reason(&reused).starts_with("Invalid or expired refresh token: "));
    assert_refused(&s.refresh(&refresh1).await, 401, "invalid_token");
    assert_refused(&s.validate(&access1).await, 401, "invalid_token");
    assert_refused(&s.validate(&access0).await, 401, "invalid_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_refreshes_of_one_token_have_exactly_one_winner() {
    let s = TestServer::start().await;
    let (_, refresh) = s.login("admin", "admin").await;
    let results = race(16, |_| {
        let (client, refresh) = (s.client(), refresh.clone());
        async move { client.refresh_token(&refresh).await }
    })
    .await;
    let (winner, losers) = one_winner(&results);
    assert!(losers.iter().all(|e| e.status() == Some(401)));
    assert!(losers
        .iter()
        .any(|e| e.code() == Some(ErrorCode::RefreshTokenReused)));
    assert_refused(
        &s.validate(&winner.access_token).await,
        401,
        "invalid_token",
    );
    assert_eq!(refused(&s.refresh(&winner.refresh_token).await), Some(401));
}

#[tokio::test]
async fn refresh_tokens_expire() {
    let s = TestServer::start_with(|c| c.refresh_timeout = 3600).await;
    let (_, refresh) = s.login("admin", "admin").await;
    s.clock.advance(3600);
    assert_refused(&s.refresh(&refresh).await, 401, "token_expired");
}

#[tokio::test]
async fn the_client_refreshes_and_retries_once_on_401() {
    let s = TestServer::start().await;
    let c = s.admin().await;
    let before = c.tokens().await.unwrap();
    s.clock.advance(901 + 5);
    assert_refused(
        &s.validate(&before.access_token).await,
        401,
        "token_expired",
    );
    let v = c.validate().await.unwrap();
    assert_eq!(v.user.username, "admin");
    let after = c.tokens().await.unwrap();
    assert_ne!(after.access_token, before.access_token);
    assert_ne!(after.refresh_token, before.refresh_token);
    assert_eq!(
        c.logout().await.unwrap().message,
        "Logout successful from admin"
    );
    assert_eq!(refused(&s.validate(&after.access_token).await), Some(401));
}

/// PlantDB answers a refresh without a refresh token with 401, and its clients expect that.
#[tokio::test]
async fn a_refresh_without_a_refresh_token_is_401_missing_token() {
    let s = TestServer::start().await;
    for body in [
        json!({}),
        json!({"refresh_token": ""}),
        json!({"refresh_token": null}),
    ] {
        let answer = s.post("/auth/token/refresh", None, Some(body)).await;
        assert_error(&answer, 401, "missing_token");
        assert!(
            answer.1["error"]
                .as_str()
                .unwrap()
                .starts_with("Invalid or expired refresh token: "),
            "{}",
            answer.1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_a_reuse_grace_retried_refreshes_get_the_same_pair() {
    let s = TestServer::start_with(|c| c.refresh_reuse_grace_seconds = 10).await;
    let (_, refresh0) = s.login("admin", "admin").await;
    let results = race(8, |_| {
        let (client, refresh) = (s.client(), refresh0.clone());
        async move { client.refresh_token(&refresh).await }
    })
    .await;
    let first = results[0].as_ref().unwrap();
    for got in &results {
        let got = got.as_ref().unwrap();
        assert_eq!(got.access_token, first.access_token);
        assert_eq!(got.refresh_token, first.refresh_token);
    }
    s.validate(&first.access_token).await.unwrap();

    s.clock.advance(11);
    assert_refused(&s.refresh(&refresh0).await, 401, "refresh_token_reused");
    assert_refused(&s.validate(&first.access_token).await, 401, "invalid_token");
}

#[tokio::test]
async fn no_refresh_goes_past_the_absolute_session_lifetime() {
    let s = TestServer::start_with(|c| {
        c.refresh_timeout = 3600;
        c.session_absolute_seconds = 7200;
    })
    .await;
    let (_, mut refresh) = s.login("admin", "admin").await;
    for _ in 0..2 {
        s.clock.advance(3500);
        refresh = s.refresh(&refresh).await.unwrap().refresh_token;
    }
    s.clock.advance(200);
    let ended = s.refresh(&refresh).await;
    assert_refused(&ended, 401, "session_expired");
    assert!(
        reason(&ended).contains("absolute lifetime"),
        "{}",
        reason(&ended)
    );
}
