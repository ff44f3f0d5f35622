//! Statements on users alike on both backends (the list, the last-admin rule, deletion),
//! written with SQLite's `?N` parameters, which [`crate::lockout_sql::pg`] turns into
//! PostgreSQL's `$N`.

use tessera_core::store::UserQuery;

use crate::audit_sql::Param;
use crate::rows::USER_COLUMNS;

/// `?1` username: the role, disabled flag and uid of a user who is not deleted.
pub(crate) const STATE: &str =
    "SELECT role, disabled, uid FROM users WHERE username = ?1 AND deleted_at IS NULL";

/// `?1` username: how many enabled admins there are besides that user.
pub(crate) const OTHER_ADMINS: &str = "SELECT COUNT(*) FROM users
     WHERE role = 'admin' AND NOT disabled AND deleted_at IS NULL AND username <> ?1";

/// `?1` username, `?2` fullname.
pub(crate) const SET_FULLNAME: &str =
    "UPDATE users SET fullname = ?2 WHERE username = ?1 AND deleted_at IS NULL";

/// `?1` username, `?2` now: the user's live sessions end; their ids.
pub(crate) const REVOKE_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = ?2, revoke_reason = 'user_deleted'
     WHERE username = ?1 AND revoked_at IS NULL AND expires_at > ?2 RETURNING id";

/// `?1` username, `?2` now: the user's live personal tokens end; their ids.
pub(crate) const REVOKE_TOKENS: &str = "UPDATE scoped_tokens SET revoked_at = ?2
     WHERE owner = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
     RETURNING id";

/// `?1` username, `?2` now: a user change, which the revocation log records, so that every
/// instance forgets what it cached of the user.
pub(crate) const RECORD_CHANGE: &str =
    "INSERT INTO user_changes (username, changed_at) VALUES (?1, ?2)
     ON CONFLICT (username) DO UPDATE SET changed_at = excluded.changed_at";

/// `?1` username, `?2` tombstone, `?3` now: the deleted user's row under its tombstone name
/// (disabled, no password, a new stamp), with a uid of its own until the original row is gone.
pub(crate) const INSERT_TOMBSTONE: &str =
    "INSERT INTO users (username, fullname, password_hash, role, disabled, created_at, uid,
                        security_stamp, last_login_at, deleted_at)
     SELECT ?2, fullname, '', role, TRUE, created_at, 'deleting:' || uid, security_stamp + 1,
            last_login_at, ?3
     FROM users WHERE username = ?1";

/// `?1` username, `?2` tombstone: what stays tied to the deleted user moves to the tombstone.
/// (Maintainerships, familiar clients and the user change go with the original row.)
pub(crate) const MOVE_TO_TOMBSTONE: [&str; 4] = [
    "UPDATE sessions SET username = ?2 WHERE username = ?1",
    "UPDATE apikeys SET username = ?2 WHERE username = ?1",
    "UPDATE scoped_tokens SET owner = ?2 WHERE owner = ?1",
    "UPDATE scoped_tokens SET created_by = ?2 WHERE created_by = ?1",
];

/// `?1` username.
pub(crate) const DELETE_ROW: &str = "DELETE FROM users WHERE username = ?1";

/// `?1` tombstone, `?2` uid: the tombstone takes the deleted user's uid.
pub(crate) const SET_UID: &str = "UPDATE users SET uid = ?2 WHERE username = ?1";

/// The list query for `q` with its parameters, numbered `?1`… in order.
pub(crate) fn page(q: &UserQuery) -> (String, Vec<Param>) {
    let mut params = Vec::new();
    let mut conditions = vec!["deleted_at IS NULL".to_string()];
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("?{}", params.len())
    };
    if let Some(prefix) = &q.prefix {
        let n = next(Param::Text(like_prefix(prefix)), &mut params);
        conditions.push(format!(
            "(username LIKE {n} ESCAPE '\\' OR lower(fullname) LIKE {n} ESCAPE '\\')"
        ));
    }
    if let Some(role) = q.role {
        let n = next(Param::Text(role.as_str().into()), &mut params);
        conditions.push(format!("role = {n}"));
    }
    if let Some(disabled) = q.disabled {
        conditions.push(if disabled { "disabled" } else { "NOT disabled" }.into());
    }
    if let Some(after) = &q.after {
        let n = next(Param::Text(after.clone()), &mut params);
        conditions.push(format!("username > {n}"));
    }
    let limit = next(Param::Int(i64::from(q.limit)), &mut params);
    (
        format!(
            "SELECT {USER_COLUMNS} FROM users WHERE {} ORDER BY username LIMIT {limit}",
            conditions.join(" AND ")
        ),
        params,
    )
}

/// A `LIKE` pattern matching what starts with `prefix`, its wildcards taken literally.
fn like_prefix(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_a_prefix_are_literal() {
        assert_eq!(like_prefix("a_b%"), "a\\_b\\%%");
        assert_eq!(like_prefix(""), "%");
    }

    #[test]
    fn filters_become_numbered_parameters() {
        let (sql, params) = page(&UserQuery {
            prefix: Some("an".into()),
            role: Some(tessera_core::Role::Admin),
            disabled: Some(false),
            after: Some("anna".into()),
            limit: 3,
        });
        assert!(sql.contains("LIKE ?1"), "{sql}");
        assert!(
            sql.contains("role = ?2 AND NOT disabled AND username > ?3"),
            "{sql}"
        );
        assert!(sql.ends_with("LIMIT ?4"), "{sql}");
        assert_eq!(params.len(), 4);
    }
}
