//! The domain's tunables, already validated.

use crate::password_policy::PasswordPolicy;

/// What to do when a user already has `max_sessions` live sessions and logs in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionLimitPolicy {
    /// Revoke the user's oldest session (the default).
    EvictOldest,
    /// Refuse the login with `409 session_limit`.
    Refuse,
}

/// Logins of one account decided at once on one instance, by default.
pub const LOGINS_IN_FLIGHT: u32 = 4;

/// A session's default absolute lifetime: 30 days.
pub const DEFAULT_SESSION_TTL: i64 = 30 * 86_400;

/// The longest reuse grace allowed, seconds: it is for a retry, not for a second client.
pub const MAX_REFRESH_REUSE_GRACE: i64 = 60;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Access-token lifetime (`SESSION_TIMEOUT`), seconds.
    pub access_ttl: i64,
    /// Refresh-token lifetime (`REFRESH_TIMEOUT`), seconds.
    pub refresh_ttl: i64,
    /// A session's absolute lifetime from its login, seconds: refreshes cannot extend it.
    pub session_ttl: i64,
    /// How long after a refresh token was rotated presenting it again still answers with the
    /// same successor pair (a retry) rather than counting as reuse, seconds; 0 = never.
    pub refresh_reuse_grace: i64,
    /// Live sessions per user (`MAX_SESSION`); 0 = unlimited.
    pub max_sessions: u32,
    pub session_limit_policy: SessionLimitPolicy,
    /// Consecutive failed logins before an account locks; 0 = never.
    pub lockout_threshold: u32,
    /// How long a locked account stays locked, seconds.
    pub lockout_secs: i64,
    /// Clock leeway for `exp` / `nbf` / `iat`, seconds.
    pub leeway: i64,
    /// Logins of one account decided at once on one instance (for each familiar client, and
    /// for all other clients together); more get `RateLimited`. 0 = no cap.
    pub logins_in_flight: u32,
    /// How long a client stays familiar after a successful login from it, seconds (its failures
    /// then have their own count); 0 = smart lockout off.
    pub familiar_client_secs: i64,
    /// Failures per user and hour from unfamiliar clients, whatever their addresses; beyond
    /// it they are refused until the hour is over. 0 = no ceiling.
    pub unfamiliar_failures_per_hour: u32,
    /// What a new password must be.
    pub password_policy: PasswordPolicy,
    /// Days an audit event is kept; 0 = forever.
    pub audit_retention_days: u32,
    /// Anyone may register (as a reader) without a credential (`POST /auth/register` with no
    /// bearer); off, registration is for admins only, as in PlantDB.
    pub open_registration: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            access_ttl: 900,
            refresh_ttl: 86_400,
            session_ttl: DEFAULT_SESSION_TTL,
            refresh_reuse_grace: 0,
            max_sessions: 10,
            session_limit_policy: SessionLimitPolicy::EvictOldest,
            lockout_threshold: 3,
            lockout_secs: 900,
            leeway: 5,
            logins_in_flight: LOGINS_IN_FLIGHT,
            familiar_client_secs: 30 * 86_400,
            unfamiliar_failures_per_hour: 10,
            password_policy: PasswordPolicy::default(),
            audit_retention_days: 365,
            open_registration: false,
        }
    }
}
