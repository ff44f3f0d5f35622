//! No-session API keys through the real server.

mod binding;
mod chains;
mod client;
mod issue;
mod kinds;
mod limit;
mod manage;
mod refresh;
mod revocation;
mod roles;

use serde_json::Value;
use tessera_api::apikeys::{
    ApiKeyResponse, CreateApiKeyRequest, VerifyApiKeyRequest, VerifyApiKeyResponse,
};
use tessera_client::ClientError;
use tessera_core::Role;

use crate::common::{Answer, TestServer};

/// Creates a contributor (who may create keys) and logs in: their access token.
pub async fn contributor(s: &TestServer, name: &str) -> String {
    let password = "ochre-harbour-lantern".to_string();
    s.running
        .as_ref()
        .unwrap()
        .auth
        .create_user(name, name, &password, Role::Contributor, false)
        .await
        .unwrap();
    s.login(name, &password).await.0
}

/// A raw creation: for bodies the client cannot send, and the exact status.
pub async fn create(s: &TestServer, bearer: &str, body: Value) -> Answer {
    s.post("/auth/apikeys", Some(bearer), Some(body)).await
}

/// A request for audience `svc`, subject `/data`.
pub fn svc() -> CreateApiKeyRequest {
    CreateApiKeyRequest {
        audience: Some("svc".into()),
        subject: Some("/data".into()),
        ..CreateApiKeyRequest::default()
    }
}

/// Creates a key through the client: the whole creation answer.
pub async fn create_ok(
    s: &TestServer,
    bearer: &str,
    request: CreateApiKeyRequest,
) -> ApiKeyResponse {
    let made = s.bearer(bearer).await.create_apikey(&request).await;
    made.unwrap_or_else(|e| panic!("{e}"))
}

/// A raw verification, for bodies with fields left out.
pub async fn verify(s: &TestServer, body: Value) -> Answer {
    s.post("/auth/apikeys/verify", None, Some(body)).await
}

/// Verifies `apikey` through the client, for audience `svc` and subject `/data`.
pub async fn verify_key(s: &TestServer, apikey: &str) -> Result<VerifyApiKeyResponse, ClientError> {
    check(s, apikey, Some("/data"), None).await
}

/// Verifies `apikey` through the client for audience `svc`, an optional subject and address.
pub async fn check(
    s: &TestServer,
    apikey: &str,
    subject: Option<&str>,
    ip: Option<&str>,
) -> Result<VerifyApiKeyResponse, ClientError> {
    let request = VerifyApiKeyRequest {
        apikey: Some(apikey.into()),
        audience: Some("svc".into()),
        subject: subject.map(str::to_string),
        ip: ip.map(str::to_string),
    };
    s.client().verify_apikey(&request).await
}

/// Spends an API-key refresh token through the client.
pub async fn refresh(s: &TestServer, refresh_token: &str) -> Result<ApiKeyResponse, ClientError> {
    s.client().refresh_apikey(refresh_token).await
}
