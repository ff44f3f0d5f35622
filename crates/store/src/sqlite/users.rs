//! Users in SQLite: their records, login failures, and role changes (recorded for the
//! catch-up sync).

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tessera_core::audit::{new_uid, AuditEvent};
use tessera_core::store::{DeletedUser, NewUser, Unchanged, UserChange, UserQuery, UserStore};
use tessera_core::{Result, Role, Timestamp, User};

use super::helpers::{exec, exists};
use super::{audit, conflict_or_storage, sql_error, user_admin, SqliteStore};
use crate::rows::{UserRow, USER_COLUMNS};

pub(super) fn row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        username: r.get(0)?,
        fullname: r.get(1)?,
        password_hash: r.get(2)?,
        role: r.get(3)?,
        disabled: r.get(4)?,
        failed_logins: r.get(5)?,
        locked_until: r.get(6)?,
        created_at: r.get(7)?,
        security_stamp: r.get(8)?,
        must_change_password: r.get(9)?,
        last_login_at: r.get(10)?,
    })
}

pub fn create(c: &Connection, u: &NewUser) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO users (username, fullname, password_hash, role, created_at, uid,
                            must_change_password)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            u.username.as_str(),
            u.fullname,
            u.password_hash,
            u.role.as_str(),
            u.created_at,
            new_uid(),
            u.must_change_password
        ])
    })
    .map_err(|e| conflict_or_storage(e, &format!("user {} already exists", u.username)))?;
    Ok(())
}

pub fn get(c: &Connection, username: &str) -> Result<Option<User>> {
    c.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = ?1 AND deleted_at IS NULL"
    ))
    .and_then(|mut s| s.query_row([username], row).optional())
    .map_err(sql_error)?
    .map(UserRow::into_user)
    .transpose()
}

pub fn list(c: &Connection) -> Result<Vec<User>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE deleted_at IS NULL ORDER BY username"
        ))
        .map_err(sql_error)?;
    let rows = stmt
        .query_map([], row)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    rows.into_iter().map(UserRow::into_user).collect()
}

pub fn count(c: &Connection) -> Result<u64> {
    c.query_row(
        "SELECT COUNT(*) FROM users WHERE deleted_at IS NULL",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as u64)
    .map_err(sql_error)
}

pub fn set_password_hash(c: &Connection, username: &str, hash: &str) -> Result<bool> {
    Ok(exec(
        c,
        "UPDATE users SET password_hash = ?2, security_stamp = security_stamp + 1
         WHERE username = ?1",
        params![username, hash],
    )? == 1)
}

/// The rehash of a login: only over the hash that was checked, so never over a new password.
pub fn upgrade_password_hash(c: &Connection, username: &str, old: &str, new: &str) -> Result<bool> {
    Ok(exec(
        c,
        "UPDATE users SET password_hash = ?3 WHERE username = ?1 AND password_hash = ?2",
        params![username, old, new],
    )? == 1)
}

/// Fails with [`Unchanged::broken`] unless `requires` still holds (on the single writer, so
/// nothing changes between this check and the insert that follows it).
pub fn check_unchanged(c: &Connection, requires: Option<&Unchanged>) -> Result<()> {
    let Some(u) = requires else {
        return Ok(());
    };
    let user: Option<(i64, bool)> = c
        .prepare_cached("SELECT security_stamp, disabled FROM users WHERE username = ?1")
        .and_then(|mut s| {
            s.query_row([&u.username], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(sql_error)?;
    let session_live = match &u.session_id {
        Some(id) => exists(
            c,
            "SELECT 1 FROM sessions WHERE id = ?1 AND revoked_at IS NULL",
            id,
        )?,
        None => true,
    };
    if user != Some((u.stamp, false)) || !session_live {
        return Err(Unchanged::broken());
    }
    Ok(())
}

/// Disabling the last enabled admin is refused.
pub fn set_disabled(c: &Connection, username: &str, disabled: bool) -> Result<bool> {
    if disabled {
        user_admin::keep_an_admin(c, username)?;
    }
    Ok(exec(
        c,
        "UPDATE users SET disabled = ?2, security_stamp = security_stamp + 1 WHERE username = ?1",
        params![username, disabled],
    )? == 1)
}

/// Sets the role and records when; false if no user. Demoting the last enabled admin is
/// refused.
pub fn set_role(c: &Connection, username: &str, role: Role, now: Timestamp) -> Result<bool> {
    if role != Role::Admin {
        user_admin::keep_an_admin(c, username)?;
    }
    let sql = "UPDATE users SET role = ?2, security_stamp = security_stamp + 1 WHERE username = ?1";
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

/// A login's time, set in the login's own transaction.
pub fn record_login(c: &Connection, username: &str, at: Timestamp) -> Result<()> {
    exec(
        c,
        "UPDATE users SET last_login_at = ?2 WHERE username = ?1",
        params![username, at],
    )?;
    Ok(())
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

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user_audited(&self, user: &NewUser, audit: &[AuditEvent]) -> Result<()> {
        let (user, audit) = (user.clone(), audit.to_vec());
        self.writer
            .write(move |c| {
                create(c, &user)?;
                audit::insert_all(c, &audit)
            })
            .await
    }
    async fn create_users_audited(
        &self,
        users: &[(NewUser, bool)],
        audit: &[AuditEvent],
    ) -> Result<()> {
        let (users, audit) = (users.to_vec(), audit.to_vec());
        self.writer
            .write(move |c| {
                for (user, disabled) in &users {
                    create(c, user)?;
                    if *disabled {
                        let sql = "UPDATE users SET disabled = 1 WHERE username = ?1";
                        exec(c, sql, [user.username.as_str()])?;
                    }
                }
                audit::insert_all(c, &audit)
            })
            .await
    }
    async fn user(&self, username: &str) -> Result<Option<User>> {
        let username = username.to_string();
        self.readers.read(move |c| get(c, &username)).await
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        self.readers.read(list).await
    }
    async fn count_users(&self) -> Result<u64> {
        self.readers.read(count).await
    }
    async fn set_password_hash_audited(
        &self,
        username: &str,
        hash: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (username, hash, audit) = (username.to_string(), hash.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let done = set_password_hash(c, &username, &hash)?;
                audit::insert_if(c, done, &audit)?;
                Ok(done)
            })
            .await
    }
    async fn upgrade_password_hash(&self, username: &str, old: &str, new: &str) -> Result<bool> {
        let (u, old, new) = (username.to_string(), old.to_string(), new.to_string());
        self.writer
            .write(move |c| upgrade_password_hash(c, &u, &old, &new))
            .await
    }
    async fn set_disabled_audited(
        &self,
        username: &str,
        disabled: bool,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (username, audit) = (username.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let done = set_disabled(c, &username, disabled)?;
                audit::insert_if(c, done, &audit)?;
                Ok(done)
            })
            .await
    }
    async fn set_user_role_audited(
        &self,
        username: &str,
        role: Role,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (u, audit) = (username.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let done = set_role(c, &u, role, now)?;
                audit::insert_if(c, done, &audit)?;
                Ok(done)
            })
            .await
    }
    async fn users_changed_since(&self, since: Timestamp) -> Result<Vec<UserChange>> {
        self.readers.read(move |c| changed_since(c, since)).await
    }
    async fn list_users_page(&self, query: &UserQuery) -> Result<Vec<User>> {
        let query = query.clone();
        self.readers
            .read(move |c| user_admin::page(c, &query))
            .await
    }
    async fn set_fullname_audited(
        &self,
        username: &str,
        fullname: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (u, f, audit) = (username.to_string(), fullname.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let done = user_admin::set_fullname(c, &u, &f)?;
                audit::insert_if(c, done, &audit)?;
                Ok(done)
            })
            .await
    }
    async fn delete_user_audited(
        &self,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<DeletedUser>> {
        let (u, audit) = (username.to_string(), audit.to_vec());
        self.writer
            .write(move |c| user_admin::delete(c, &u, now, &audit))
            .await
    }
}
