use serde_json::{json, Value};

use crate::common::http::send_request as send;
use crate::common::{assert_error, TestServer};

#[tokio::test]
async fn framework_errors_are_json_too() {
    let s = TestServer::start_with(|c| c.max_body_bytes = 1024).await;
    let http = reqwest::Client::new();
    let (status, _, body) = send(http.get(s.api("/no/such/route"))).await;
    assert_error(&(status, body), 404, "not_found");
    let (status, headers, body) = send(http.put(s.api("/auth/login"))).await;
    assert_error(&(status, body), 405, "method_not_allowed");
    assert!(headers.contains_key("allow"));
    let big = json!({"username": "x".repeat(4096), "password": "y"});
    let (status, _, body) = send(http.post(s.api("/auth/login")).json(&big)).await;
    assert_error(&(status, body), 413, "payload_too_large");
    let (status, _, body) = send(
        http.post(s.api("/auth/login"))
            .header("content-type", "text/plain")
            .body("username=admin"),
    )
    .await;
    assert_error(&(status, body), 415, "unsupported_media_type");
}

#[tokio::test]
async fn malformed_null_and_non_object_bodies_are_400() {
    let s = TestServer::start().await;
    let http = reqwest::Client::new();
    for raw in ["{not json", "null", "[1,2]", "\"text\"", ""] {
        for path in ["/auth/login", "/auth/token/refresh"] {
            let (status, _, body) = send(
                http.post(s.api(path))
                    .header("content-type", "application/json")
                    .body(raw),
            )
            .await;
            assert_error(&(status, body), 400, "bad_request");
        }
    }
    let (status, _, body) = send(
        http.post(s.api("/auth/login"))
            .json(&json!({"username": 5, "password": "admin"})),
    )
    .await;
    assert_error(&(status, body), 400, "bad_request");
}

#[tokio::test]
async fn routes_without_input_accept_any_body() {
    let s = TestServer::start().await;
    let (access, _) = s.login("admin", "admin").await;
    let http = reqwest::Client::new();
    for raw in ["", "{}", "{oops"] {
        let resp = http
            .post(s.api("/auth/token/validation"))
            .bearer_auth(&access)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
}

#[tokio::test]
async fn token_answers_are_not_cached_and_401s_say_how_to_authenticate() {
    let s = TestServer::start().await;
    let http = reqwest::Client::new();
    let resp = http
        .post(s.api("/auth/login"))
        .json(&json!({"username": "admin", "password": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let resp = http
        .post(s.api("/auth/token/validation"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let health: Value = http
        .get(s.api("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "healthy");
}
