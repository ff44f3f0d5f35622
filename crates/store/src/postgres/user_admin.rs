//! Managing users in PostgreSQL: the list a page at a time, the last-admin rule, deletion.
//!
//! Every transaction that may leave fewer enabled admins (disabling, demoting, deleting) first
//! takes one transaction-scoped advisory lock, so they run one after another; each then counts
//! the admins in a statement that begins after the previous one committed (READ COMMITTED).
//! Two admins demoting each other at once thus leave one.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{last_admin, tombstone_name, ApiKeyRevokeReason, DeletedUser, UserQuery};
use tessera_core::{Result, Timestamp, User};

use super::{apikey_revocation, audit, sql_error, users};
use crate::audit_sql::Param;
use crate::lockout_sql::pg;
use crate::user_sql as sql;

/// The advisory lock of changes that may leave fewer admins ("tessera" + 1, as a number).
const ADMIN_CHANGES: i64 = 0x7465_7373_6572_6101;

/// The role, disabled flag and uid of a user who is not deleted, its row locked.
async fn state(c: &mut PgConnection, username: &str) -> Result<Option<(String, bool, String)>> {
    sqlx::query_as(&format!("{} FOR UPDATE", pg(sql::STATE)))
        .bind(username)
        .fetch_optional(c)
        .await
        .map_err(sql_error)
}

/// `Error::LastAdmin` if `username` is the only enabled admin; call first in the transaction
/// of the change.
pub(super) async fn keep_an_admin(c: &mut PgConnection, username: &str) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(ADMIN_CHANGES)
        .execute(&mut *c)
        .await
        .map_err(sql_error)?;
    let Some((role, disabled, _)) = state(&mut *c, username).await? else {
        return Ok(());
    };
    if role != "admin" || disabled {
        return Ok(());
    }
    let others: i64 = sqlx::query_scalar(&pg(sql::OTHER_ADMINS))
        .bind(username)
        .fetch_one(&mut *c)
        .await
        .map_err(sql_error)?;
    if others == 0 {
        return Err(last_admin(username));
    }
    Ok(())
}

pub(super) async fn page(pool: &PgPool, q: &UserQuery) -> Result<Vec<User>> {
    let (query, params) = sql::page(q);
    let query = pg(&query);
    let mut select = sqlx::query(&query);
    for p in params {
        select = match p {
            Param::Text(t) => select.bind(t),
            Param::Int(i) => select.bind(i),
        };
    }
    let rows: Vec<PgRow> = select.fetch_all(pool).await.map_err(sql_error)?;
    rows.into_iter().map(users::user).collect()
}

pub(super) async fn set_fullname(
    pool: &PgPool,
    username: &str,
    fullname: &str,
    events: &[AuditEvent],
) -> Result<bool> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    let done = sqlx::query(&pg(sql::SET_FULLNAME))
        .bind(username)
        .bind(fullname)
        .execute(&mut *tx)
        .await
        .map_err(sql_error)?
        .rows_affected()
        == 1;
    audit::insert_if(&mut tx, done, events).await?;
    tx.commit().await.map_err(sql_error)?;
    Ok(done)
}

async fn run(c: &mut PgConnection, statement: &str, a: &str, b: &str) -> Result<()> {
    sqlx::query(&pg(statement))
        .bind(a)
        .bind(b)
        .execute(c)
        .await
        .map_err(sql_error)?;
    Ok(())
}

async fn ids(
    c: &mut PgConnection,
    statement: &str,
    username: &str,
    now: i64,
) -> Result<Vec<String>> {
    sqlx::query_scalar(&pg(statement))
        .bind(username)
        .bind(now)
        .fetch_all(c)
        .await
        .map_err(sql_error)
}

/// See `UserStore::delete_user_audited`. The user's row is locked `FOR UPDATE` first, so a
/// credential being stored for them (which holds it `FOR SHARE`) is committed before, and
/// ended here, or waits and finds no user. The audit events are written before the rename, so
/// that they hold the deleted user's uid.
pub(super) async fn delete(
    pool: &PgPool,
    username: &str,
    now: Timestamp,
    events: &[AuditEvent],
) -> Result<Option<DeletedUser>> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    let c: &mut PgConnection = &mut tx;
    keep_an_admin(&mut *c, username).await?;
    let Some((_, _, uid)) = state(&mut *c, username).await? else {
        return Ok(None);
    };
    let tombstone = tombstone_name(username, &uid);
    let sessions = ids(&mut *c, sql::REVOKE_SESSIONS, username, now).await?;
    let apikeys = apikey_revocation::revoke_where(
        &mut *c,
        "username",
        username,
        now,
        ApiKeyRevokeReason::UserDeleted,
    )
    .await?;
    let tokens = ids(&mut *c, sql::REVOKE_TOKENS, username, now).await?;
    audit::insert_all(&mut *c, events).await?;
    sqlx::query(&pg(sql::RECORD_CHANGE))
        .bind(username)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(sql_error)?;
    sqlx::query(&pg(sql::INSERT_TOMBSTONE))
        .bind(username)
        .bind(&tombstone)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(sql_error)?;
    for statement in sql::MOVE_TO_TOMBSTONE {
        run(&mut *c, statement, username, &tombstone).await?;
    }
    sqlx::query(&pg(sql::DELETE_ROW))
        .bind(username)
        .execute(&mut *c)
        .await
        .map_err(sql_error)?;
    run(&mut *c, sql::SET_UID, &tombstone, &uid).await?;
    tx.commit().await.map_err(sql_error)?;
    Ok(Some(DeletedUser {
        sessions,
        apikeys,
        tokens,
        tombstone,
    }))
}
