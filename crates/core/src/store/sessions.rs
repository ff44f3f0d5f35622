//! Sessions and their rotating refresh tokens (stored as hashes only).

use async_trait::async_trait;

use crate::error::Result;
use crate::settings::SessionLimitPolicy;
use crate::user::Username;
use crate::Timestamp;

/// A session to create, with its first refresh token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub username: Username,
    pub created_at: Timestamp,
    pub refresh_hash: Vec<u8>,
    pub refresh_expires_at: Timestamp,
    /// Checked in the transaction that stores the session.
    pub requires: Option<super::Unchanged>,
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
pub trait SessionStore: Send + Sync {
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
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool>;

    /// Deletes sessions whose refresh chain expired (`expires_at <= now`), and sessions revoked
    /// before `revoked_before`; returns how many sessions went.
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64>;
}
