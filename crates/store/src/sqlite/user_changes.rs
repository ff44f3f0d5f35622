//! What changes a user's tokens in SQLite: role changes (recorded for the catch-up sync) and
//! the revocation of a user's personal tokens.

use rusqlite::{params, Connection};
use tessera_core::token_store::UserChange;
use tessera_core::{Result, Role, Timestamp};

use super::sql_error;
use super::tokens::exec;

/// Sets the role and records when; false if no user.
pub fn set_role(c: &Connection, username: &str, role: Role, now: Timestamp) -> Result<bool> {
    let sql = "UPDATE users SET role = ?2 WHERE username = ?1";
    if exec(c, sql, params![username, role.as_str()])? != 1 {
        return Ok(false);
    }
    exec(
        c,
        "INSERT INTO user_changes (username, changed_at) VALUES (?1, ?2)
         ON CONFLICT (username) DO UPDATE SET changed_at = excluded.changed_at",
        params![username, now],
    )?;
    Ok(true)
}

pub fn changed_since(c: &Connection, since: Timestamp) -> Result<Vec<UserChange>> {
    let mut stmt = c
        .prepare_cached("SELECT username, changed_at FROM user_changes WHERE changed_at >= ?1")
        .map_err(sql_error)?;
    let rows = stmt
        .query_map([since], |r| {
            Ok(UserChange {
                username: r.get(0)?,
                changed_at: r.get(1)?,
            })
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    Ok(rows)
}

/// Revokes the user's personal tokens that are neither revoked nor expired; their ids.
pub fn revoke_user_tokens(c: &Connection, username: &str, now: Timestamp) -> Result<Vec<String>> {
    let mut stmt = c
        .prepare_cached(
            "UPDATE scoped_tokens SET revoked_at = ?2
             WHERE owner = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
             RETURNING id",
        )
        .map_err(sql_error)?;
    let ids = stmt
        .query_map(params![username, now], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(sql_error)?;
    Ok(ids)
}
