//! The catch-up poll: what this instance may have missed of the revocation feed (a failed
//! publish, messages lost while a connection was re-made, an instance that was down), read
//! from the store's revocation log at start-up, periodically and whenever a feed reconnects.
//!
//! The log is read by a cursor the store hands back, which no late commit can pass (see the
//! backends' `revocations.rs`), not by comparing this instance's clock with stamps another
//! took. Each read also measures this instance's clock against the database's.

use std::sync::atomic::{AtomicI64, Ordering};

use super::{token_cache, Auth};
use crate::error::Result;
use crate::stats::Received;
use crate::store::LogCursor;
use crate::Timestamp;

/// The cursor before the first read (which reads by time instead).
const NOT_STARTED: i64 = i64::MIN;
/// The skew before it was first measured.
const UNMEASURED: i64 = i64::MIN;
/// The log keeps entries this long beyond the longest time one can matter, so that an
/// instance cut off from the database for a while still finds what it missed.
const LOG_MARGIN: i64 = 3600;

/// Where the catch-up poll stands.
#[derive(Debug)]
pub(super) struct SyncState {
    /// Where the next read of the log starts.
    cursor: AtomicI64,
    /// The database's clock minus this instance's, in milliseconds, as last measured.
    skew_ms: AtomicI64,
}

impl Default for SyncState {
    fn default() -> Self {
        Self {
            cursor: AtomicI64::new(NOT_STARTED),
            skew_ms: AtomicI64::new(UNMEASURED),
        }
    }
}

impl Auth {
    /// The longest time a revocation can matter after it was made: the longest lifetime of
    /// any credential it may end (or of a cached scoped token), plus the leeway.
    pub(super) fn revocation_horizon(&self) -> i64 {
        let longest = self
            .settings
            .access_ttl
            .max(self.apikeys.max_ttl)
            .max(token_cache::TOKEN_CACHE_TTL);
        longest + self.settings.leeway
    }

    /// Reads the revocations the set may have missed (on the first call, all that can still
    /// matter). Returns how many entries were read. A failed read moves nothing: the next
    /// one starts where this one did.
    pub async fn sync_revocations(&self) -> Result<usize> {
        let cursor = self.sync.cursor.load(Ordering::SeqCst);
        let from = match cursor {
            NOT_STARTED => LogCursor::Start {
                keep: self.revocation_horizon(),
            },
            at => LogCursor::At(at),
        };
        let sent_ms = self.clock.now_ms();
        let read = self
            .store
            .read_revocation_log(from, self.clock.now())
            .await?;
        let read_ms = self.clock.now_ms();
        let local_ms = sent_ms / 2 + read_ms / 2;
        let took = u64::try_from(read_ms.saturating_sub(sent_ms)).unwrap_or(0);
        self.stats.catchup_ms.store(took, Ordering::Relaxed);
        self.stats
            .catchup_at
            .store(read_ms.div_euclid(1000), Ordering::Relaxed);
        let skew = read.db_now_ms.map_or(0, |db| db - local_ms);
        let previous = self.sync.skew_ms.swap(skew, Ordering::SeqCst);
        let beyond_leeway = |ms: i64| ms != UNMEASURED && ms.abs() > self.settings.leeway * 1000;
        if beyond_leeway(skew) && !beyond_leeway(previous) {
            tracing::warn!(
                clock_skew_ms = skew,
                "this instance's clock and the database's differ by more than the JWT leeway: \
                 synchronise them (NTP)"
            );
        }
        for entry in &read.entries {
            self.stats.received.add(Received::CatchUp);
            self.remember_revoked(&entry.key, entry.revoked_at);
        }
        let next = if cursor != NOT_STARTED && read.next < cursor {
            // The database's positions went back (it was restored or replaced): read by time.
            tracing::warn!("the revocation log went back; reading it again from the start");
            NOT_STARTED
        } else {
            read.next
        };
        self.sync.cursor.store(next, Ordering::SeqCst);
        self.revoked.prune(self.clock.now());
        self.reload_keys_if_stale().await?;
        Ok(read.entries.len())
    }

    /// The database's clock minus this instance's, in milliseconds, as measured by the last
    /// catch-up read (`None` before the first). Zero on SQLite, whose clock is this instance's.
    pub fn clock_skew_ms(&self) -> Option<i64> {
        match self.sync.skew_ms.load(Ordering::SeqCst) {
            UNMEASURED => None,
            skew => Some(skew),
        }
    }

    /// `now` on this instance's clock as the database's clock reads it (to the last
    /// measurement), so that what this instance stamps agrees with the revocation log.
    pub(super) fn database_time(&self, now: Timestamp) -> Timestamp {
        let skew = self.clock_skew_ms().unwrap_or(0);
        now.saturating_add((skew + 500).div_euclid(1000))
    }

    /// Deletes log entries that can no longer matter to any instance.
    pub(super) async fn prune_revocation_log(&self) -> Result<u64> {
        let keep = self.revocation_horizon() + LOG_MARGIN;
        self.store
            .prune_revocation_log(self.clock.now(), keep)
            .await
    }
}
