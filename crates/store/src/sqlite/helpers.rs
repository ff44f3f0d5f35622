//! Small statements every SQLite file runs, on cached prepared statements.

use rusqlite::{Connection, Params};
use tessera_core::Result;

use super::sql_error;

/// Runs a statement; how many rows it changed.
pub(super) fn exec(c: &Connection, sql: &str, params: impl Params) -> Result<usize> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(sql_error)
}

/// The first column of every row a statement returns, as strings (ids, usernames).
pub(super) fn strings(c: &Connection, sql: &str, params: impl Params) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached(sql).map_err(sql_error)?;
    let rows = stmt
        .query_map(params, |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(sql_error)?;
    Ok(rows)
}

/// Whether a query keyed by `key` finds a row.
pub(super) fn exists(c: &Connection, sql: &str, key: &str) -> Result<bool> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.exists([key]))
        .map_err(sql_error)
}

/// Whether a query keyed by a hash finds a row.
pub(super) fn hash_exists(c: &Connection, sql: &str, hash: &[u8]) -> Result<bool> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.exists([hash]))
        .map_err(sql_error)
}

pub(super) fn user_exists(c: &Connection, username: &str) -> Result<bool> {
    exists(c, "SELECT 1 FROM users WHERE username = ?1", username)
}
