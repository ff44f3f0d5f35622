//! What changes a user's tokens in PostgreSQL: role changes (recorded for the catch-up sync)
//! and the revocation of a user's personal tokens.

use sqlx::PgPool;
use tessera_core::token_store::UserChange;
use tessera_core::{Result, Role, Timestamp};

use super::sql_error;

/// One statement: the change is recorded only when the user exists; false if not.
pub async fn set_role(pool: &PgPool, username: &str, role: Role, now: Timestamp) -> Result<bool> {
    let changed: Option<String> = sqlx::query_scalar(
        "WITH u AS (UPDATE users SET role = $2 WHERE username = $1 RETURNING username)
         INSERT INTO user_changes (username, changed_at) SELECT username, $3 FROM u
         ON CONFLICT (username) DO UPDATE SET changed_at = EXCLUDED.changed_at
         RETURNING username",
    )
    .bind(username)
    .bind(role.as_str())
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(sql_error)?;
    Ok(changed.is_some())
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

/// Revokes the user's personal tokens that are neither revoked nor expired; their ids.
pub async fn revoke_user_tokens(
    pool: &PgPool,
    username: &str,
    now: Timestamp,
) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE scoped_tokens SET revoked_at = $2
         WHERE owner = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
         RETURNING id",
    )
    .bind(username)
    .bind(now)
    .fetch_all(pool)
    .await
    .map_err(sql_error)
}
