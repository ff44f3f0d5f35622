//! Managing users in SQLite: the list a page at a time, the last-admin rule, deletion. Each
//! runs on the single writer (or a reader), so what it checks holds until it commits.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, ToSql};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{last_admin, tombstone_name, ApiKeyRevokeReason, DeletedUser, UserQuery};
use tessera_core::{Result, Timestamp, User};

use super::helpers::{exec, strings};
use super::{apikey_revocation, audit, sql_error, users};
use crate::audit_sql::Param;
use crate::rows::UserRow;
use crate::user_sql as sql;

/// The role, disabled flag and uid of a user who is not deleted.
fn state(c: &Connection, username: &str) -> Result<Option<(String, bool, String)>> {
    c.prepare_cached(sql::STATE)
        .and_then(|mut s| {
            s.query_row([username], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
        })
        .map_err(sql_error)
}

/// `Error::LastAdmin` if `username` is the only enabled admin.
pub(super) fn keep_an_admin(c: &Connection, username: &str) -> Result<()> {
    let Some((role, disabled, _)) = state(c, username)? else {
        return Ok(());
    };
    if role != "admin" || disabled {
        return Ok(());
    }
    let others: i64 = c
        .query_row(sql::OTHER_ADMINS, [username], |r| r.get(0))
        .map_err(sql_error)?;
    if others == 0 {
        return Err(last_admin(username));
    }
    Ok(())
}

pub(super) fn page(c: &Connection, q: &UserQuery) -> Result<Vec<User>> {
    let (query, params) = sql::page(q);
    let params: Vec<&dyn ToSql> = params
        .iter()
        .map(|p| match p {
            Param::Text(t) => t as &dyn ToSql,
            Param::Int(i) => i as &dyn ToSql,
        })
        .collect();
    let mut stmt = c.prepare_cached(&query).map_err(sql_error)?;
    let rows = stmt
        .query_map(params_from_iter(params), users::row)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    rows.into_iter().map(UserRow::into_user).collect()
}

pub(super) fn set_fullname(c: &Connection, username: &str, fullname: &str) -> Result<bool> {
    Ok(exec(c, sql::SET_FULLNAME, params![username, fullname])? == 1)
}

/// See `UserStore::delete_user_audited`. The audit events are written before the rename, so
/// that they hold the deleted user's uid.
pub(super) fn delete(
    c: &Connection,
    username: &str,
    now: Timestamp,
    events: &[AuditEvent],
) -> Result<Option<DeletedUser>> {
    let Some((_, _, uid)) = state(c, username)? else {
        return Ok(None);
    };
    keep_an_admin(c, username)?;
    let tombstone = tombstone_name(username, &uid);
    let sessions = strings(c, sql::REVOKE_SESSIONS, params![username, now])?;
    let apikeys =
        apikey_revocation::revoke_user(c, username, now, ApiKeyRevokeReason::UserDeleted)?;
    let tokens = strings(c, sql::REVOKE_TOKENS, params![username, now])?;
    audit::insert_all(c, events)?;
    exec(c, sql::RECORD_CHANGE, params![username, now])?;
    exec(c, sql::INSERT_TOMBSTONE, params![username, tombstone, now])?;
    for statement in sql::MOVE_TO_TOMBSTONE {
        exec(c, statement, params![username, tombstone])?;
    }
    exec(c, sql::DELETE_ROW, [username])?;
    exec(c, sql::SET_UID, params![tombstone, uid])?;
    Ok(Some(DeletedUser {
        sessions,
        apikeys,
        tokens,
        tombstone,
    }))
}
