//! Sessions and their rotating refresh tokens (stored as hashes only).

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::error::Result;
use crate::settings::SessionLimitPolicy;
use crate::user::Username;
use crate::Timestamp;

/// Where a refresh token is issued to: the client address and user agent of the login or
/// refresh that asked for it (already made printable and capped), kept on the token's row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionClient {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A live session as its owner sees it in a list: `refreshed_at` and `client` are those of its
/// newest refresh token (the login's, until it is refreshed). A session stored before clients
/// were kept has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub username: String,
    pub created_at: Timestamp,
    pub refreshed_at: Timestamp,
    pub expires_at: Timestamp,
    pub client: SessionClient,
}

/// A session to create, with its first refresh token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub username: Username,
    pub created_at: Timestamp,
    pub refresh_hash: Vec<u8>,
    pub refresh_expires_at: Timestamp,
    /// Who logged in from where, kept on the first refresh token.
    pub client: SessionClient,
    /// Checked in the transaction that stores the session.
    pub requires: Option<super::Unchanged>,
}

/// The successor of a refresh token being rotated, and the rules of the rotation.
#[derive(Debug, Clone)]
pub struct NextRefresh {
    /// The successor's hash. The domain derives the successor from the presented token, so a
    /// retry presents the same `hash` again (see `reuse_grace`).
    pub hash: Vec<u8>,
    /// When the successor expires, unless the session's absolute lifetime ends first.
    pub expires_at: Timestamp,
    /// A session's absolute lifetime, seconds from its creation: a session older than this is
    /// not refreshed, and no successor outlives `created_at + session_ttl`.
    pub session_ttl: i64,
    /// Presenting a used token again at most this many seconds after it was used, while its
    /// successor (`hash`) is live and unused, is a retry (`Rotation::Retried`), not reuse.
    /// 0: every second presentation is reuse.
    pub reuse_grace: i64,
    /// Recorded, for the token's user and session, when the presentation is reuse, in the
    /// transaction that revokes the session (an ordinary rotation records nothing).
    pub on_reuse: Option<AuditEvent>,
    /// Who refreshed from where, kept on the successor by the statement that inserts it.
    pub client: SessionClient,
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
    /// The token was used within the reuse grace and its successor (`NextRefresh::hash`),
    /// issued at `issued_at`, is still live and unused: nothing changed, the caller answers
    /// with the same successor again.
    Retried {
        session_id: String,
        username: String,
        issued_at: Timestamp,
    },
    /// The token's session was revoked before.
    Revoked,
    /// The token's session reached its absolute lifetime.
    SessionEnded,
    Expired,
    Unknown,
}

/// A presented refresh token that could not be claimed for rotation, as the store found it.
#[derive(Debug, Clone)]
pub struct Unclaimed {
    pub session_id: String,
    pub username: String,
    pub used_at: Option<Timestamp>,
    pub session_revoked: bool,
    pub session_created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl Unclaimed {
    fn session_ended(&self, next: &NextRefresh, now: Timestamp) -> bool {
        self.session_created_at.saturating_add(next.session_ttl) <= now
    }

    /// Whether presenting it may be a retry within the reuse grace: then the store looks up
    /// whether the successor (`next.hash`, of the same session) is live and unused, and passes
    /// its `issued_at` to [`Unclaimed::outcome`].
    pub fn may_be_retry(&self, next: &NextRefresh, now: Timestamp) -> bool {
        self.used_at.is_some_and(|used| {
            next.reuse_grace > 0 && used <= now && now - used <= next.reuse_grace
        }) && !self.session_revoked
            && !self.session_ended(next, now)
    }

    /// What presenting it means, given the live successor's `issued_at` when the store looked
    /// it up. A used token is reuse (but for a retry), whatever else holds: the store must then
    /// revoke its session.
    pub fn outcome(
        self,
        next: &NextRefresh,
        live_successor: Option<Timestamp>,
        now: Timestamp,
    ) -> Rotation {
        if let (true, Some(issued_at)) = (self.may_be_retry(next, now), live_successor) {
            Rotation::Retried {
                session_id: self.session_id,
                username: self.username,
                issued_at,
            }
        } else if self.used_at.is_some() {
            Rotation::Reused {
                session_id: self.session_id,
                username: self.username,
            }
        } else if self.session_revoked {
            Rotation::Revoked
        } else if self.session_ended(next, now) {
            Rotation::SessionEnded
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
    /// Ended by its owner or an admin from the session list.
    Revoked,
    UserDeleted,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Logout => "logout",
            RevokeReason::RefreshReuse => "refresh_reuse",
            RevokeReason::SessionLimit => "session_limit",
            RevokeReason::UserDisabled => "user_disabled",
            RevokeReason::PasswordChanged => "password_changed",
            RevokeReason::Revoked => "revoked",
            RevokeReason::UserDeleted => "user_deleted",
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
    ) -> Result<Vec<String>> {
        self.create_session_audited(session, max_sessions, policy, &[])
            .await
    }
    /// As `create_session`, appending `audit` and, for each session evicted, the first
    /// event's [`AuditEvent::evicted`], in the same transaction.
    async fn create_session_audited(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>>;

    /// Rotates a refresh token atomically: exactly one of concurrent callers with the same token
    /// gets `Rotated`; a used token revokes its session and gives `Reused`, unless it is a
    /// retry within `next.reuse_grace` (`Retried`, nothing changes). A session past its
    /// absolute lifetime (`next.session_ttl`) is not refreshed (`SessionEnded`), and the
    /// successor (and the session) expire no later than that lifetime's end.
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
    ) -> Result<bool> {
        self.revoke_session_audited(session_id, now, reason, &[])
            .await
    }
    /// As `revoke_session`, appending `audit` when it revoked the session.
    async fn revoke_session_audited(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// Revokes every live session of a user, returning their ids.
    async fn revoke_user_sessions(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        self.revoke_user_sessions_audited(username, now, reason, &[])
            .await
    }
    /// As `revoke_user_sessions`, appending `audit` when it revoked any session.
    async fn revoke_user_sessions_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>>;
    /// Revokes every live session of a user but `keep`, returning their ids, appending
    /// `audit` when it revoked any, in one transaction.
    async fn revoke_other_sessions_audited(
        &self,
        username: &str,
        keep: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>>;
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool>;

    /// A user's live sessions at `now` (neither revoked nor expired), newest first.
    async fn list_sessions(&self, username: &str, now: Timestamp) -> Result<Vec<SessionRecord>>;
    /// The live session with this id, if any.
    async fn live_session(&self, session_id: &str, now: Timestamp)
        -> Result<Option<SessionRecord>>;

    /// Deletes sessions whose refresh chain expired (`expires_at <= now`), and sessions revoked
    /// before `revoked_before`; returns how many sessions went.
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64>;

    /// How many sessions are live at `now` (neither revoked nor expired), for the metrics.
    async fn count_live_sessions(&self, now: Timestamp) -> Result<u64>;
}
