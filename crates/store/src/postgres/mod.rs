//! PostgreSQL, for several tessera instances sharing one database. Every operation is one
//! statement or one READ COMMITTED transaction on a connection pool; row locks, not the
//! process, serialise concurrent writers, so the guarantees hold across instances.

mod apikey_revocation;
mod apikey_rotation;
mod apikeys;
mod audit;
mod clients;
mod lockout;
mod migrate;
mod passwords;
mod resources;
mod revocations;
mod scoped_tokens;
mod session_rotation;
mod sessions;
mod signing_keys;
mod user_admin;
mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tessera_core::store::NewSession;
use tessera_core::{Error, Result};

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
