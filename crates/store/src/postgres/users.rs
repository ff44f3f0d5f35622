//! Users in PostgreSQL.

use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use tessera_core::store::NewUser;
use tessera_core::{Error, Result, Role, Timestamp, User, Username};

use super::{conflict_or_storage, sql_error};

const COLUMNS: &str =
    "username, fullname, password_hash, role, disabled, failed_logins, locked_until, created_at";

fn user(row: PgRow) -> Result<User> {
    let get = Error::storage::<sqlx::Error>;
    let username: String = row.try_get(0).map_err(get)?;
    let role: String = row.try_get(3).map_err(get)?;
    let failed_logins: i32 = row.try_get(5).map_err(get)?;
    Ok(User {
        username: Username::parse(&username)
            .map_err(|_| Error::storage(format!("stored username {username:?} is invalid")))?,
        fullname: row.try_get(1).map_err(get)?,
        password_hash: row.try_get(2).map_err(get)?,
        role: Role::parse(&role).ok_or_else(|| Error::storage(format!("unknown role {role:?}")))?,
        disabled: row.try_get(4).map_err(get)?,
        failed_logins: failed_logins.max(0) as u32,
        locked_until: row.try_get(6).map_err(get)?,
        created_at: row.try_get(7).map_err(get)?,
    })
}

pub async fn create(pool: &PgPool, u: &NewUser) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (username, fullname, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(u.username.as_str())
    .bind(&u.fullname)
    .bind(&u.password_hash)
    .bind(u.role.as_str())
    .bind(u.created_at)
    .execute(pool)
    .await
    .map_err(|e| conflict_or_storage(e, &format!("user {} already exists", u.username)))?;
    Ok(())
}

pub async fn get(pool: &PgPool, username: &str) -> Result<Option<User>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
        .bind(username)
        .fetch_optional(pool)
        .await
        .map_err(sql_error)?
        .map(user)
        .transpose()
}

pub async fn list(pool: &PgPool) -> Result<Vec<User>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
        .fetch_all(pool)
        .await
        .map_err(sql_error)?
        .into_iter()
        .map(user)
        .collect()
}

pub async fn count(pool: &PgPool) -> Result<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await
        .map_err(sql_error)?;
    Ok(n as u64)
}

pub async fn set_password_hash(pool: &PgPool, username: &str, hash: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE username = $1")
        .bind(username)
        .bind(hash)
        .execute(pool)
        .await
        .map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_disabled(pool: &PgPool, username: &str, disabled: bool) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET disabled = $2 WHERE username = $1")
        .bind(username)
        .bind(disabled)
        .execute(pool)
        .await
        .map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}

/// One statement, so concurrent failures are all counted: each UPDATE waits for the row lock
/// and then computes from the latest version. A lock that has run out starts the count afresh.
/// Every SET expression sees the row as it was before this statement.
pub async fn record_failure(
    pool: &PgPool,
    username: &str,
    now: Timestamp,
    threshold: u32,
    lock_secs: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET
            failed_logins = CASE WHEN locked_until <= $2 THEN 1 ELSE failed_logins + 1 END,
            locked_until = CASE
                WHEN $3 > 0 AND (CASE WHEN locked_until <= $2 THEN 1 ELSE failed_logins + 1 END) >= $3
                    THEN $2 + $4
                WHEN locked_until <= $2 THEN NULL
                ELSE locked_until END
         WHERE username = $1",
    )
    .bind(username)
    .bind(now)
    .bind(i64::from(threshold))
    .bind(lock_secs)
    .execute(pool)
    .await
    .map_err(sql_error)?;
    Ok(())
}

pub async fn clear_failures(pool: &PgPool, username: &str) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = $1")
        .bind(username)
        .execute(pool)
        .await
        .map_err(sql_error)?;
    Ok(())
}
