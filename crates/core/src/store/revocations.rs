//! The revocation log: every revocation (and user change) in commit order, as the catch-up
//! poll re-reads it to keep each instance's in-memory revocation set current; and, per kind of
//! credential, what was revoked since a time (the revoked rows themselves, by the time their
//! revoker gave).

use async_trait::async_trait;

use crate::error::Result;
use crate::feed::Revocation;
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

/// Where a read of the revocation log starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogCursor {
    /// Nothing read yet: every entry stamped within `keep` seconds of the database's clock.
    Start { keep: i64 },
    /// Where the previous read said to go on ([`LogRead::next`]).
    At(i64),
}

/// One read of the revocation log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRead {
    /// The entries read, stamped by the database's clock (kinds this version does not know are
    /// left out). An entry may be read again by the next read; never skipped by it.
    pub entries: Vec<Revocation>,
    /// Where the next read goes on. Every entry a read from here could miss has been read now.
    pub next: i64,
    /// The database's clock during the read, in milliseconds since the epoch; `None` where the
    /// database has no clock of its own (SQLite: one instance, whose clock stamps the log).
    pub db_now_ms: Option<i64>,
}

#[async_trait]
pub trait RevocationLog: Send + Sync {
    /// Reads the log from `from`. `now` is this instance's clock, which stands for the
    /// database's where it has none.
    async fn read_revocation_log(&self, from: LogCursor, now: Timestamp) -> Result<LogRead>;
    /// Deletes the entries stamped more than `keep` seconds before the database's clock (or
    /// `now`, where it has none). Returns how many.
    async fn prune_revocation_log(&self, now: Timestamp, keep: i64) -> Result<u64>;
    /// Sessions revoked at or after `since`.
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>>;
    /// API keys revoked at or after `since`.
    async fn revoked_apikeys_since(&self, since: Timestamp) -> Result<Vec<RevokedApiKey>>;
    /// Scoped tokens revoked at or after `since`.
    async fn revoked_tokens_since(&self, since: Timestamp) -> Result<Vec<RevokedToken>>;
}
