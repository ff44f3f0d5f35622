//! SQLite's migrations, kept in sqlx's `_sqlx_migrations` table by hand (see
//! `crate::migrations`). Everything runs in one write transaction, so two processes opening a
//! new file at once cannot both apply a migration, and a failed migration leaves no trace.

use std::time::Instant;

use rusqlite::{params, Connection, OptionalExtension};
use sqlx_core::migrate::Migration;
use tessera_core::{Error, Result};

use super::sql_error;
use crate::migrations::{self, Applied, LEGACY_TABLE, UNKNOWN_TIME};

/// sqlx's table, in SQLite's types (as sqlx's SQLite driver creates it).
const TABLE: &str = "CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)";

pub(super) fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql_error)?;
    let applied = apply(conn);
    let end = if applied.is_ok() {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    let ended = conn.execute_batch(end).map_err(sql_error);
    applied.and(ended)
}

fn apply(conn: &Connection) -> Result<()> {
    let all = migrations::SQLITE.migrations();
    if !table_exists(conn, "_sqlx_migrations")? {
        conn.execute_batch(TABLE).map_err(sql_error)?;
        adopt_legacy(conn, &all)?;
    }
    let applied = applied(conn)?;
    for migration in migrations::pending(&all, &applied).map_err(Error::storage)? {
        // Timing the migration for the record, as sqlx does; no domain time is read here.
        #[allow(clippy::disallowed_methods)]
        let start = Instant::now();
        conn.execute_batch(&migration.sql).map_err(sql_error)?;
        let nanos = i64::try_from(start.elapsed().as_nanos()).unwrap_or(i64::MAX);
        record(conn, migration, nanos)?;
    }
    Ok(())
}

/// Checks, without changing anything, that `conn` holds a tessera database this build can
/// open: `(latest migration applied, migrations still to apply)`.
pub(super) fn check(conn: &Connection) -> Result<(i64, usize)> {
    let all = migrations::SQLITE.migrations();
    let applied = if table_exists(conn, "_sqlx_migrations")? {
        applied(conn)?
    } else if table_exists(conn, LEGACY_TABLE)? {
        let adopted = migrations::adopted(&all, &legacy_versions(conn)?).map_err(unknown)?;
        adopted
            .iter()
            .map(|m| Applied {
                version: m.version,
                checksum: m.checksum.to_vec(),
                success: true,
            })
            .collect()
    } else {
        return Err(Error::BadRequest(
            "not a tessera database: it has no record of migrations".into(),
        ));
    };
    let pending = migrations::pending(&all, &applied).map_err(unknown)?;
    let latest = applied.iter().map(|a| a.version).max().unwrap_or(0);
    Ok((latest, pending.len()))
}

fn unknown(e: sqlx_core::migrate::MigrateError) -> Error {
    Error::BadRequest(format!(
        "its migrations are not this build's (written by another tessera version?): {e}"
    ))
}

/// Records the versions an older tessera listed in `schema_migrations` as applied.
fn adopt_legacy(conn: &Connection, all: &[Migration]) -> Result<()> {
    if !table_exists(conn, LEGACY_TABLE)? {
        return Ok(());
    }
    for migration in migrations::adopted(all, &legacy_versions(conn)?).map_err(Error::storage)? {
        record(conn, &migration, UNKNOWN_TIME)?;
    }
    Ok(())
}

fn legacy_versions(conn: &Connection) -> Result<Vec<i64>> {
    conn.prepare(&format!(
        "SELECT version FROM {LEGACY_TABLE} ORDER BY version"
    ))
    .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
    .map_err(sql_error)
}

fn table_exists(conn: &Connection, name: &str) -> Result<bool> {
    conn.query_row(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |_| Ok(()),
    )
    .optional()
    .map(|found| found.is_some())
    .map_err(sql_error)
}

fn applied(conn: &Connection) -> Result<Vec<Applied>> {
    conn.prepare("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok(Applied {
                    version: r.get(0)?,
                    checksum: r.get(1)?,
                    success: r.get(2)?,
                })
            })?
            .collect()
        })
        .map_err(sql_error)
}

fn record(conn: &Connection, m: &Migration, execution_time: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (?1, ?2, TRUE, ?3, ?4)",
        params![
            m.version,
            m.description.as_ref(),
            m.checksum.as_ref(),
            execution_time
        ],
    )
    .map_err(sql_error)?;
    Ok(())
}
