//! Users in PostgreSQL: their records, login failures, and role changes (recorded for the
//! catch-up sync).

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, PgPool, Row};
use tessera_core::audit::{new_uid, AuditEvent};
use tessera_core::store::{DeletedUser, NewUser, Unchanged, UserChange, UserQuery, UserStore};
use tessera_core::{Error, Result, Role, Timestamp, User};

use super::{audit, conflict_or_storage, sql_error, user_admin, PostgresStore};
use crate::rows::{UserRow, USER_COLUMNS};

pub(super) fn user(row: PgRow) -> Result<User> {
    let get = Error::storage::<sqlx::Error>;
    UserRow {
        username: row.try_get(0).map_err(get)?,
        fullname: row.try_get(1).map_err(get)?,
        password_hash: row.try_get(2).map_err(get)?,
        role: row.try_get(3).map_err(get)?,
        disabled: row.try_get(4).map_err(get)?,
        failed_logins: row.try_get::<i32, _>(5).map_err(get)?.into(),
        locked_until: row.try_get(6).map_err(get)?,
        created_at: row.try_get(7).map_err(get)?,
        security_stamp: row.try_get(8).map_err(get)?,
        must_change_password: row.try_get(9).map_err(get)?,
        last_login_at: row.try_get(10).map_err(get)?,
    }
    .into_user()
}

pub async fn create(c: impl PgExecutor<'_>, u: &NewUser) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (username, fullname, password_hash, role, created_at, uid,
                            must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(u.username.as_str())
    .bind(&u.fullname)
    .bind(&u.password_hash)
    .bind(u.role.as_str())
    .bind(u.created_at)
    .bind(new_uid())
    .bind(u.must_change_password)
    .execute(c)
    .await
    .map_err(|e| conflict_or_storage(e, &format!("user {} already exists", u.username)))?;
    Ok(())
}

pub async fn get(pool: &PgPool, username: &str) -> Result<Option<User>> {
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = $1 AND deleted_at IS NULL"
    ))
    .bind(username)
    .fetch_optional(pool)
    .await
    .map_err(sql_error)?
    .map(user)
    .transpose()
}

pub async fn list(pool: &PgPool) -> Result<Vec<User>> {
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE deleted_at IS NULL ORDER BY username"
    ))
    .fetch_all(pool)
    .await
    .map_err(sql_error)?
    .into_iter()
    .map(user)
    .collect()
}

pub async fn count(pool: &PgPool) -> Result<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE deleted_at IS NULL")
        .fetch_one(pool)
        .await
        .map_err(sql_error)?;
    Ok(n as u64)
}

pub async fn set_password_hash(c: impl PgExecutor<'_>, username: &str, hash: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $2, security_stamp = security_stamp + 1
         WHERE username = $1",
    )
    .bind(username)
    .bind(hash)
    .execute(c)
    .await
    .map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}

/// The rehash of a login: only over the hash that was checked, so never over a new password.
pub async fn upgrade_password_hash(
    pool: &PgPool,
    username: &str,
    old: &str,
    new: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $3 WHERE username = $1 AND password_hash = $2",
    )
    .bind(username)
    .bind(old)
    .bind(new)
    .execute(pool)
    .await
    .map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}

/// Fails with [`Unchanged::broken`] unless `requires` still holds. Called first in the
/// transaction that stores the credential: it holds the user row (and the session's) `FOR
/// SHARE` until that commits, so a change of the user, or the end of the session, waits for
/// the credential and then ends it too.
pub async fn check_unchanged(c: &mut PgConnection, u: &Unchanged) -> Result<()> {
    let user: Option<(i64, bool)> =
        sqlx::query_as("SELECT security_stamp, disabled FROM users WHERE username = $1 FOR SHARE")
            .bind(&u.username)
            .fetch_optional(&mut *c)
            .await
            .map_err(sql_error)?;
    let session_live = match &u.session_id {
        Some(id) => sqlx::query_scalar::<_, i32>(
            "SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NULL FOR SHARE",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(sql_error)?
        .is_some(),
        None => true,
    };
    if user != Some((u.stamp, false)) || !session_live {
        return Err(Unchanged::broken());
    }
    Ok(())
}

pub async fn set_disabled(c: impl PgExecutor<'_>, username: &str, disabled: bool) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET disabled = $2, security_stamp = security_stamp + 1 WHERE username = $1",
    )
    .bind(username)
    .bind(disabled)
    .execute(c)
    .await
    .map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}

/// One statement: the change is recorded only when the user exists; false if not.
pub async fn set_role(
    c: impl PgExecutor<'_>,
    username: &str,
    role: Role,
    now: Timestamp,
) -> Result<bool> {
    let changed: Option<String> = sqlx::query_scalar(
        "WITH u AS (UPDATE users SET role = $2, security_stamp = security_stamp + 1
                    WHERE username = $1 RETURNING username)
         INSERT INTO user_changes (username, changed_at) SELECT username, $3 FROM u
         ON CONFLICT (username) DO UPDATE SET changed_at = EXCLUDED.changed_at
         RETURNING username",
    )
    .bind(username)
    .bind(role.as_str())
    .bind(now)
    .fetch_optional(c)
    .await
    .map_err(sql_error)?;
    Ok(changed.is_some())
}

/// A login's time, set in the login's own transaction; it also locks the user's row, as the
/// session limit needs.
pub async fn record_login(c: impl PgExecutor<'_>, username: &str, at: Timestamp) -> Result<()> {
    sqlx::query("UPDATE users SET last_login_at = $2 WHERE username = $1")
        .bind(username)
        .bind(at)
        .execute(c)
        .await
        .map_err(sql_error)?;
    Ok(())
}

pub async fn changed_since(pool: &PgPool, since: Timestamp) -> Result<Vec<UserChange>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT username, changed_at FROM user_changes WHERE changed_at >= $1")
            .bind(since)
            .fetch_all(pool)
            .await
            .map_err(sql_error)?;
    Ok(rows
        .into_iter()
        .map(|(username, changed_at)| UserChange {
            username,
            changed_at,
        })
        .collect())
}

#[async_trait]
impl UserStore for PostgresStore {
    async fn create_user_audited(&self, user: &NewUser, audit: &[AuditEvent]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        create(&mut *tx, user).await?;
        audit::insert_all(&mut tx, audit).await?;
        tx.commit().await.map_err(sql_error)
    }
    async fn create_users_audited(
        &self,
        users: &[(NewUser, bool)],
        audit: &[AuditEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        for (user, disabled) in users {
            create(&mut *tx, user).await?;
            if *disabled {
                sqlx::query("UPDATE users SET disabled = TRUE WHERE username = $1")
                    .bind(user.username.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(sql_error)?;
            }
        }
        audit::insert_all(&mut tx, audit).await?;
        tx.commit().await.map_err(sql_error)
    }
    async fn user(&self, username: &str) -> Result<Option<User>> {
        get(&self.pool, username).await
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        list(&self.pool).await
    }
    async fn count_users(&self) -> Result<u64> {
        count(&self.pool).await
    }
    async fn set_password_hash_audited(
        &self,
        username: &str,
        hash: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let done = set_password_hash(&mut *tx, username, hash).await?;
        audit::insert_if(&mut tx, done, audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(done)
    }
    async fn upgrade_password_hash(&self, username: &str, old: &str, new: &str) -> Result<bool> {
        upgrade_password_hash(&self.pool, username, old, new).await
    }
    async fn set_disabled_audited(
        &self,
        username: &str,
        disabled: bool,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        if disabled {
            user_admin::keep_an_admin(&mut tx, username).await?;
        }
        let done = set_disabled(&mut *tx, username, disabled).await?;
        audit::insert_if(&mut tx, done, audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(done)
    }
    async fn set_user_role_audited(
        &self,
        username: &str,
        role: Role,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        if role != Role::Admin {
            user_admin::keep_an_admin(&mut tx, username).await?;
        }
        let done = set_role(&mut *tx, username, role, now).await?;
        audit::insert_if(&mut tx, done, audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(done)
    }
    async fn users_changed_since(&self, since: Timestamp) -> Result<Vec<UserChange>> {
        changed_since(&self.pool, since).await
    }
    async fn list_users_page(&self, query: &UserQuery) -> Result<Vec<User>> {
        user_admin::page(&self.pool, query).await
    }
    async fn set_fullname_audited(
        &self,
        username: &str,
        fullname: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        user_admin::set_fullname(&self.pool, username, fullname, audit).await
    }
    async fn delete_user_audited(
        &self,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<DeletedUser>> {
        user_admin::delete(&self.pool, username, now, audit).await
    }
}
