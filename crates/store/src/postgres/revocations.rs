//! The revocation log in PostgreSQL, and what was revoked since a time, per kind of credential.
//!
//! Why the log is read by transaction id, not by `seq` or time: a sequence value or a
//! timestamp is taken while a transaction runs, and the row becomes visible only when it
//! commits, which may be much later (a lock wait, a slow pool). A read that has seen `seq` n,
//! or every row stamped up to t, may still later meet a row with a lower `seq` or an earlier
//! stamp, and re-reading a window behind the cursor only narrows that gap. Each row instead
//! keeps the id of the transaction that wrote it (`pg_current_xact_id()`), and each read first
//! takes `pg_snapshot_xmin(pg_current_snapshot())`: every transaction with a lower id has ended
//! by then, so its rows are visible to the read that follows. The next read takes the rows of
//! transactions from that xmin on: any transaction still running (or not yet begun) has an id
//! at least that high, however late it commits. Rows are read again until no older transaction
//! runs (harmless: the revocation set keeps the latest of two entries), and never skipped.

use async_trait::async_trait;
use tessera_core::store::{
    LogCursor, LogRead, RevocationLog, RevokedApiKey, RevokedSession, RevokedToken,
};
use tessera_core::{Result, Timestamp};

use super::{sql_error, PostgresStore};
use crate::rows::{self, Revocable};

/// The database's clock, in whole seconds since the epoch.
const DB_NOW: &str = "floor(extract(epoch FROM clock_timestamp()))::bigint";

impl PostgresStore {
    /// `(id, revoked_at)` of the rows of `table` revoked at or after `since`.
    async fn revoked(&self, table: Revocable, since: Timestamp) -> Result<Vec<(String, i64)>> {
        sqlx::query_as(&table.revoked_since_sql("$1"))
            .bind(since)
            .fetch_all(&self.pool)
            .await
            .map_err(sql_error)
    }
}

#[async_trait]
impl RevocationLog for PostgresStore {
    async fn read_revocation_log(&self, from: LogCursor, _now: Timestamp) -> Result<LogRead> {
        // First the bound, then the rows: the rows' snapshot is the later one.
        let (xmin, db_now_ms): (i64, i64) = sqlx::query_as(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                    (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(sql_error)?;
        let rows: Vec<(String, i64)> = match from {
            LogCursor::Start { keep } => {
                let sql = format!(
                    "SELECT key, revoked_at FROM revocation_log
                     WHERE revoked_at >= {DB_NOW} - $1 ORDER BY seq"
                );
                sqlx::query_as(&sql).bind(keep).fetch_all(&self.pool).await
            }
            LogCursor::At(xid) => {
                sqlx::query_as(
                    "SELECT key, revoked_at FROM revocation_log WHERE xid >= $1 ORDER BY seq",
                )
                .bind(xid)
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(sql_error)?;
        Ok(LogRead {
            entries: rows::log_entries(rows),
            next: xmin,
            db_now_ms: Some(db_now_ms),
        })
    }
    async fn prune_revocation_log(&self, _now: Timestamp, keep: i64) -> Result<u64> {
        let sql = format!("DELETE FROM revocation_log WHERE revoked_at < {DB_NOW} - $1");
        let done = sqlx::query(&sql)
            .bind(keep)
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(done.rows_affected())
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
