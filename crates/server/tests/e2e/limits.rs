use serde_json::json;
use tessera_api::ErrorCode;

use crate::common::{assert_error, TestServer};

async fn login_status(
    s: &TestServer,
    forwarded_for: Option<&str>,
    password: &str,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(s.api("/auth/login"))
        .json(&json!({"username": "admin", "password": password}));
    if let Some(ip) = forwarded_for {
        req = req.header("X-Forwarded-For", ip);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn login_is_rate_limited_per_client_with_retry_after() {
    let s = TestServer::start_with(|c| c.rate_login_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(login_status(&s, None, "admin").await.status(), 200);
    }
    s.clock.advance(15);
    let limited = login_status(&s, Some("203.0.113.9"), "admin").await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "45");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    s.clock.advance(45);
    assert_eq!(login_status(&s, None, "admin").await.status(), 200);
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let s = TestServer::start_with(|c| {
        c.rate_login_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(
        login_status(&s, Some("203.0.113.1"), "admin")
            .await
            .status(),
        200
    );
    assert_eq!(
        login_status(&s, Some("203.0.113.2"), "admin")
            .await
            .status(),
        200
    );
    assert_eq!(
        login_status(&s, Some("203.0.113.1"), "admin")
            .await
            .status(),
        429
    );

    let untrusted = TestServer::start_with(|c| c.rate_login_per_minute = 1).await;
    assert_eq!(
        login_status(&untrusted, Some("203.0.113.1"), "admin")
            .await
            .status(),
        200
    );
    assert_eq!(
        login_status(&untrusted, Some("203.0.113.2"), "admin")
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn username_checks_and_registrations_have_their_own_limits() {
    let s = TestServer::start_with(|c| {
        c.rate_username_check_per_minute = 2;
        c.rate_register_per_minute = 1;
    })
    .await;
    let c = s.client();
    c.check_username("admin").await.unwrap();
    c.check_username("admin").await.unwrap();
    assert_eq!(
        c.check_username("admin").await.unwrap_err().status(),
        Some(429)
    );
    let admin = s.admin().await;
    admin
        .register("dave", "Dave", "dave-password")
        .await
        .unwrap();
    let limited = admin
        .register("erin", "Erin", "erin-password")
        .await
        .unwrap_err();
    assert_eq!(limited.code(), Some(ErrorCode::RateLimited));
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let s = TestServer::start_with(|c| {
        c.lockout_threshold = 3;
        c.lockout_seconds = 900;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(login_status(&s, None, "wrong").await.status(), 401);
    }
    let locked = login_status(&s, None, "admin").await;
    assert_eq!(locked.status(), 401);
    let body: serde_json::Value = locked.json().await.unwrap();
    assert_eq!(body["error"], "Invalid credentials");
    s.clock.advance(899);
    assert_eq!(login_status(&s, None, "admin").await.status(), 401);
    s.clock.advance(1);
    assert_eq!(login_status(&s, None, "admin").await.status(), 200);
    // A success clears the count: two more failures do not lock.
    for _ in 0..2 {
        assert_eq!(login_status(&s, None, "wrong").await.status(), 401);
    }
    assert_eq!(login_status(&s, None, "admin").await.status(), 200);
    assert_error(
        &s.post(
            "/auth/login",
            None,
            Some(json!({"username": "guest", "password": "x"})),
        )
        .await,
        401,
        "invalid_credentials",
    );
}
