//! Scoped long-lived tokens: resources, their maintainers, and the personal and resource
//! tokens themselves (kept as hashes only).

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::error::Result;
use crate::Timestamp;

/// A resource to create (`plugin:fancy-plugin`), with its first maintainers.
#[derive(Debug, Clone)]
pub struct NewResource {
    pub name: String,
    pub created_at: Timestamp,
    pub maintainers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub name: String,
    pub created_at: Timestamp,
    /// Usernames, sorted.
    pub maintainers: Vec<String>,
}

/// Whom a token belongs to: a user (personal token) or a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOwner {
    User(String),
    Resource(String),
}

/// A token to store. `scopes` is the domain's JSON, opaque to the store.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: String,
    pub hash: Vec<u8>,
    pub owner: TokenOwner,
    pub description: String,
    pub scopes: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    /// Checked in the transaction that stores a personal token.
    pub requires: Option<super::Unchanged>,
}

/// A stored token: its metadata, never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: String,
    pub owner: TokenOwner,
    pub description: String,
    pub scopes: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub last_used_ip: Option<String>,
}

/// The latest use of a token seen by one instance, flushed in batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUse {
    pub id: String,
    pub at: Timestamp,
    pub ip: Option<String>,
}

#[async_trait]
pub trait ScopedTokenStore: Send + Sync {
    /// `Error::Conflict` when the name is taken, `Error::NotFound` when a maintainer is not a
    /// user (and then nothing is created).
    async fn create_resource(&self, resource: &NewResource) -> Result<()> {
        self.create_resource_audited(resource, &[]).await
    }
    /// As `create_resource`, appending `audit` in the same transaction.
    async fn create_resource_audited(
        &self,
        resource: &NewResource,
        audit: &[AuditEvent],
    ) -> Result<()>;
    async fn resource(&self, name: &str) -> Result<Option<Resource>>;
    /// All resources, or those `maintainer` maintains; by name.
    async fn list_resources(&self, maintainer: Option<&str>) -> Result<Vec<Resource>>;
    /// False when already a maintainer; `Error::NotFound` for an unknown resource or user.
    async fn add_maintainer(&self, resource: &str, username: &str, now: Timestamp) -> Result<bool> {
        self.add_maintainer_audited(resource, username, now, &[])
            .await
    }
    /// As `add_maintainer`, appending `audit` when it added one.
    async fn add_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// False when not a maintainer.
    async fn remove_maintainer(&self, resource: &str, username: &str) -> Result<bool> {
        self.remove_maintainer_audited(resource, username, &[])
            .await
    }
    /// As `remove_maintainer`, appending `audit` when it removed one.
    async fn remove_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// `Error::NotFound` when the owning user or resource does not exist.
    async fn create_token(&self, token: &NewToken) -> Result<()> {
        self.create_token_audited(token, &[]).await
    }
    /// As `create_token`, appending `audit` in the same transaction.
    async fn create_token_audited(&self, token: &NewToken, audit: &[AuditEvent]) -> Result<()>;
    async fn token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenRecord>>;
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>>;
    /// The owner's tokens that are not revoked, oldest first.
    async fn list_tokens(&self, owner: &TokenOwner) -> Result<Vec<TokenRecord>>;
    /// False when there is no such live token.
    async fn set_token_description(&self, id: &str, description: &str) -> Result<bool>;
    /// False when already revoked or unknown.
    async fn revoke_token(&self, id: &str, now: Timestamp) -> Result<bool> {
        self.revoke_token_audited(id, now, &[]).await
    }
    /// As `revoke_token`, appending `audit` when it revoked the token.
    async fn revoke_token_audited(
        &self,
        id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// Revokes the user's live personal tokens; their ids.
    async fn revoke_user_tokens(&self, username: &str, now: Timestamp) -> Result<Vec<String>>;
    /// Records uses in one write; an older use never overwrites a newer one.
    async fn record_token_uses(&self, uses: &[TokenUse]) -> Result<()>;
}
