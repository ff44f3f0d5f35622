//! No-session API keys through the real server.

mod binding;
mod chains;
mod client;
mod issue;
mod kinds;
mod manage;
mod refresh;
mod revocation;

use serde_json::{json, Value};
use tessera_core::Role;

use crate::common::{http, TestServer};

/// Creates a contributor (who may create keys) and logs in: their access token.
pub async fn contributor(s: &TestServer, name: &str) -> String {
    let password = format!("{name}-password");
    s.running
        .as_ref()
        .unwrap()
        .auth
        .create_user(name, name, &password, Role::Contributor, false)
        .await
        .unwrap();
    s.login(name, &password).await.0
}

pub async fn create(s: &TestServer, bearer: &str, body: Value) -> (u16, Value) {
    s.post("/auth/apikeys", Some(bearer), Some(body)).await
}

/// A key for audience `svc`, subject `/data`: the whole creation answer.
pub async fn create_ok(s: &TestServer, bearer: &str, extra: Value) -> Value {
    let mut body = json!({"audience": "svc", "subject": "/data"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, body) = create(s, bearer, body).await;
    assert_eq!(status, 201, "{body}");
    body
}

pub fn text(body: &Value, key: &str) -> String {
    body[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {body}"))
        .to_string()
}

pub async fn verify(s: &TestServer, body: Value) -> (u16, Value) {
    s.post("/auth/apikeys/verify", None, Some(body)).await
}

/// Verifies `apikey` for audience `svc` and subject `/data`.
pub async fn verify_key(s: &TestServer, apikey: &str) -> (u16, Value) {
    verify(
        s,
        json!({"apikey": apikey, "audience": "svc", "subject": "/data"}),
    )
    .await
}

pub async fn refresh(s: &TestServer, refresh_token: &str) -> (u16, Value) {
    s.post(
        "/auth/apikeys/refresh",
        None,
        Some(json!({ "refresh_token": refresh_token })),
    )
    .await
}

/// A raw GET or DELETE with a bearer: (status, body).
pub async fn send(
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    bearer: &str,
) -> (u16, Value) {
    http::send(method, &s.api(path), Some(bearer), None).await
}
