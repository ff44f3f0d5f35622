//! PostgreSQL, for several tessera instances sharing one database. Every operation is one
//! statement or one READ COMMITTED transaction on a connection pool; row locks, not the
//! process, serialise concurrent writers, so the guarantees hold across instances.

mod apikey_revocation;
mod apikey_rotation;
mod apikeys;
mod migrate;
mod resources;
mod rotation;
mod sessions;
mod tokens;
mod user_changes;
mod users;

use crate::revocable::Revocable;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{
    NewSession, NewUser, NextRefresh, RevokeReason, RevokedSession, Rotation,
};
use tessera_core::{Error, Result, Store, Timestamp, User};

/// How to connect to PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// Most connections the pool keeps open.
    pub max_connections: u32,
    /// How long an operation waits for a free connection before failing.
    pub acquire_timeout: Duration,
    /// The schema to use (as `search_path`) instead of the connection's default.
    pub schema: Option<String>,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            schema: None,
        }
    }
}

#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgresStore")
    }
}

/// A unique violation is a conflict; anything else is a storage failure (logged, never shown).
pub(crate) fn sql_error(e: sqlx::Error) -> Error {
    conflict_or_storage(e, "the record already exists")
}

fn conflict_or_storage(e: sqlx::Error, what: &str) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Error::Conflict(what.to_string()),
        _ => Error::storage(e),
    }
}

impl PostgresStore {
    /// Connects to the database `url` names and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, PostgresOptions::default()).await
    }

    pub async fn open_with(url: &str, options: PostgresOptions) -> Result<Self> {
        let mut connect = PgConnectOptions::from_str(url)
            .map_err(|e| Error::storage(format!("invalid PostgreSQL URL: {e}")))?;
        if let Some(schema) = &options.schema {
            connect = connect.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(sql_error)?;
        migrate::migrate(&pool).await?;
        Ok(Self { pool })
    }

    /// Inserts many sessions at once, with no per-user limit (for imports and benchmarks).
    pub async fn bulk_create_sessions(&self, sessions: &[NewSession]) -> Result<()> {
        sessions::bulk_insert(&self.pool, sessions).await
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn create_user(&self, user: &NewUser) -> Result<()> {
        users::create(&self.pool, user).await
    }
    async fn user(&self, username: &str) -> Result<Option<User>> {
        users::get(&self.pool, username).await
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        users::list(&self.pool).await
    }
    async fn count_users(&self) -> Result<u64> {
        users::count(&self.pool).await
    }
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool> {
        users::set_password_hash(&self.pool, username, hash).await
    }
    async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool> {
        users::set_disabled(&self.pool, username, disabled).await
    }
    async fn record_login_failure(
        &self,
        username: &str,
        now: Timestamp,
        threshold: u32,
        lock_secs: i64,
    ) -> Result<()> {
        users::record_failure(&self.pool, username, now, threshold, lock_secs).await
    }
    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        users::clear_failures(&self.pool, username).await
    }
    async fn create_session(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
    ) -> Result<Vec<String>> {
        sessions::create(&self.pool, session, max_sessions, policy).await
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        rotation::rotate(&self.pool, presented, next, now).await
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        sessions::of_refresh(&self.pool, hash, now).await
    }
    async fn revoke_session(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<bool> {
        sessions::revoke(&self.pool, session_id, now, reason).await
    }
    async fn revoke_user_sessions(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        sessions::revoke_user(&self.pool, username, now, reason).await
    }
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        let rows = revoked_since(&self.pool, Revocable::Sessions, since).await?;
        Ok(rows
            .into_iter()
            .map(|(session_id, revoked_at)| RevokedSession {
                session_id,
                revoked_at,
            })
            .collect())
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        sessions::is_revoked(&self.pool, session_id).await
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        sessions::purge(&self.pool, now, revoked_before).await
    }
}

/// `(id, revoked_at)` of the rows of `table` revoked at or after `since`.
async fn revoked_since(
    pool: &PgPool,
    table: Revocable,
    since: Timestamp,
) -> Result<Vec<(String, i64)>> {
    sqlx::query_as(&table.revoked_since_sql("$1"))
        .bind(since)
        .fetch_all(pool)
        .await
        .map_err(sql_error)
}
