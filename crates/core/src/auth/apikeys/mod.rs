//! No-session API keys: short-lived signed keys a user obtains for one service (the audience),
//! one endpoint or scope (the subject) and one API version, optionally bound to a client
//! address, each with a rotating refresh token.
//!
//! A key verifies without the database: signature, claims, and the in-memory revocation set
//! (fed like session revocations, as [`RevocationKey::ApiKey`]).

mod claims;
mod issue;
mod manage;
mod verify;

use std::net::IpAddr;

#[cfg(doc)]
use crate::revocation_key::RevocationKey;
use crate::user::{Permission, Role};

pub use claims::{ApiKeyClaims, APIKEY_TYP, APIKEY_TYPE};

/// Prefix of API-key refresh tokens.
pub const REFRESH_PREFIX: &str = "tsr_ak_";

/// The most `ApiKeySettings::max_ttl` may be, seconds: API keys are short-lived.
pub const LONGEST_MAX_TTL: i64 = 900;

/// Whether a user of `role` may hold API keys: create them, refresh them, and have them verify
/// (the write permission: contributors and admins). Lowering a user's role ends nothing, but
/// their keys stop verifying and refreshing until it is raised again.
pub fn may_hold_apikeys(role: Role) -> bool {
    role.has(Permission::Write)
}

/// Lifetimes of API keys and their refresh tokens, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKeySettings {
    /// Longest `expires_in` a key may ask for, at most [`LONGEST_MAX_TTL`]. A key living
    /// longer (issued under a larger maximum) is refused.
    pub max_ttl: i64,
    /// A key's lifetime when it asks for none.
    pub default_ttl: i64,
    /// A refresh token's lifetime when it asks for none, and the longest it may ask for.
    pub refresh_ttl: i64,
    /// Most live keys a user may hold (a refresh replaces a key, it adds none); 0 = no limit.
    pub max_per_user: u32,
}

impl Default for ApiKeySettings {
    fn default() -> Self {
        Self {
            max_ttl: 900,
            default_ttl: 900,
            refresh_ttl: 86_400,
            max_per_user: 100,
        }
    }
}

/// What a user asks for. Durations are seconds from now.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyRequest {
    pub audience: String,
    pub subject: String,
    pub api_version: String,
    pub bound_ip: Option<IpAddr>,
    pub expires_in: Option<i64>,
    pub not_before: Option<i64>,
    pub refresh_expires_in: Option<i64>,
    pub refresh_not_before: Option<i64>,
}

/// A key and its refresh token, shown once.
pub struct IssuedApiKey {
    pub id: String,
    pub apikey: String,
    pub expires_at: i64,
    pub refresh_token: String,
    pub refresh_expires_at: i64,
}

impl std::fmt::Debug for IssuedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedApiKey")
            .field("id", &self.id)
            .field("apikey", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .finish()
    }
}

/// What the audience service presents to have a key checked.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyCheck {
    pub audience: String,
    /// When given, the key's subject must be this.
    pub subject: Option<String>,
    /// Where the key was presented from; a bound key needs it to match.
    pub ip: Option<String>,
}

/// A key that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedApiKey {
    pub id: String,
    pub username: String,
    pub fullname: String,
    pub audience: String,
    pub subject: String,
    pub api_version: String,
    pub expires_at: i64,
}
