//! PostgreSQL's migrations, run by sqlx's migrator (see `crate::migrations`): it takes an
//! advisory lock, so instances starting together on one database apply each migration once,
//! records each in `_sqlx_migrations` with its checksum, and refuses a changed one.
//!
//! Before it runs, a schema migrated by an older tessera (`schema_migrations`) is adopted, in a
//! transaction holding an advisory lock of this schema, so that instances starting together
//! adopt it once.

use sqlx::{Executor, PgPool};
use sqlx_core::migrate::Migrator;
use tessera_core::{Error, Result};

use super::sql_error;
use crate::migrations::{self, LEGACY_TABLE, UNKNOWN_TIME};

/// First key of the adoption lock; the second is the schema, so that schemas adopt apart.
const LOCK_NAMESPACE: i32 = 0x7e55_e7a0;

/// sqlx's table, as its migrator creates it.
const TABLE: &str = "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
)";

pub async fn migrate(pool: &PgPool) -> Result<()> {
    adopt_legacy(pool).await?;
    let migrator = Migrator::new(migrations::POSTGRES)
        .await
        .map_err(Error::storage)?;
    migrator.run(pool).await.map_err(Error::storage)
}

/// Records the versions an older tessera listed in `schema_migrations` as applied, with the
/// time it applied them, unless `_sqlx_migrations` exists already.
async fn adopt_legacy(pool: &PgPool) -> Result<()> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))")
        .bind(LOCK_NAMESPACE)
        .execute(&mut *tx)
        .await
        .map_err(sql_error)?;
    let (ours, legacy): (bool, bool) = sqlx::query_as(
        "SELECT to_regclass('_sqlx_migrations') IS NOT NULL, to_regclass($1) IS NOT NULL",
    )
    .bind(LEGACY_TABLE)
    .fetch_one(&mut *tx)
    .await
    .map_err(sql_error)?;
    if ours || !legacy {
        return tx.commit().await.map_err(sql_error);
    }
    (&mut *tx).execute(TABLE).await.map_err(sql_error)?;
    let versions: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT version FROM {LEGACY_TABLE} ORDER BY version"
    ))
    .fetch_all(&mut *tx)
    .await
    .map_err(sql_error)?;
    let all = migrations::POSTGRES.migrations();
    for m in migrations::adopted(&all, &versions).map_err(Error::storage)? {
        sqlx::query(&format!(
            "INSERT INTO _sqlx_migrations
                 (version, description, installed_on, success, checksum, execution_time)
             SELECT $1, $2, applied_at, TRUE, $3, $4 FROM {LEGACY_TABLE} WHERE version = $1"
        ))
        .bind(m.version)
        .bind(m.description.as_ref())
        .bind(m.checksum.as_ref())
        .bind(UNKNOWN_TIME)
        .execute(&mut *tx)
        .await
        .map_err(sql_error)?;
    }
    tx.commit().await.map_err(sql_error)
}
