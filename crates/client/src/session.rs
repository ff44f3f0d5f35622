//! Health, users and sessions: login, validation, refresh, logout, registration.

use reqwest::Method;
use tessera_api::{
    HealthResponse, LoginRequest, LoginResponse, MessageResponse, RefreshResponse, RegisterRequest,
    UsernameCheck, ValidationRequest, ValidationResponse,
};

use crate::send::json;
use crate::{Client, ClientError, Credential, Tokens};

impl Client {
    pub async fn health(&self) -> Result<HealthResponse, ClientError> {
        self.send(Method::GET, "/health", None, None).await
    }

    pub async fn check_username(&self, username: &str) -> Result<UsernameCheck, ClientError> {
        let mut url = reqwest::Url::parse(&format!("{}/auth/login", self.base))
            .map_err(|e| ClientError::Decode(e.to_string()))?;
        url.query_pairs_mut().append_pair("username", username);
        let path = format!("/auth/login?{}", url.query().unwrap_or_default());
        self.send(Method::GET, &path, None, None).await
    }

    /// Logs in and keeps the session's tokens.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest {
            username: Some(username.to_string()),
            password: Some(password.to_string()),
        };
        let resp: LoginResponse = self
            .send(Method::POST, "/auth/login", None, Some(&json(&body)?))
            .await?;
        self.set_tokens(Some(Tokens {
            access_token: resp.access_token.clone(),
            refresh_token: resp.refresh_token.clone(),
        }))
        .await;
        Ok(resp)
    }

    /// Validates the client's own credential (a session's is refreshed if it was refused).
    pub async fn validate(&self) -> Result<ValidationResponse, ClientError> {
        self.authed(Method::POST, "/auth/token/validation", None)
            .await
    }

    /// Validates a token presented to a service (needs no credential, never retries). With a
    /// `resource`, any credential but a token of that resource is refused with 403.
    pub async fn validate_token(
        &self,
        token: &str,
        resource: Option<&str>,
    ) -> Result<ValidationResponse, ClientError> {
        let body = resource
            .map(|r| {
                json(&ValidationRequest {
                    resource: Some(r.to_string()),
                })
            })
            .transpose()?;
        self.send(
            Method::POST,
            "/auth/token/validation",
            Some(token),
            body.as_ref(),
        )
        .await
    }

    /// Rotates the session's refresh token now.
    pub async fn refresh(&self) -> Result<Tokens, ClientError> {
        let stale = self.tokens().await.ok_or(ClientError::NotLoggedIn)?;
        self.refresh_after(&stale).await
    }

    /// Spends a refresh token held outside the client's session for a new pair.
    pub async fn refresh_token(&self, refresh_token: &str) -> Result<RefreshResponse, ClientError> {
        self.rotate(refresh_token).await
    }

    /// Ends the session (or the one the bearer token belongs to: an access or a refresh token)
    /// and forgets the credential.
    pub async fn logout(&self) -> Result<MessageResponse, ClientError> {
        let resp = self.authed(Method::POST, "/auth/logout", None).await?;
        *self.credential.lock().await = Credential::None;
        Ok(resp)
    }

    /// Registers a user (needs an admin's credential).
    pub async fn register(
        &self,
        username: &str,
        fullname: &str,
        password: &str,
    ) -> Result<MessageResponse, ClientError> {
        let body = RegisterRequest {
            username: Some(username.to_string()),
            fullname: Some(fullname.to_string()),
            password: Some(password.to_string()),
        };
        self.authed(Method::POST, "/auth/register", Some(&json(&body)?))
            .await
    }
}
