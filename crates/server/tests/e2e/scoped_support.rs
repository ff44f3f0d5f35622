//! Helpers for the scoped-token tests: raw calls with any method, users, tokens.

use serde_json::{json, Value};
use tessera_api::tokens::CreateApiTokenRequest;
use tessera_core::{Auth, Role};

use crate::common::{http, TestServer};

pub async fn call(
    s: &TestServer,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    http::send(method, &s.api(path), bearer, body.as_ref()).await
}

pub fn auth(s: &TestServer) -> &Auth {
    &s.running.as_ref().unwrap().auth
}

/// Creates a user with a role and logs in: their access token.
pub async fn user(s: &TestServer, name: &str, role: Role) -> String {
    let password = "ochre-harbour-lantern".to_string();
    auth(s)
        .create_user(name, &format!("{name} full"), &password, role, false)
        .await
        .unwrap();
    s.login(name, &password).await.0
}

/// A personal token of the bearer's: (secret, id).
pub async fn personal(
    s: &TestServer,
    bearer: &str,
    datasets: Value,
    secs: i64,
) -> (String, String) {
    let request = CreateApiTokenRequest {
        datasets: Some(datasets),
        token_exp: Some(json!(secs)),
        description: None,
    };
    let made = s.bearer(bearer).await.create_api_token(&request).await;
    let made = made.unwrap_or_else(|e| panic!("{e}"));
    (made.api_token, made.id)
}

/// Validates with an optional body.
pub async fn validate_with(s: &TestServer, token: &str, body: Option<Value>) -> (u16, Value) {
    call(s, "POST", "/auth/token/validation", Some(token), body).await
}
