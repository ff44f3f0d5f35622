//! The revocation log: what was revoked since a time, for every kind of credential, as the
//! catch-up sync re-reads it to keep each instance's in-memory revocation set current.

use async_trait::async_trait;

use crate::error::Result;
use crate::Timestamp;

/// A revoked session, as the revocation feed carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedSession {
    pub session_id: String,
    pub revoked_at: Timestamp,
}

/// A revoked API key, by its public id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedApiKey {
    pub id: String,
    pub revoked_at: Timestamp,
}

/// A revoked scoped token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedToken {
    pub id: String,
    pub revoked_at: Timestamp,
}

#[async_trait]
pub trait RevocationLog: Send + Sync {
    /// Sessions revoked at or after `since`.
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>>;
    /// API keys revoked at or after `since`.
    async fn revoked_apikeys_since(&self, since: Timestamp) -> Result<Vec<RevokedApiKey>>;
    /// Scoped tokens revoked at or after `since`.
    async fn revoked_tokens_since(&self, since: Timestamp) -> Result<Vec<RevokedToken>>;
}
