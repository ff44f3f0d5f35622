//! No-session API keys: each key is a row holding its public id, what it is bound to, its
//! lifetimes and the SHA-256 of its refresh token. Refreshing spends the row's refresh token
//! and adds a successor row of the same chain.

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::error::Result;
use crate::Timestamp;

/// A key to store, with its refresh token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// The public id; also the key's `jti`.
    pub id: String,
    /// The id of the first key of its refresh chain (its own id for a new chain).
    pub chain_id: String,
    pub username: String,
    pub audience: String,
    pub subject: String,
    pub api_version: String,
    pub bound_ip: Option<String>,
    pub created_at: Timestamp,
    pub not_before: Timestamp,
    pub expires_at: Timestamp,
    pub refresh_hash: Vec<u8>,
    pub refresh_not_before: Timestamp,
    pub refresh_expires_at: Timestamp,
    /// Checked in the transaction that stores a new key (not a successor).
    pub requires: Option<super::Unchanged>,
    /// Most live keys (one per refresh chain) the user may hold, this one included; 0 = no
    /// limit. Checked, like `requires`, in the transaction that stores a new key.
    pub user_limit: u32,
}

/// A stored key, without its refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: String,
    pub chain_id: String,
    pub username: String,
    pub audience: String,
    pub subject: String,
    pub api_version: String,
    pub bound_ip: Option<String>,
    pub created_at: Timestamp,
    pub not_before: Timestamp,
    pub expires_at: Timestamp,
    pub refresh_not_before: Timestamp,
    pub refresh_expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl ApiKeyRecord {
    /// The key that replaces this one at `now`: the same bindings and the same lifetimes,
    /// counted from `now`, usable at once.
    pub fn successor(&self, next: &NextApiKey, now: Timestamp) -> NewApiKey {
        NewApiKey {
            id: next.id.clone(),
            chain_id: self.chain_id.clone(),
            username: self.username.clone(),
            audience: self.audience.clone(),
            subject: self.subject.clone(),
            api_version: self.api_version.clone(),
            bound_ip: self.bound_ip.clone(),
            created_at: now,
            not_before: now,
            expires_at: now + (self.expires_at - self.created_at),
            refresh_hash: next.refresh_hash.clone(),
            refresh_not_before: now + (self.refresh_not_before - self.created_at),
            refresh_expires_at: now + (self.refresh_expires_at - self.created_at),
            requires: None,
            user_limit: 0,
        }
    }
}

/// The id and refresh-token hash of the key a refresh creates.
#[derive(Debug, Clone)]
pub struct NextApiKey {
    pub id: String,
    pub refresh_hash: Vec<u8>,
    /// Recorded, for the token's user with the ids it revoked (`detail.revoked`), when the
    /// presentation is reuse, in the transaction that revokes the chain.
    pub on_reuse: Option<AuditEvent>,
}

/// What presenting an API-key refresh token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyRotation {
    /// The token was live and unspent: its key (`previous`) is revoked and the successor
    /// stored.
    Rotated {
        previous: String,
        key: Box<NewApiKey>,
    },
    /// The token was spent before: every live key of its chain is now revoked (their ids).
    Reused {
        username: String,
        revoked: Vec<String>,
    },
    /// Its key was revoked.
    Revoked,
    /// Its user is disabled (or gone): nothing was claimed or stored.
    UserDisabled,
    /// Its user's role no longer allows API keys (`auth::apikeys::may_hold_apikeys`): nothing
    /// was claimed or stored.
    NotPermitted,
    Expired,
    /// Its `refresh_not_before` has not come yet.
    NotYetValid,
    Unknown,
}

/// A presented refresh token that could not be claimed, as the store found its row.
#[derive(Debug, Clone)]
pub struct ApiKeyUnclaimed {
    pub chain_id: String,
    pub username: String,
    pub refreshed: bool,
    pub revoked: bool,
    pub refresh_not_before: Timestamp,
    pub refresh_expires_at: Timestamp,
}

/// How an unclaimed token is answered. A spent token is reuse whatever else holds: the store
/// must then revoke its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnclaimedOutcome {
    Reuse { chain_id: String, username: String },
    Is(ApiKeyRotation),
}

impl ApiKeyUnclaimed {
    pub fn outcome(self, now: Timestamp) -> UnclaimedOutcome {
        let is = UnclaimedOutcome::Is;
        if self.refreshed {
            UnclaimedOutcome::Reuse {
                chain_id: self.chain_id,
                username: self.username,
            }
        } else if self.revoked {
            is(ApiKeyRotation::Revoked)
        } else if self.refresh_expires_at <= now {
            is(ApiKeyRotation::Expired)
        } else if self.refresh_not_before > now {
            is(ApiKeyRotation::NotYetValid)
        } else {
            is(ApiKeyRotation::Unknown)
        }
    }
}

/// Why a key was revoked (kept for the audit trail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyRevokeReason {
    Refreshed,
    RefreshReuse,
    Revoked,
    RevokedAll,
    UserDisabled,
    PasswordChanged,
    UserDeleted,
}

impl ApiKeyRevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refreshed => "refreshed",
            Self::RefreshReuse => "refresh_reuse",
            Self::Revoked => "revoked",
            Self::RevokedAll => "revoked_all",
            Self::UserDisabled => "user_disabled",
            Self::PasswordChanged => "password_changed",
            Self::UserDeleted => "user_deleted",
        }
    }
}

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Stores a new key; `Error::Conflict` when its id or refresh hash exists;
    /// `Error::ApiKeyLimit` when its `user_limit` is set and the user already holds that many
    /// live keys (as `list_apikeys` counts them at its `created_at`), concurrent creations
    /// included.
    async fn create_apikey(&self, key: &NewApiKey) -> Result<()> {
        self.create_apikey_audited(key, &[]).await
    }
    /// As `create_apikey`, appending `audit` in the same transaction.
    async fn create_apikey_audited(&self, key: &NewApiKey, audit: &[AuditEvent]) -> Result<()>;

    /// In one transaction: claims the presented refresh token only if its user is enabled and
    /// may hold API keys (read in the same transaction), and it is unspent, unrevoked, past its `refresh_not_before` and unexpired, revokes its key
    /// and stores the successor.
    /// Of concurrent callers with one token exactly one gets `Rotated`; presenting a spent
    /// token revokes its whole chain.
    async fn rotate_apikey(
        &self,
        presented: &[u8],
        next: &NextApiKey,
        now: Timestamp,
    ) -> Result<ApiKeyRotation>;

    async fn apikey(&self, id: &str) -> Result<Option<ApiKeyRecord>>;

    /// The key whose refresh token hashes to `hash`, spent, revoked or live.
    async fn apikey_of_refresh(&self, hash: &[u8]) -> Result<Option<ApiKeyRecord>>;

    /// A user's unrevoked keys whose key or refresh token is still unexpired, oldest first.
    async fn list_apikeys(&self, username: &str, now: Timestamp) -> Result<Vec<ApiKeyRecord>>;

    /// Revokes every live key (as `list_apikeys` counts them) of the refresh chain key `id`
    /// belongs to, whether `id` is its live key or one a refresh replaced, returning their ids:
    /// none when `id` is unknown or its chain has no live key. A refresh of the chain racing
    /// this leaves no live successor.
    async fn revoke_apikey_chain(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
    ) -> Result<Vec<String>> {
        self.revoke_apikey_chain_audited(id, now, reason, &[]).await
    }
    /// As `revoke_apikey_chain`, appending `audit` when it revoked any key.
    async fn revoke_apikey_chain_audited(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>>;

    /// Revokes every live key of a user (as `list_apikeys` counts them), returning their ids.
    /// A refresh of one of them racing this leaves no live successor.
    async fn revoke_user_apikeys(
        &self,
        username: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
    ) -> Result<Vec<String>> {
        self.revoke_user_apikeys_audited(username, now, reason, None)
            .await
    }
    /// As `revoke_user_apikeys`, appending `audit` with how many keys went (`detail.all`) in
    /// the same transaction when it revoked any.
    async fn revoke_user_apikeys_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: Option<AuditEvent>,
    ) -> Result<Vec<String>>;

    /// True when revoked or unknown.
    async fn is_apikey_revoked(&self, id: &str) -> Result<bool>;

    /// Deletes keys whose key and refresh token both expired, and keys revoked (but not by a
    /// refresh) before `revoked_before`; refreshed keys stay until then, so that reuse of their
    /// spent refresh tokens is still detected.
    async fn purge_apikeys(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64>;
}
