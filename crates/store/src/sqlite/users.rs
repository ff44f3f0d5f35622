//! Users in SQLite.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use tessera_core::store::NewUser;
use tessera_core::{Error, Result, Role, Timestamp, User, Username};

use super::conflict_or_storage;
use crate::storage_error;

const COLUMNS: &str =
    "username, fullname, password_hash, role, disabled, failed_logins, locked_until, created_at";

fn from_row(row: &SqliteRow) -> Result<User> {
    let role: String = row.get("role");
    let username: String = row.get("username");
    Ok(User {
        username: Username::parse(&username)
            .map_err(|_| Error::Storage(format!("stored username {username:?} is invalid")))?,
        fullname: row.get("fullname"),
        password_hash: row.get("password_hash"),
        role: Role::parse(&role).ok_or_else(|| Error::Storage(format!("unknown role {role:?}")))?,
        disabled: row.get::<i64, _>("disabled") != 0,
        failed_logins: row.get::<i64, _>("failed_logins").max(0) as u32,
        locked_until: row.get("locked_until"),
        created_at: row.get("created_at"),
    })
}

pub async fn create(pool: &SqlitePool, user: &NewUser) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (username, fullname, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(user.username.as_str())
    .bind(&user.fullname)
    .bind(&user.password_hash)
    .bind(user.role.as_str())
    .bind(user.created_at)
    .execute(pool)
    .await
    .map_err(|e| conflict_or_storage(e, &format!("user {} already exists", user.username)))?;
    Ok(())
}

pub async fn get(pool: &SqlitePool, username: &str) -> Result<Option<User>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = ?1"))
        .bind(username)
        .fetch_optional(pool)
        .await
        .map_err(storage_error)?
        .map(|row| from_row(&row))
        .transpose()
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<User>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
        .fetch_all(pool)
        .await
        .map_err(storage_error)?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn count(pool: &SqlitePool) -> Result<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await
        .map_err(storage_error)?;
    Ok(n as u64)
}

pub async fn set_password_hash(pool: &SqlitePool, username: &str, hash: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = ?2 WHERE username = ?1")
        .bind(username)
        .bind(hash)
        .execute(pool)
        .await
        .map_err(storage_error)?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_disabled(pool: &SqlitePool, username: &str, disabled: bool) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET disabled = ?2 WHERE username = ?1")
        .bind(username)
        .bind(disabled as i64)
        .execute(pool)
        .await
        .map_err(storage_error)?;
    Ok(done.rows_affected() == 1)
}

/// One statement, so concurrent failures are all counted. A lock that has run out starts the
/// count afresh.
pub async fn record_failure(
    pool: &SqlitePool,
    username: &str,
    now: Timestamp,
    threshold: u32,
    lock_secs: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET
            failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1 ELSE failed_logins + 1 END,
            locked_until = CASE
                WHEN ?3 > 0 AND (CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1 ELSE failed_logins + 1 END) >= ?3
                    THEN ?2 + ?4
                WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN NULL
                ELSE locked_until END
         WHERE username = ?1",
    )
    .bind(username)
    .bind(now)
    .bind(threshold as i64)
    .bind(lock_secs)
    .execute(pool)
    .await
    .map_err(storage_error)?;
    Ok(())
}

pub async fn clear_failures(pool: &SqlitePool, username: &str) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?1")
        .bind(username)
        .execute(pool)
        .await
        .map_err(storage_error)?;
    Ok(())
}
