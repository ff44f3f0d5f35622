//! A client for tessera's HTTP API. It keeps the session's tokens and, when a call is refused
//! with 401, refreshes them once and retries, as PlantDB's client does.

mod apikeys;
mod error;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tessera_api::{
    ErrorBody, HealthResponse, LoginResponse, MessageResponse, RefreshResponse, UsernameCheck,
    ValidationResponse, API_PREFIX,
};
use tokio::sync::Mutex;

pub use error::ClientError;

/// The tokens of a logged-in session.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(<redacted>)")
    }
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    tokens: Mutex<Option<Tokens>>,
}

impl Client {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:5000`).
    pub fn new(base_url: &str) -> Self {
        Self::with_http(base_url, reqwest::Client::new())
    }

    pub fn with_http(base_url: &str, http: reqwest::Client) -> Self {
        Self {
            http,
            base: format!("{}{API_PREFIX}", base_url.trim_end_matches('/')),
            tokens: Mutex::new(None),
        }
    }

    pub async fn tokens(&self) -> Option<Tokens> {
        self.tokens.lock().await.clone()
    }

    pub async fn set_tokens(&self, tokens: Option<Tokens>) {
        *self.tokens.lock().await = tokens;
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ClientError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()));
        }
        let body: Option<ErrorBody> = serde_json::from_slice(&bytes).ok();
        Err(ClientError::Api {
            status: status.as_u16(),
            code: body.as_ref().map(|b| b.code.clone()).unwrap_or_default(),
            message: body.map(|b| b.error).unwrap_or_else(|| status.to_string()),
        })
    }

    /// A call with the session's access token; on 401, refreshes once and retries.
    async fn authed<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ClientError> {
        let tokens = self.tokens().await.ok_or(ClientError::NotLoggedIn)?;
        match self
            .send(method.clone(), path, Some(&tokens.access_token), body)
            .await
        {
            Err(e) if e.status() == Some(StatusCode::UNAUTHORIZED.as_u16()) => {
                let fresh = self.refresh_after(&tokens).await?;
                self.send(method, path, Some(&fresh.access_token), body)
                    .await
            }
            other => other,
        }
    }

    /// Refreshes unless another call already did since `stale` was read.
    async fn refresh_after(&self, stale: &Tokens) -> Result<Tokens, ClientError> {
        let mut guard = self.tokens.lock().await;
        match guard.as_ref() {
            Some(current) if current != stale => return Ok(current.clone()),
            None => return Err(ClientError::NotLoggedIn),
            Some(_) => {}
        }
        let body = serde_json::json!({"refresh_token": stale.refresh_token});
        let resp: RefreshResponse = self
            .send(Method::POST, "/auth/token/refresh", None, Some(&body))
            .await?;
        let fresh = Tokens {
            access_token: resp.access_token,
            refresh_token: resp.refresh_token,
        };
        *guard = Some(fresh.clone());
        Ok(fresh)
    }

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
        let body = serde_json::json!({"username": username, "password": password});
        let resp: LoginResponse = self
            .send(Method::POST, "/auth/login", None, Some(&body))
            .await?;
        self.set_tokens(Some(Tokens {
            access_token: resp.access_token.clone(),
            refresh_token: resp.refresh_token.clone(),
        }))
        .await;
        Ok(resp)
    }

    /// Validates the session's access token (refreshing it if it was refused).
    pub async fn validate(&self) -> Result<ValidationResponse, ClientError> {
        self.authed(Method::POST, "/auth/token/validation", None)
            .await
    }

    /// Rotates the session's refresh token now.
    pub async fn refresh(&self) -> Result<Tokens, ClientError> {
        let stale = self.tokens().await.ok_or(ClientError::NotLoggedIn)?;
        self.refresh_after(&stale).await
    }

    /// Ends the session and forgets its tokens.
    pub async fn logout(&self) -> Result<MessageResponse, ClientError> {
        let resp = self.authed(Method::POST, "/auth/logout", None).await?;
        self.set_tokens(None).await;
        Ok(resp)
    }

    /// Registers a user (needs an admin session).
    pub async fn register(
        &self,
        username: &str,
        fullname: &str,
        password: &str,
    ) -> Result<MessageResponse, ClientError> {
        let body =
            serde_json::json!({"username": username, "fullname": fullname, "password": password});
        self.authed(Method::POST, "/auth/register", Some(&body))
            .await
    }

    /// Any authenticated JSON call, with the same refresh-and-retry.
    pub async fn call<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let value = body
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| ClientError::Decode(e.to_string()))?;
        self.authed(method, path, value.as_ref()).await
    }
}
