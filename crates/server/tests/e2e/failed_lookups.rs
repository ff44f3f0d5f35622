//! Failed credential lookups are limited per client: past the limit, the route answers 429
//! before looking anything up.

use serde_json::json;
use tessera_core::auth::apikeys::REFRESH_PREFIX as APIKEY_REFRESH_PREFIX;
use tessera_core::scoped_secret::new_scoped_secret;
use tessera_core::secret::new_secret;

use crate::common::{assert_error, http, TestServer};

/// A raw POST from the client `xff` says it is (through a trusted proxy): status, headers, body.
async fn post(
    s: &TestServer,
    xff: &str,
    path: &str,
    bearer: Option<&str>,
    body: serde_json::Value,
) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let mut request = reqwest::Client::new()
        .post(s.api(path))
        .header("x-forwarded-for", xff)
        .json(&body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    http::send_request(request).await
}

#[tokio::test]
async fn unknown_credentials_are_limited_per_client_before_any_lookup() {
    let s = TestServer::start_with(|c| {
        c.rate_failed_lookups_per_minute = 3;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let (_, good_refresh) = s.login("admin", "admin").await;
    let attacker = "203.0.113.7";
    // A random refresh token, a random well-formed scoped token, a random API-key refresh
    // token: each an unknown credential.
    let session = json!({"refresh_token": new_secret("tsr_rt_").plain});
    let (status, _, body) = post(&s, attacker, "/auth/token/refresh", None, session).await;
    assert_error(&(status, body), 401, "invalid_token");
    let scoped = new_scoped_secret().plain;
    let (status, _, body) = post(
        &s,
        attacker,
        "/auth/token/validation",
        Some(&scoped),
        json!({}),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    let apikey = json!({"refresh_token": new_secret(APIKEY_REFRESH_PREFIX).plain});
    let (status, _, body) = post(&s, attacker, "/auth/apikeys/refresh", None, apikey).await;
    assert_eq!(status, 401, "{body}");

    // The limit is reached: every such route answers 429, even for a good token, which is
    // not looked up (so not spent).
    s.clock.advance(15);
    for (path, bearer, body) in [
        (
            "/auth/token/refresh",
            None,
            json!({"refresh_token": good_refresh}),
        ),
        ("/auth/token/validation", Some(scoped.as_str()), json!({})),
        (
            "/auth/apikeys/refresh",
            None,
            json!({"refresh_token": "tsr_ak_x"}),
        ),
    ] {
        let (status, headers, body) = post(&s, attacker, path, bearer, body).await;
        assert_error(&(status, body), 429, "rate_limited");
        assert_eq!(headers["retry-after"], "45", "{path}");
    }
    // Other clients are not affected, and access tokens are never limited.
    let (status, _, _) = post(
        &s,
        "203.0.113.8",
        "/auth/token/refresh",
        None,
        json!({"refresh_token": good_refresh}),
    )
    .await;
    assert_eq!(status, 200);
    let (access, refresh) = s.login("admin", "admin").await;
    let (status, _, _) = post(
        &s,
        attacker,
        "/auth/token/validation",
        Some(&access),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    // After the window, the attacker's address may try again.
    s.clock.advance(45);
    let (status, _, _) = post(
        &s,
        attacker,
        "/auth/token/refresh",
        None,
        json!({"refresh_token": refresh}),
    )
    .await;
    assert_eq!(status, 200);
}
