//! Smart lockout: failed logins counted per account for the clients it has not seen succeed,
//! and per client for the ones it has (its familiar clients), each count locking on its own.

use async_trait::async_trait;

use crate::error::Result;
use crate::Timestamp;

/// Seconds in which at most `unfamiliar_per_hour` failures from unfamiliar clients count.
pub const CEILING_WINDOW: i64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures that lock (0 = never).
    pub threshold: u32,
    /// How long a lock lasts, seconds.
    pub lock_secs: i64,
    /// How long a client stays familiar after a successful login from it, seconds; 0 = never
    /// (every client counts against the account).
    pub familiar_secs: i64,
    /// Failures from unfamiliar clients per user and hour (`CEILING_WINDOW`), whatever their
    /// addresses; beyond it they are refused until the hour is over. 0 = no ceiling.
    pub unfamiliar_per_hour: u32,
}

/// A client the user logged in from, with its own failure count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamiliarClient {
    pub client: String,
    pub last_success_at: Timestamp,
    pub failed_logins: u32,
    pub locked_until: Option<Timestamp>,
}

impl FamiliarClient {
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

#[async_trait]
pub trait LockoutStore: Send + Sync {
    /// `client` of the user, if the user logged in from it at or after `since`.
    async fn familiar_client(
        &self,
        username: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<Option<FamiliarClient>>;

    /// Reserves a login attempt before its password is checked: counts it as a failure, in
    /// one statement, unless that count is locked at `now` (a lock that ran out starts the
    /// count afresh); reaching `threshold` locks it until `now + lock_secs`. With `familiar`,
    /// the count is that familiar client's (which must still be familiar at `now`); without,
    /// the account's, which is also refused beyond `unfamiliar_per_hour`. False when refused
    /// (or no such user). Concurrent reservations are all counted, so no more than
    /// `threshold` attempts are ever checked before the lock.
    async fn reserve_login_attempt(
        &self,
        username: &str,
        familiar: Option<&str>,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<bool>;

    /// A login from `client` succeeded: gives its reservation back (the familiar client's count
    /// is cleared, or the account's and one failure of its hourly tally), and `client` is
    /// familiar from `now` on (clients no longer familiar are forgotten).
    async fn record_login_success(
        &self,
        username: &str,
        client: &str,
        familiar: bool,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<()>;

    /// Clears every failure count, lock and tally of the user (a new password).
    async fn clear_login_failures(&self, username: &str) -> Result<()>;

    /// Forgets every user's clients last seen succeeding before `before`; how many.
    async fn forget_familiar_clients(&self, before: Timestamp) -> Result<u64>;
}
