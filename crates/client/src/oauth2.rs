//! The standard OAuth 2.0 endpoints (at the server's root, form-encoded): a service client's
//! own token (`client_credentials`), introspection and revocation, and the server's metadata.
//! These calls take the client's id and secret, not the credential the client holds.

use reqwest::Method;
use serde::de::DeserializeOwned;
use tessera_api::oauth2::{IntrospectionResponse, OAuthError, ServerMetadata, TokenResponse};
use tessera_api::API_PREFIX;

use crate::{Client, ClientError};

/// A service client's id and secret. `Debug` leaves the secret out.
#[derive(Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}

impl ClientCredentials {
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
        }
    }
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The server's root URL (where the standard endpoints are).
    fn root(&self) -> &str {
        self.base.strip_suffix(API_PREFIX).unwrap_or(&self.base)
    }

    /// A form POST to `path` at the root, authenticated with HTTP Basic when `client` is given.
    /// An error answer is `ClientError::OAuth` (RFC 6749 section 5.2).
    async fn oauth_form<T: DeserializeOwned>(
        &self,
        path: &str,
        client: Option<&ClientCredentials>,
        fields: &[(&str, &str)],
    ) -> Result<T, ClientError> {
        let mut req = self
            .http
            .request(Method::POST, format!("{}{path}", self.root()))
            .form(fields);
        if let Some(c) = client {
            // RFC 6749 section 2.3.1: id and secret form-encoded before Basic encoding.
            let enc = |s: &str| {
                serde_urlencoded::to_string([("", s)]).unwrap_or_default()[1..].to_string()
            };
            req = req.basic_auth(enc(&c.client_id), Some(enc(&c.client_secret)));
        }
        let resp = req.send().await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()));
        }
        let body: Option<OAuthError> = serde_json::from_slice(&bytes).ok();
        Err(ClientError::OAuth {
            status: status.as_u16(),
            error: body
                .as_ref()
                .map_or_else(|| status.to_string(), |b| b.error.clone()),
            description: body.and_then(|b| b.error_description).unwrap_or_default(),
        })
    }

    /// `client_credentials`: a token for the service client itself, with `scope`
    /// (space-separated; all its scopes when `None`).
    pub async fn client_credentials_token(
        &self,
        client: &ClientCredentials,
        scope: Option<&str>,
    ) -> Result<TokenResponse, ClientError> {
        let mut fields = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            fields.push(("scope", scope));
        }
        self.oauth_form("/oauth2/token", Some(client), &fields)
            .await
    }

    /// Introspects `token` as a client with the `introspect` right: `active` false for
    /// anything not live.
    pub async fn introspect(
        &self,
        client: &ClientCredentials,
        token: &str,
    ) -> Result<IntrospectionResponse, ClientError> {
        self.oauth_form("/oauth2/introspect", Some(client), &[("token", token)])
            .await
    }

    /// Revokes `token` (as its holder, or as `client`); an unknown token is no error.
    pub async fn revoke(
        &self,
        client: Option<&ClientCredentials>,
        token: &str,
    ) -> Result<(), ClientError> {
        let _: serde_json::Value = self
            .oauth_form("/oauth2/revoke", client, &[("token", token)])
            .await?;
        Ok(())
    }

    /// `GET /.well-known/oauth-authorization-server`
    pub async fn server_metadata(&self) -> Result<ServerMetadata, ClientError> {
        let url = format!("{}/.well-known/oauth-authorization-server", self.root());
        let resp = self.http.get(url).send().await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ClientError::Api {
                status: status.as_u16(),
                code: None,
                message: status.to_string(),
            });
        }
        resp.json()
            .await
            .map_err(|e| ClientError::Decode(e.to_string()))
    }
}
