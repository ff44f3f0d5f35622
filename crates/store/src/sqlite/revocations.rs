//! The revocation log in SQLite, and what was revoked since a time, per kind of credential.
//!
//! The log is read by `seq`: SQLite has one writer at a time, so rows become visible in `seq`
//! order and a read that saw `seq` n has seen every row before it. Its rows carry the time
//! their writer gave: one instance (and its command line, on the same machine) writes here, and
//! its clock is the database's.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension};
use tessera_core::store::{
    LogCursor, LogRead, RevocationLog, RevokedApiKey, RevokedSession, RevokedToken,
};
use tessera_core::{Result, Timestamp};

use super::helpers::exec;
use super::{sql_error, SqliteStore};
use crate::rows::{self, Revocable};

/// `(id, revoked_at)` of the rows of `table` revoked at or after `since`.
fn revoked_since(c: &Connection, table: Revocable, since: Timestamp) -> Result<Vec<(String, i64)>> {
    let mut stmt = c
        .prepare_cached(&table.revoked_since_sql("?1"))
        .map_err(sql_error)?;
    stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)
}

/// The log from `from`, and the `seq` after the last one ever handed out, in one snapshot.
fn read_log(c: &Connection, from: LogCursor, now: Timestamp) -> Result<LogRead> {
    let tx = c.unchecked_transaction().map_err(sql_error)?;
    let (sql, bound) = match from {
        LogCursor::Start { keep } => (
            "SELECT key, revoked_at FROM revocation_log WHERE revoked_at >= ?1 ORDER BY seq",
            now.saturating_sub(keep),
        ),
        LogCursor::At(seq) => (
            "SELECT key, revoked_at FROM revocation_log WHERE seq >= ?1 ORDER BY seq",
            seq,
        ),
    };
    let rows = tx
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map([bound], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(String, i64)>>>()
        })
        .map_err(sql_error)?;
    let last: Option<i64> = tx
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'revocation_log'")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .map_err(sql_error)?;
    tx.finish().map_err(sql_error)?;
    Ok(LogRead {
        entries: rows::log_entries(rows),
        next: last.unwrap_or(0) + 1,
        db_now_ms: None,
    })
}

impl SqliteStore {
    async fn revoked(&self, table: Revocable, since: Timestamp) -> Result<Vec<(String, i64)>> {
        self.readers
            .read(move |c| revoked_since(c, table, since))
            .await
    }
}

#[async_trait]
impl RevocationLog for SqliteStore {
    async fn read_revocation_log(&self, from: LogCursor, now: Timestamp) -> Result<LogRead> {
        self.readers.read(move |c| read_log(c, from, now)).await
    }
    async fn prune_revocation_log(&self, now: Timestamp, keep: i64) -> Result<u64> {
        let before = now.saturating_sub(keep);
        self.writer
            .write(move |c| {
                let sql = "DELETE FROM revocation_log WHERE revoked_at < ?1";
                exec(c, sql, [before]).map(|n| n as u64)
            })
            .await
    }
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        let rows = self.revoked(Revocable::Sessions, since).await?;
        Ok(rows::revoked_sessions(rows))
    }
    async fn revoked_apikeys_since(&self, since: Timestamp) -> Result<Vec<RevokedApiKey>> {
        let rows = self.revoked(Revocable::ApiKeys, since).await?;
        Ok(rows::revoked_apikeys(rows))
    }
    async fn revoked_tokens_since(&self, since: Timestamp) -> Result<Vec<RevokedToken>> {
        let rows = self.revoked(Revocable::ScopedTokens, since).await?;
        Ok(rows::revoked_tokens(rows))
    }
}
