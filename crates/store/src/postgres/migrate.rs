//! The PostgreSQL migration runner. Every pending migration runs in one transaction that first
//! takes an advisory lock, so instances starting together on one database apply each migration
//! once: the others wait, then find nothing left to do.

use sqlx::{Executor, PgPool};
use tessera_core::Result;

use super::sql_error;

/// Every `migrations/postgres/NNNN_*.sql`, in order (listed by the build script).
const MIGRATIONS: &[(i64, &str)] = include!(concat!(env!("OUT_DIR"), "/postgres_migrations.rs"));

/// First key of the advisory lock; the second is the schema, so that schemas migrate apart.
const LOCK_NAMESPACE: i32 = 0x7e55_e7a0;

pub async fn migrate(pool: &PgPool) -> Result<()> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))")
        .bind(LOCK_NAMESPACE)
        .execute(&mut *tx)
        .await
        .map_err(sql_error)?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT PRIMARY KEY NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .execute(&mut *tx)
    .await
    .map_err(sql_error)?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await
        .map_err(sql_error)?;
    for (version, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        (&mut *tx)
            .execute(sqlx::raw_sql(sql))
            .await
            .map_err(sql_error)?;
        sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(sql_error)?;
    }
    tx.commit().await.map_err(sql_error)
}
