//! Checking tessera's access tokens locally, from its published keys
//! (`GET /.well-known/jwks.json`), without a call per token.
//!
//! The key set is fetched once and kept; a token naming a key the set does not hold makes the
//! verifier fetch it again (a rotation publishes the new key before it signs), but never
//! twice within the minimum interval, so a flood of tokens with made-up `kid`s costs tessera at
//! most one fetch per interval. Only `EdDSA` is accepted, only access tokens (`typ: at+jwt`)
//! for the configured audience and issuer, within their time window. A revoked session's
//! tokens stay valid here until they expire: ask tessera (`validate_token`) where that
//! matters.

use std::collections::HashMap;
use std::sync::Arc;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::Mutex;

/// `typ` of tessera's access tokens (RFC 9068).
pub const ACCESS_TYP: &str = "at+jwt";

/// Seconds since the Unix epoch, now.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed token: {0}")]
    Malformed(String),
    #[error("not an access token (typ {0:?})")]
    WrongType(Option<String>),
    #[error("algorithm {0} is not accepted (only EdDSA)")]
    Algorithm(String),
    #[error("the token names a key of its own (jwk, jku, x5u or x5c)")]
    EmbeddedKey,
    #[error("no published key {0:?}")]
    UnknownKey(Option<String>),
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("expired")]
    Expired,
    #[error("not yet valid")]
    NotYetValid,
    #[error("cannot fetch the published keys: {0}")]
    Fetch(String),
}

/// The claims of a verified access token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AccessClaims {
    /// The username.
    pub sub: String,
    /// The session.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
}

struct Cache {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<i64>,
    fetches: u64,
}

/// Verifies access tokens with the keys a tessera server publishes.
pub struct JwksVerifier {
    http: reqwest::Client,
    jwks_url: String,
    audience: String,
    issuer: String,
    leeway: i64,
    min_refetch: i64,
    now: Now,
    cache: Mutex<Cache>,
}

impl JwksVerifier {
    /// A verifier of the tokens of the tessera at `base_url` (e.g. `https://auth.example.com`)
    /// for `audience` (tessera's `audience` setting, default `tessera-client`). Issuer
    /// `tessera`, leeway 30 s, at most one refetch every 10 s, the system clock.
    pub fn new(base_url: &str, audience: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            jwks_url: format!("{}/.well-known/jwks.json", base_url.trim_end_matches('/')),
            audience: audience.to_string(),
            issuer: "tessera".into(),
            leeway: 30,
            min_refetch: 10,
            now: Arc::new(system_now),
            cache: Mutex::new(Cache {
                keys: HashMap::new(),
                fetched_at: None,
                fetches: 0,
            }),
        }
    }

    /// The issuer tokens must name (tessera's `issuer` setting).
    pub fn with_issuer(mut self, issuer: &str) -> Self {
        self.issuer = issuer.to_string();
        self
    }

    /// Seconds of clock difference tolerated at both ends of a token's window.
    pub fn with_leeway(mut self, seconds: i64) -> Self {
        self.leeway = seconds.max(0);
        self
    }

    /// The least time between two fetches of the keys, seconds.
    pub fn with_min_refetch_interval(mut self, seconds: i64) -> Self {
        self.min_refetch = seconds.max(0);
        self
    }

    /// The clock tokens are judged by (and refetches spaced by).
    pub fn with_clock(mut self, now: Now) -> Self {
        self.now = now;
        self
    }

    /// The HTTP client the keys are fetched with.
    pub fn with_http(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// How many times the keys were fetched.
    pub async fn fetches(&self) -> u64 {
        self.cache.lock().await.fetches
    }

    /// Checks `token` and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<AccessClaims, VerifyError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| VerifyError::Malformed(e.to_string()))?;
        if header.jwk.is_some()
            || header.jku.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some()
        {
            return Err(VerifyError::EmbeddedKey);
        }
        if header.typ.as_deref() != Some(ACCESS_TYP) {
            return Err(VerifyError::WrongType(header.typ));
        }
        if header.alg != Algorithm::EdDSA {
            return Err(VerifyError::Algorithm(format!("{:?}", header.alg)));
        }
        let kid = header.kid.ok_or(VerifyError::UnknownKey(None))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[&self.audience]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "aud", "iss", "sub"]);
        // The time window is judged below, by the verifier's clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &key, &validation)
            .map_err(|e| VerifyError::Invalid(e.to_string()))?
            .claims;
        let now = (self.now)();
        if claims.exp + self.leeway <= now {
            return Err(VerifyError::Expired);
        }
        if claims.nbf - self.leeway > now || claims.iat - self.leeway > now {
            return Err(VerifyError::NotYetValid);
        }
        Ok(claims)
    }

    /// The key `kid` names: from the cache, else from a new fetch (unless one was made within
    /// the minimum interval).
    async fn key(&self, kid: &str) -> Result<DecodingKey, VerifyError> {
        let mut cache = self.cache.lock().await;
        if let Some(key) = cache.keys.get(kid) {
            return Ok(key.clone());
        }
        let now = (self.now)();
        if cache
            .fetched_at
            .is_some_and(|at| now < at + self.min_refetch)
        {
            return Err(VerifyError::UnknownKey(Some(kid.to_string())));
        }
        cache.fetched_at = Some(now);
        cache.fetches += 1;
        cache.keys = self.fetch().await?;
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| VerifyError::UnknownKey(Some(kid.to_string())))
    }

    /// The Ed25519 keys of the JWKS, by `kid`; others are left out.
    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, VerifyError> {
        let fail = |e: reqwest::Error| VerifyError::Fetch(e.to_string());
        let set: JwkSet = self
            .http
            .get(&self.jwks_url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(fail)?
            .json()
            .await
            .map_err(fail)?;
        Ok(set
            .keys
            .iter()
            .filter(|jwk| jwk.common.key_algorithm == Some(jsonwebtoken::jwk::KeyAlgorithm::EdDSA))
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
            })
            .collect())
    }
}

fn system_now() -> i64 {
    // Tokens are judged by the system clock unless the caller injects another.
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now();
    now.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
