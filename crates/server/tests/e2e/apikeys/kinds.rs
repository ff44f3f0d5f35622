//! A key is no access token, an access token is no key, and their refresh tokens do not mix.

use reqwest::Method;
use serde_json::json;

use super::{contributor, create_ok, refresh, send, text, verify_key};
use crate::common::{assert_error, assert_refused, reason, TestServer};

#[tokio::test]
async fn a_key_is_never_accepted_where_an_access_token_is_required() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let key = text(&create_ok(&s, &carol, json!({})).await, "apikey");

    assert_refused(&s.validate(&key).await, 401, "invalid_token");
    assert_error(
        &s.post("/auth/logout", Some(&key), None).await,
        401,
        "invalid_token",
    );
    let register = json!({"username": "eve", "fullname": "Eve", "password": "eve-password"});
    let got = s.post("/auth/register", Some(&key), Some(register)).await;
    assert_error(&got, 401, "invalid_token");
    let another = json!({"audience": "svc", "subject": "/data"});
    let got = s.post("/auth/apikeys", Some(&key), Some(another)).await;
    assert_error(&got, 401, "invalid_token");
    assert_error(
        &send(&s, Method::GET, "/auth/apikeys", &key).await,
        401,
        "invalid_token",
    );
    // The key itself is unharmed, and carol's session too.
    assert_eq!(verify_key(&s, &key).await.0, 200);
    s.validate(&carol).await.unwrap();
}

#[tokio::test]
async fn an_access_token_is_never_accepted_as_a_key() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let got = verify_key(&s, &carol).await;
    assert_error(&got, 401, "invalid_token");
    assert!(got.1["error"].as_str().unwrap().contains("not an API key"));
    let (_, session_refresh) = s.login("carol", "carol-password").await;
    assert_error(
        &verify_key(&s, &session_refresh).await,
        401,
        "invalid_token",
    );
}

#[tokio::test]
async fn session_and_key_refresh_tokens_are_not_interchangeable() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let (_, session_refresh) = s.login("carol", "carol-password").await;
    let body = create_ok(&s, &carol, json!({})).await;
    let key_refresh = text(&body, "refresh_token");

    let got = refresh(&s, &session_refresh).await;
    assert_error(&got, 401, "invalid_token");
    assert!(got.1["error"]
        .as_str()
        .unwrap()
        .contains("not an API-key refresh token"));
    assert_error(&refresh(&s, &carol).await, 401, "invalid_token");
    assert_error(
        &refresh(&s, &text(&body, "apikey")).await,
        401,
        "invalid_token",
    );
    let got = s.refresh(&key_refresh).await;
    assert_refused(&got, 401, "invalid_token");
    let said = reason(&got);
    assert!(
        said.contains("an API-key refresh token is not a session refresh token"),
        "{said}"
    );
    let got = s.validate(&key_refresh).await;
    assert_refused(&got, 401, "invalid_token");
    let said = reason(&got);
    assert!(
        said.contains("an API-key refresh token is not an access token"),
        "{said}"
    );
    // Neither refusal spent anything.
    s.refresh(&session_refresh).await.unwrap();
    assert_eq!(refresh(&s, &key_refresh).await.0, 200);
}
