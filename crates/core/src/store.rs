//! The storage port: what tessera needs from a database, shaped by use case.

use async_trait::async_trait;

use crate::apikey_store::ApiKeyStore;
use crate::error::Result;
use crate::settings::SessionLimitPolicy;
use crate::token_store::TokenStore;
use crate::user::{Role, User, Username};
use crate::Timestamp;

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub fullname: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// A session to create, with its first refresh token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub username: Username,
    pub created_at: Timestamp,
    pub refresh_hash: Vec<u8>,
    pub refresh_expires_at: Timestamp,
}

/// The successor of a refresh token being rotated.
#[derive(Debug, Clone)]
pub struct NextRefresh {
    pub hash: Vec<u8>,
    pub expires_at: Timestamp,
}

/// What presenting a refresh token for rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was live and unused: it is now used, and its successor stored.
    Rotated {
        session_id: String,
        username: String,
    },
    /// The token had already been used: its session is now revoked.
    Reused {
        session_id: String,
        username: String,
    },
    /// The token's session was revoked before.
    Revoked,
    Expired,
    Unknown,
}

/// A presented refresh token that could not be claimed for rotation, as the store found it.
#[derive(Debug, Clone)]
pub struct Unclaimed {
    pub session_id: String,
    pub username: String,
    pub used: bool,
    pub session_revoked: bool,
    pub expires_at: Timestamp,
}

impl Unclaimed {
    /// What presenting it means. A used token is reuse (whatever else holds): the store must
    /// then revoke its session.
    pub fn outcome(self, now: Timestamp) -> Rotation {
        if self.used {
            Rotation::Reused {
                session_id: self.session_id,
                username: self.username,
            }
        } else if self.session_revoked {
            Rotation::Revoked
        } else if self.expires_at <= now {
            Rotation::Expired
        } else {
            Rotation::Unknown
        }
    }
}

/// A revoked session, as the revocation feed carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedSession {
    pub session_id: String,
    pub revoked_at: Timestamp,
}

/// Why a session was revoked (kept for the audit trail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    Logout,
    RefreshReuse,
    SessionLimit,
    UserDisabled,
    PasswordChanged,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Logout => "logout",
            RevokeReason::RefreshReuse => "refresh_reuse",
            RevokeReason::SessionLimit => "session_limit",
            RevokeReason::UserDisabled => "user_disabled",
            RevokeReason::PasswordChanged => "password_changed",
        }
    }
}

#[async_trait]
pub trait Store: ApiKeyStore + TokenStore + Send + Sync + 'static {
    /// Creates a user; `Error::Conflict` when the username is taken.
    async fn create_user(&self, user: &NewUser) -> Result<()>;
    async fn user(&self, username: &str) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn count_users(&self) -> Result<u64>;
    /// Returns false when there is no such user.
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool>;
    async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool>;

    /// Counts a failed login; locks the account until `now + lock_secs` when the count reaches
    /// `threshold` (0 = never).
    async fn record_login_failure(
        &self,
        username: &str,
        now: Timestamp,
        threshold: u32,
        lock_secs: i64,
    ) -> Result<()>;
    async fn clear_login_failures(&self, username: &str) -> Result<()>;

    /// Creates a session in one transaction with the per-user limit: when the user already has
    /// `max_sessions` live sessions (0 = no limit), revokes the oldest (returning their ids) or
    /// fails with `Error::SessionLimit`, by `policy`.
    async fn create_session(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
    ) -> Result<Vec<String>>;

    /// Rotates a refresh token atomically: exactly one of concurrent callers with the same token
    /// gets `Rotated`; a used token revokes its session and gives `Reused`.
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation>;

    /// The live session a refresh token belongs to, if any: `(session_id, username)`.
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>>;

    /// Revokes a session; false if it was already revoked or does not exist.
    async fn revoke_session(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<bool>;
    /// Revokes every live session of a user, returning their ids.
    async fn revoke_user_sessions(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<Vec<String>>;
    /// Sessions revoked at or after `since`.
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>>;
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool>;

    /// Deletes sessions whose refresh chain expired (`expires_at <= now`), and sessions revoked
    /// before `revoked_before`; returns how many sessions went.
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64>;
}
