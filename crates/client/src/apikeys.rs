//! No-session API keys: a logged-in client creates, lists and revokes them; anyone holding a
//! refresh token refreshes one; the audience service verifies them.

use reqwest::Method;
use tessera_api::apikeys::RevokeAllApiKeysRequest;
use tessera_api::apikeys::{
    ApiKeyList, ApiKeyRefreshRequest, ApiKeyResponse, CreateApiKeyRequest,
    RevokeAllApiKeysResponse, VerifyApiKeyRequest, VerifyApiKeyResponse,
};
use tessera_api::MessageResponse;

use crate::path::segment;
use crate::send::json as body;
use crate::{Client, ClientError};

impl Client {
    /// Creates a key with the session's access token.
    pub async fn create_apikey(
        &self,
        request: &CreateApiKeyRequest,
    ) -> Result<ApiKeyResponse, ClientError> {
        self.authed(Method::POST, "/auth/apikeys", Some(&body(request)?))
            .await
    }

    /// Checks a key (as the audience service does; needs no session).
    pub async fn verify_apikey(
        &self,
        request: &VerifyApiKeyRequest,
    ) -> Result<VerifyApiKeyResponse, ClientError> {
        self.send(
            Method::POST,
            "/auth/apikeys/verify",
            None,
            Some(&body(request)?),
        )
        .await
    }

    /// Spends an API-key refresh token for a new key and refresh token (needs no session).
    pub async fn refresh_apikey(&self, refresh_token: &str) -> Result<ApiKeyResponse, ClientError> {
        let request = body(&ApiKeyRefreshRequest {
            refresh_token: Some(refresh_token.to_string()),
        })?;
        self.send(Method::POST, "/auth/apikeys/refresh", None, Some(&request))
            .await
    }

    pub async fn list_apikeys(&self) -> Result<ApiKeyList, ClientError> {
        self.authed(Method::GET, "/auth/apikeys", None).await
    }

    pub async fn revoke_apikey(&self, id: &str) -> Result<MessageResponse, ClientError> {
        let path = format!("/auth/apikeys/{}", segment(id));
        self.authed(Method::DELETE, &path, None).await
    }

    /// Revokes the session user's keys, or (as an admin) those of `username`.
    pub async fn revoke_all_apikeys(
        &self,
        username: Option<&str>,
    ) -> Result<RevokeAllApiKeysResponse, ClientError> {
        let request = body(&RevokeAllApiKeysRequest {
            username: username.map(str::to_string),
        })?;
        self.authed(Method::POST, "/auth/apikeys/revoke-all", Some(&request))
            .await
    }
}
