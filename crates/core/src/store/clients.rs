//! Service clients: confidential OAuth 2.0 clients that get their own access tokens. Their
//! secrets are kept as hashes only; each secret has a generation id that names the tokens it
//! got, so that replacing the secret or removing the client ends them everywhere (the
//! revocation log records `client:<generation>`).

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::error::Result;
use crate::Timestamp;

/// A client to store. `scopes` and `rights` are space-separated, as the domain checked them.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub client_id: String,
    pub name: String,
    pub scopes: String,
    pub rights: String,
    pub secret_hash: Vec<u8>,
    pub generation: String,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A live client: its metadata and its secret's hash, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    pub client_id: String,
    pub name: String,
    pub scopes: String,
    pub rights: String,
    pub secret_hash: Vec<u8>,
    pub generation: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub last_used_ip: Option<String>,
}

/// A client's new secret.
#[derive(Debug, Clone)]
pub struct NewClientSecret {
    pub secret_hash: Vec<u8>,
    pub generation: String,
}

#[async_trait]
pub trait ClientStore: Send + Sync {
    /// `Error::Conflict` when the id is taken; `audit` is appended in the same transaction.
    async fn create_client_audited(&self, client: &NewClient, audit: &[AuditEvent]) -> Result<()>;
    /// The live client of that id.
    async fn client(&self, client_id: &str) -> Result<Option<ClientRecord>>;
    /// Every live client, oldest first.
    async fn list_clients(&self) -> Result<Vec<ClientRecord>>;
    /// Replaces a live client's secret; the generation it replaced (`None`: no such client).
    async fn rotate_client_secret_audited(
        &self,
        client_id: &str,
        secret: &NewClientSecret,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>>;
    /// Removes a live client; its last generation (`None`: no such client).
    async fn remove_client_audited(
        &self,
        client_id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>>;
    /// Whether `generation` is the current secret of a live client (false once replaced or
    /// removed): what validation asks while the revocation feed is down.
    async fn is_client_generation_live(&self, generation: &str) -> Result<bool>;
    /// Revokes one client token (by its `jti`) until it expires; the revocation log records
    /// `client:<jti>`. Revoking it again changes nothing.
    async fn revoke_client_token(
        &self,
        jti: &str,
        client_id: &str,
        expires_at: Timestamp,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<()>;
    /// Whether the client token `jti` was revoked on its own.
    async fn is_client_token_revoked(&self, jti: &str) -> Result<bool>;
    /// Deletes the records of client tokens revoked on their own that expired before
    /// `expired_before` (no such token verifies any more); how many went.
    async fn purge_revoked_client_tokens(&self, expired_before: Timestamp) -> Result<u64>;
    /// Records uses (by client id) in one write; an older use never overwrites a newer one.
    async fn record_client_uses(&self, uses: &[super::TokenUse]) -> Result<()>;
}
