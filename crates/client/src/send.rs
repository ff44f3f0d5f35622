//! Sending a call: decoding the answer or its error body, and the refresh-and-retry when the
//! access token is refused.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tessera_api::{ErrorBody, RefreshRequest, RefreshResponse};

use crate::{Client, ClientError, Credential, Tokens};

/// A request body as JSON.
pub(crate) fn json<T: Serialize + ?Sized>(body: &T) -> Result<serde_json::Value, ClientError> {
    serde_json::to_value(body).map_err(|e| ClientError::Decode(e.to_string()))
}

impl Client {
    /// One call with an optional bearer token and body, no retry.
    pub(crate) async fn send<T: DeserializeOwned>(
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
            code: body.as_ref().map(|b| b.code.clone()),
            message: body.map(|b| b.error).unwrap_or_else(|| status.to_string()),
        })
    }

    /// A call with the client's credential; a session's is refreshed once on 401 and the call
    /// retried.
    pub(crate) async fn authed<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ClientError> {
        let credential = self.credential.lock().await.clone();
        let tokens = match credential {
            Credential::None => return Err(ClientError::NotLoggedIn),
            Credential::Bearer(token) => return self.send(method, path, Some(&token), body).await,
            Credential::Session(tokens) => tokens,
        };
        match self
            .send(method.clone(), path, Some(&tokens.access_token), body)
            .await
        {
            Err(e) if e.refresh_may_help() => {
                let fresh = self.refresh_after(&tokens).await?;
                self.send(method, path, Some(&fresh.access_token), body)
                    .await
            }
            other => other,
        }
    }

    /// Refreshes the session unless another call already did since `stale` was read.
    pub(crate) async fn refresh_after(&self, stale: &Tokens) -> Result<Tokens, ClientError> {
        let mut guard = self.credential.lock().await;
        match &*guard {
            Credential::Session(current) if current != stale => return Ok(current.clone()),
            Credential::Session(_) => {}
            _ => return Err(ClientError::NotLoggedIn),
        }
        let resp = self.rotate(&stale.refresh_token).await?;
        let fresh = Tokens {
            access_token: resp.access_token,
            refresh_token: resp.refresh_token,
        };
        *guard = Credential::Session(fresh.clone());
        Ok(fresh)
    }

    /// `POST /auth/token/refresh`: spends `refresh_token` for a new pair.
    pub(crate) async fn rotate(&self, refresh_token: &str) -> Result<RefreshResponse, ClientError> {
        let body = RefreshRequest {
            refresh_token: Some(refresh_token.to_string()),
        };
        self.send(
            Method::POST,
            "/auth/token/refresh",
            None,
            Some(&json(&body)?),
        )
        .await
    }
}
