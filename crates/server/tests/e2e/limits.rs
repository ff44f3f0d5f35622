use serde_json::json;
use tessera_api::ErrorCode;

use crate::common::{assert_refused, http, reason, refused, TestServer};

/// Logs in as admin through the client (one whose calls say they were forwarded for
/// `forwarded_for`, if given): the status of the refusal, `None` for a success.
async fn login(s: &TestServer, forwarded_for: Option<&str>, password: &str) -> Option<u16> {
    let client = match forwarded_for {
        Some(xff) => s.forwarded_client(xff),
        None => s.client(),
    };
    refused(&client.login("admin", password).await)
}

#[tokio::test]
async fn login_is_rate_limited_per_client_with_retry_after() {
    let s = TestServer::start_with(|c| c.rate_login_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(login(&s, None, "admin").await, None);
    }
    s.clock.advance(15);
    // Raw: the exact header.
    let body = json!({"username": "admin", "password": "admin"});
    let request = reqwest::Client::new().post(s.api("/auth/login"));
    let request = request.header("X-Forwarded-For", "203.0.113.9").json(&body);
    let (status, headers, body) = http::send_request(request).await;
    assert_eq!(status, 429);
    assert_eq!(headers["retry-after"], "45");
    assert_eq!(body["code"], "rate_limited");
    s.clock.advance(45);
    assert_eq!(login(&s, None, "admin").await, None);
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let s = TestServer::start_with(|c| {
        c.rate_login_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(login(&s, Some("203.0.113.1"), "admin").await, None);
    assert_eq!(login(&s, Some("203.0.113.2"), "admin").await, None);
    assert_eq!(login(&s, Some("203.0.113.1"), "admin").await, Some(429));

    let untrusted = TestServer::start_with(|c| c.rate_login_per_minute = 1).await;
    assert_eq!(login(&untrusted, Some("203.0.113.1"), "admin").await, None);
    assert_eq!(
        login(&untrusted, Some("203.0.113.2"), "admin").await,
        Some(429)
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
        .register("dave", "Dave", "harbour-lantern-ebwf")
        .await
        .unwrap();
    let limited = admin
        .register("erin", "Erin", "harbour-lantern-fsjo")
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
        assert_eq!(login(&s, None, "wrong").await, Some(401));
    }
    let locked = s.client().login("admin", "admin").await;
    assert_refused(&locked, 401, "invalid_credentials");
    assert_eq!(reason(&locked), "Invalid credentials");
    s.clock.advance(899);
    assert_eq!(login(&s, None, "admin").await, Some(401));
    s.clock.advance(1);
    assert_eq!(login(&s, None, "admin").await, None);
    // A success clears the count: two more failures do not lock.
    for _ in 0..2 {
        assert_eq!(login(&s, None, "wrong").await, Some(401));
    }
    assert_eq!(login(&s, None, "admin").await, None);
    let refused = s.client().login("guest", "x").await;
    assert_refused(&refused, 401, "invalid_credentials");
}

/// Smart lockout through the server: the client address comes from the HTTP layer (here the
/// trusted proxy's `X-Forwarded-For`); a stranger's failures lock strangers out, answering
/// exactly like a wrong password, while the client the owner logged in from is let in.
#[tokio::test]
async fn strangers_failures_lock_strangers_out_not_the_owner() {
    let s = TestServer::start_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let (owner, stranger) = ("203.0.113.7", "198.51.100.9");
    assert_eq!(login(&s, Some(owner), "admin").await, None);
    for _ in 0..3 {
        assert_eq!(login(&s, Some(stranger), "wrong").await, Some(401));
    }
    let locked = s.forwarded_client(stranger).login("admin", "admin").await;
    assert_refused(&locked, 401, "invalid_credentials");
    assert_eq!(reason(&locked), "Invalid credentials");
    assert_eq!(login(&s, Some("2001:db8::1"), "admin").await, Some(401));
    assert_eq!(login(&s, Some(owner), "admin").await, None);
    assert_eq!(login(&s, Some(stranger), "admin").await, Some(401));
}

#[tokio::test]
async fn ipv6_clients_are_limited_by_their_network() {
    let s = TestServer::start_with(|c| {
        c.rate_login_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(login(&s, Some("2001:db8:1:2::1"), "admin").await, None);
    // Another address of the same /64 is the same client.
    assert_eq!(
        login(&s, Some("2001:db8:1:2::abcd"), "admin").await,
        Some(429)
    );
    assert_eq!(login(&s, Some("2001:db8:1:3::1"), "admin").await, None);

    let s = TestServer::start_with(|c| {
        c.rate_login_per_minute = 1;
        c.rate_limit_ipv6_prefix = 128;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(login(&s, Some("2001:db8:1:2::1"), "admin").await, None);
    assert_eq!(login(&s, Some("2001:db8:1:2::abcd"), "admin").await, None);
}
