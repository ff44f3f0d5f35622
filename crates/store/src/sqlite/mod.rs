//! The embedded default: one SQLite file in WAL mode. Writes go through a single connection, so
//! they never contend for SQLite's write lock; reads use a small pool of their own.

mod sessions;
mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{
    NewSession, NewUser, NextRefresh, RevokeReason, RevokedSession, Rotation,
};
use tessera_core::{Error, Result, Store, Timestamp, User};

use crate::storage_error;

const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../../migrations/sqlite/0001_init.sql"))];

#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(storage_error)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.clone())
            .await
            .map_err(storage_error)?;
        migrate(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.read_only(true))
            .await
            .map_err(storage_error)?;
        Ok(Self { writer, reader })
    }
}

async fn migrate(pool: &SqlitePool) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL)",
    )
    .execute(pool)
    .await
    .map_err(storage_error)?;
    let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(pool)
        .await
        .map_err(storage_error)?;
    for (version, sql) in MIGRATIONS {
        if current.is_some_and(|c| c >= *version) {
            continue;
        }
        let mut tx = pool.begin().await.map_err(storage_error)?;
        sqlx::Executor::execute(&mut *tx, sqlx::raw_sql(sql))
            .await
            .map_err(storage_error)?;
        sqlx::query("INSERT INTO schema_migrations (version) VALUES (?1)")
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(storage_error)?;
        tx.commit().await.map_err(storage_error)?;
    }
    Ok(())
}

fn conflict_or_storage(e: sqlx::Error, what: &str) -> Error {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict(what.to_string()),
        _ => storage_error(e),
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_user(&self, user: &NewUser) -> Result<()> {
        users::create(&self.writer, user).await
    }
    async fn user(&self, username: &str) -> Result<Option<User>> {
        users::get(&self.reader, username).await
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        users::list(&self.reader).await
    }
    async fn count_users(&self) -> Result<u64> {
        users::count(&self.reader).await
    }
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool> {
        users::set_password_hash(&self.writer, username, hash).await
    }
    async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool> {
        users::set_disabled(&self.writer, username, disabled).await
    }
    async fn record_login_failure(
        &self,
        username: &str,
        now: Timestamp,
        threshold: u32,
        lock_secs: i64,
    ) -> Result<()> {
        users::record_failure(&self.writer, username, now, threshold, lock_secs).await
    }
    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        users::clear_failures(&self.writer, username).await
    }
    async fn create_session(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
    ) -> Result<Vec<String>> {
        sessions::create(&self.writer, session, max_sessions, policy).await
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        sessions::rotate(&self.writer, presented, next, now).await
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        sessions::of_refresh(&self.reader, hash, now).await
    }
    async fn revoke_session(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<bool> {
        sessions::revoke(&self.writer, session_id, now, reason).await
    }
    async fn revoke_user_sessions(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        sessions::revoke_user(&self.writer, username, now, reason).await
    }
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        sessions::revoked_since(&self.reader, since).await
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        sessions::is_revoked(&self.reader, session_id).await
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        sessions::purge(&self.writer, now, revoked_before).await
    }
}
