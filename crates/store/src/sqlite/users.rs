//! Users in SQLite.

use rusqlite::{params, Connection, OptionalExtension, Row};
use tessera_core::store::NewUser;
use tessera_core::{Error, Result, Role, Timestamp, User, Username};

use super::{conflict_or_storage, sql_error};

const COLUMNS: &str =
    "username, fullname, password_hash, role, disabled, failed_logins, locked_until, created_at";

struct Raw {
    username: String,
    fullname: String,
    password_hash: String,
    role: String,
    disabled: bool,
    failed_logins: i64,
    locked_until: Option<i64>,
    created_at: i64,
}

fn raw(row: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        username: row.get(0)?,
        fullname: row.get(1)?,
        password_hash: row.get(2)?,
        role: row.get(3)?,
        disabled: row.get(4)?,
        failed_logins: row.get(5)?,
        locked_until: row.get(6)?,
        created_at: row.get(7)?,
    })
}

fn user(r: Raw) -> Result<User> {
    Ok(User {
        username: Username::parse(&r.username)
            .map_err(|_| Error::storage(format!("stored username {:?} is invalid", r.username)))?,
        fullname: r.fullname,
        password_hash: r.password_hash,
        role: Role::parse(&r.role)
            .ok_or_else(|| Error::storage(format!("unknown role {:?}", r.role)))?,
        disabled: r.disabled,
        failed_logins: r.failed_logins.clamp(0, u32::MAX as i64) as u32,
        locked_until: r.locked_until,
        created_at: r.created_at,
    })
}

pub fn create(c: &Connection, u: &NewUser) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO users (username, fullname, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![u.username.as_str(), u.fullname, u.password_hash, u.role.as_str(), u.created_at])
    })
    .map_err(|e| conflict_or_storage(e, &format!("user {} already exists", u.username)))?;
    Ok(())
}

pub fn get(c: &Connection, username: &str) -> Result<Option<User>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE username = ?1"))
        .and_then(|mut s| s.query_row([username], raw).optional())
        .map_err(sql_error)?
        .map(user)
        .transpose()
}

pub fn list(c: &Connection) -> Result<Vec<User>> {
    let mut stmt = c
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
        .map_err(sql_error)?;
    let rows = stmt
        .query_map([], raw)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    rows.into_iter().map(user).collect()
}

pub fn count(c: &Connection) -> Result<u64> {
    c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
        .map_err(sql_error)
}

fn update(c: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(sql_error)
}

pub fn set_password_hash(c: &Connection, username: &str, hash: &str) -> Result<bool> {
    Ok(update(
        c,
        "UPDATE users SET password_hash = ?2 WHERE username = ?1",
        params![username, hash],
    )? == 1)
}

pub fn set_disabled(c: &Connection, username: &str, disabled: bool) -> Result<bool> {
    Ok(update(
        c,
        "UPDATE users SET disabled = ?2 WHERE username = ?1",
        params![username, disabled],
    )? == 1)
}

/// One statement, so concurrent failures are all counted. A lock that has run out starts the
/// count afresh. (SQLite evaluates every SET expression on the row as it was.)
pub fn record_failure(
    c: &Connection,
    username: &str,
    now: Timestamp,
    threshold: u32,
    lock_secs: i64,
) -> Result<()> {
    update(
        c,
        "UPDATE users SET
            failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1 ELSE failed_logins + 1 END,
            locked_until = CASE
                WHEN ?3 > 0 AND (CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1 ELSE failed_logins + 1 END) >= ?3
                    THEN ?2 + ?4
                WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN NULL
                ELSE locked_until END
         WHERE username = ?1",
        params![username, now, threshold, lock_secs],
    )?;
    Ok(())
}

pub fn clear_failures(c: &Connection, username: &str) -> Result<()> {
    update(
        c,
        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?1",
        [username],
    )?;
    Ok(())
}
