//! Checking tessera's access tokens locally, from its published keys
//! (`GET /.well-known/jwks.json`), without a call per token.
//!
//! The key set is fetched once and kept for as long as the answer's `Cache-Control: max-age`
//! allows (kept for good without one); a set older than that is fetched again before it is
//! used, so a key tessera retired stops verifying here within that time. A token naming a key
//! the set does not hold makes the verifier fetch it again too (a rotation publishes the new key
//! before it signs), but never twice within the minimum interval, so a flood of tokens with
//! made-up `kid`s costs tessera at most one fetch per interval. While the keys cannot be
//! fetched, a stale set goes on verifying the keys it holds. Only `EdDSA` is accepted, only access tokens (`typ: at+jwt`)
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
    /// The `max-age` of the last answer, seconds; `None`: none given, the set never goes stale.
    max_age: Option<i64>,
    fetches: u64,
}

impl Cache {
    /// Whether the set is older than its `max-age` (and than the minimum interval) at `now`.
    fn stale(&self, now: i64, min_refetch: i64) -> bool {
        match (self.fetched_at, self.max_age) {
            (Some(at), Some(max_age)) => now >= at + max_age.max(min_refetch),
            _ => false,
        }
    }
}

/// The `max-age` of a `Cache-Control` header, seconds (`no-cache`/`no-store` count as 0).
fn max_age(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let value = headers.get(reqwest::header::CACHE_CONTROL)?.to_str().ok()?;
    let mut found = None;
    for directive in value.split(',').map(str::trim) {
        let (name, arg) = directive.split_once('=').unwrap_or((directive, ""));
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "no-cache" | "no-store" => return Some(0),
            "max-age" => found = arg.trim().trim_matches('"').parse::<i64>().ok(),
            _ => {}
        }
    }
    found.map(|s| s.max(0))
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
                max_age: None,
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

    /// The key `kid` names: from the cache while it is fresh, else from a new fetch (for an
    /// unknown `kid` not within the minimum interval of the last one).
    async fn key(&self, kid: &str) -> Result<DecodingKey, VerifyError> {
        let mut cache = self.cache.lock().await;
        let now = (self.now)();
        let stale = cache.stale(now, self.min_refetch);
        if let (Some(key), false) = (cache.keys.get(kid), stale) {
            return Ok(key.clone());
        }
        if !stale
            && cache
                .fetched_at
                .is_some_and(|at| now < at + self.min_refetch)
        {
            return Err(VerifyError::UnknownKey(Some(kid.to_string())));
        }
        cache.fetched_at = Some(now);
        cache.fetches += 1;
        match self.fetch().await {
            Ok((keys, max_age)) => {
                cache.keys = keys;
                cache.max_age = max_age;
            }
            // A stale set is kept while the keys cannot be fetched (tried again after the
            // minimum interval).
            Err(e) => return cache.keys.get(kid).cloned().ok_or(e),
        }
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| VerifyError::UnknownKey(Some(kid.to_string())))
    }

    /// The Ed25519 keys of the JWKS, by `kid` (others are left out), and the answer's
    /// `max-age`.
    async fn fetch(&self) -> Result<(HashMap<String, DecodingKey>, Option<i64>), VerifyError> {
        let fail = |e: reqwest::Error| VerifyError::Fetch(e.to_string());
        let response = self
            .http
            .get(&self.jwks_url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(fail)?;
        let max_age = max_age(response.headers());
        let set: JwkSet = response.json().await.map_err(fail)?;
        let keys = set
            .keys
            .iter()
            .filter(|jwk| jwk.common.key_algorithm == Some(jsonwebtoken::jwk::KeyAlgorithm::EdDSA))
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
            })
            .collect();
        Ok((keys, max_age))
    }
}

fn system_now() -> i64 {
    // Tokens are judged by the system clock unless the caller injects another.
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now();
    now.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        let with = |v: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(reqwest::header::CACHE_CONTROL, v.parse().unwrap());
            max_age(&h)
        };
        assert_eq!(with("public, max-age=300"), Some(300));
        assert_eq!(with("Max-Age=\"60\""), Some(60));
        assert_eq!(with("no-cache, max-age=300"), Some(0));
        assert_eq!(with("public"), None);
        assert_eq!(with("max-age=soon"), None);
        assert_eq!(max_age(&reqwest::header::HeaderMap::new()), None);
    }
}
