//! A client for tessera's HTTP API, with a typed method for every route.
//!
//! It holds a credential: a logged-in session, whose tokens it refreshes once and retries when a
//! call is refused with 401 (as PlantDB's client does), or a fixed bearer token (an access or a
//! personal token) that it cannot refresh. Calls that need no credential (validating a token
//! presented to a service, spending a refresh token) take the token as an argument.
//!
//! - `session`: health, username check, login, validation, refresh, logout, registration
//! - `tokens`: personal tokens (PlantDB's API tokens)
//! - `resources`: resources, their maintainers and their tokens
//! - `apikeys`: no-session API keys
//! - `passwords`: changing one's password, an admin's reset, registering oneself
//! - `users`: users (admins), and each user's own record
//! - [`verifier`]: access tokens checked locally from the published keys (JWKS)

mod apikeys;
mod audit;
mod clients;
mod error;
mod oauth2;
mod passwords;
mod path;
mod resources;
mod send;
mod session;
mod sessions;
mod tokens;
mod users;
pub mod verifier;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tessera_api::API_PREFIX;
use tokio::sync::Mutex;

pub use error::ClientError;
pub use oauth2::ClientCredentials;
pub use tessera_api::ErrorCode;

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

/// What the client authenticates its calls with.
#[derive(Clone, PartialEq, Eq)]
enum Credential {
    None,
    /// Refreshed and retried once on 401.
    Session(Tokens),
    /// Sent as it is; a 401 is final.
    Bearer(String),
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    credential: Mutex<Credential>,
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
            credential: Mutex::new(Credential::None),
        }
    }

    /// The session's tokens, if the client holds a session.
    pub async fn tokens(&self) -> Option<Tokens> {
        match &*self.credential.lock().await {
            Credential::Session(tokens) => Some(tokens.clone()),
            _ => None,
        }
    }

    /// Takes over a session (or, with `None`, forgets the credential).
    pub async fn set_tokens(&self, tokens: Option<Tokens>) {
        *self.credential.lock().await = tokens.map_or(Credential::None, Credential::Session);
    }

    /// Authenticates every call with `token` (an access token or a personal token) as it is:
    /// it is never refreshed, so a 401 is the answer.
    pub async fn use_token(&self, token: &str) {
        *self.credential.lock().await = Credential::Bearer(token.to_string());
    }

    /// Any authenticated JSON call, with the same refresh-and-retry.
    pub async fn call<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let value = body.map(send::json).transpose()?;
        self.authed(method, path, value.as_ref()).await
    }
}
