//! A key is no access token, an access token is no key, and their refresh tokens do not mix.

use super::{contributor, create_ok, refresh, svc, verify_key};
use crate::common::{assert_refused, reason, TestServer};

#[tokio::test]
async fn a_key_is_never_accepted_where_an_access_token_is_required() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let key = create_ok(&s, &carol, svc()).await.apikey;

    assert_refused(&s.validate(&key).await, 401, "invalid_token");
    let as_key = s.bearer(&key).await;
    assert_refused(&as_key.logout().await, 401, "invalid_token");
    let got = as_key.register("eve", "Eve", "harbour-lantern-fwf").await;
    assert_refused(&got, 401, "invalid_token");
    assert_refused(&as_key.create_apikey(&svc()).await, 401, "invalid_token");
    assert_refused(&as_key.list_apikeys().await, 401, "invalid_token");
    // The key itself is unharmed, and carol's session too.
    verify_key(&s, &key).await.unwrap();
    s.validate(&carol).await.unwrap();
}

#[tokio::test]
async fn an_access_token_is_never_accepted_as_a_key() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let got = verify_key(&s, &carol).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("not an API key"));
    let (_, session_refresh) = s.login("carol", "ochre-harbour-lantern").await;
    assert_refused(
        &verify_key(&s, &session_refresh).await,
        401,
        "invalid_token",
    );
}

#[tokio::test]
async fn session_and_key_refresh_tokens_are_not_interchangeable() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let (_, session_refresh) = s.login("carol", "ochre-harbour-lantern").await;
    let body = create_ok(&s, &carol, svc()).await;
    let key_refresh = body.refresh_token;

    let got = refresh(&s, &session_refresh).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("not an API-key refresh token"));
    assert_refused(&refresh(&s, &carol).await, 401, "invalid_token");
    assert_refused(&refresh(&s, &body.apikey).await, 401, "invalid_token");
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
    refresh(&s, &key_refresh).await.unwrap();
}
