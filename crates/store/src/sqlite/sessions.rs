//! Sessions and refresh tokens in SQLite.

use sqlx::{Row, SqliteConnection, SqlitePool};
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{NewSession, NextRefresh, RevokeReason, RevokedSession, Rotation};
use tessera_core::{Error, Result, Timestamp};

use crate::storage_error;

pub async fn create(
    pool: &SqlitePool,
    s: &NewSession,
    max_sessions: u32,
    policy: SessionLimitPolicy,
) -> Result<Vec<String>> {
    let mut tx = pool.begin().await.map_err(storage_error)?;
    let mut evicted = Vec::new();
    if max_sessions > 0 {
        let live: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM sessions WHERE username = ?1 AND revoked_at IS NULL AND expires_at > ?2
             ORDER BY created_at, rowid",
        )
        .bind(s.username.as_str())
        .bind(s.created_at)
        .fetch_all(&mut *tx)
        .await
        .map_err(storage_error)?;
        if live.len() >= max_sessions as usize {
            if policy == SessionLimitPolicy::Refuse {
                return Err(Error::SessionLimit);
            }
            let excess = live.len() + 1 - max_sessions as usize;
            for id in live.into_iter().take(excess) {
                revoke_in(&mut tx, &id, s.created_at, RevokeReason::SessionLimit).await?;
                evicted.push(id);
            }
        }
    }
    sqlx::query(
        "INSERT INTO sessions (id, username, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .bind(&s.id)
    .bind(s.username.as_str())
    .bind(s.created_at)
    .bind(s.refresh_expires_at)
    .execute(&mut *tx)
    .await
    .map_err(storage_error)?;
    sqlx::query("INSERT INTO refresh_tokens (hash, session_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(&s.refresh_hash)
        .bind(&s.id)
        .bind(s.created_at)
        .bind(s.refresh_expires_at)
        .execute(&mut *tx)
        .await
        .map_err(storage_error)?;
    tx.commit().await.map_err(storage_error)?;
    Ok(evicted)
}

async fn revoke_in(
    conn: &mut SqliteConnection,
    id: &str,
    now: Timestamp,
    reason: RevokeReason,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(reason.as_str())
    .execute(conn)
    .await
    .map_err(storage_error)?;
    Ok(done.rows_affected() == 1)
}

/// Marks the presented token used only if it is live and unused, and inserts its successor, in
/// one transaction on the single writer connection.
pub async fn rotate(
    pool: &SqlitePool,
    presented: &[u8],
    next: &NextRefresh,
    now: Timestamp,
) -> Result<Rotation> {
    let mut tx = pool.begin().await.map_err(storage_error)?;
    let claimed = sqlx::query(
        "UPDATE refresh_tokens SET used_at = ?2
         WHERE hash = ?1 AND used_at IS NULL AND expires_at > ?2
           AND session_id IN (SELECT id FROM sessions WHERE revoked_at IS NULL)
         RETURNING session_id",
    )
    .bind(presented)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(storage_error)?;
    if let Some(row) = claimed {
        let session_id: String = row.get(0);
        sqlx::query("INSERT INTO refresh_tokens (hash, session_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(&next.hash)
            .bind(&session_id)
            .bind(now)
            .bind(next.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(storage_error)?;
        let username: String = sqlx::query_scalar(
            "UPDATE sessions SET expires_at = ?2 WHERE id = ?1 RETURNING username",
        )
        .bind(&session_id)
        .bind(next.expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(storage_error)?;
        tx.commit().await.map_err(storage_error)?;
        return Ok(Rotation::Rotated {
            session_id,
            username,
        });
    }
    let found = sqlx::query(
        "SELECT r.session_id, r.used_at, r.expires_at, s.revoked_at, s.username
         FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.hash = ?1",
    )
    .bind(presented)
    .fetch_optional(&mut *tx)
    .await
    .map_err(storage_error)?;
    let Some(row) = found else {
        return Ok(Rotation::Unknown);
    };
    let session_id: String = row.get(0);
    let used_at: Option<i64> = row.get(1);
    let expires_at: i64 = row.get(2);
    let revoked_at: Option<i64> = row.get(3);
    let username: String = row.get(4);
    let outcome = if used_at.is_some() {
        revoke_in(&mut tx, &session_id, now, RevokeReason::RefreshReuse).await?;
        Rotation::Reused {
            session_id,
            username,
        }
    } else if revoked_at.is_some() {
        Rotation::Revoked
    } else if expires_at <= now {
        Rotation::Expired
    } else {
        Rotation::Unknown
    };
    tx.commit().await.map_err(storage_error)?;
    Ok(outcome)
}

pub async fn of_refresh(
    pool: &SqlitePool,
    hash: &[u8],
    now: Timestamp,
) -> Result<Option<(String, String)>> {
    let row = sqlx::query(
        "SELECT s.id, s.username FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
         WHERE r.hash = ?1 AND r.used_at IS NULL AND r.expires_at > ?2 AND s.revoked_at IS NULL",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(storage_error)?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

pub async fn revoke(
    pool: &SqlitePool,
    id: &str,
    now: Timestamp,
    reason: RevokeReason,
) -> Result<bool> {
    let mut conn = pool.acquire().await.map_err(storage_error)?;
    revoke_in(&mut conn, id, now, reason).await
}

pub async fn revoke_user(
    pool: &SqlitePool,
    username: &str,
    now: Timestamp,
    reason: RevokeReason,
) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3
         WHERE username = ?1 AND revoked_at IS NULL AND expires_at > ?2 RETURNING id",
    )
    .bind(username)
    .bind(now)
    .bind(reason.as_str())
    .fetch_all(pool)
    .await
    .map_err(storage_error)
}

pub async fn revoked_since(pool: &SqlitePool, since: Timestamp) -> Result<Vec<RevokedSession>> {
    let rows = sqlx::query("SELECT id, revoked_at FROM sessions WHERE revoked_at >= ?1")
        .bind(since)
        .fetch_all(pool)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .iter()
        .map(|r| RevokedSession {
            session_id: r.get(0),
            revoked_at: r.get(1),
        })
        .collect())
}

pub async fn is_revoked(pool: &SqlitePool, id: &str) -> Result<bool> {
    let revoked: Option<Option<i64>> =
        sqlx::query_scalar("SELECT revoked_at FROM sessions WHERE id = ?1")
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(storage_error)?;
    Ok(!matches!(revoked, Some(None)))
}

pub async fn purge(pool: &SqlitePool, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1 OR revoked_at < ?2")
        .bind(now)
        .bind(revoked_before)
        .execute(pool)
        .await
        .map_err(storage_error)?;
    Ok(done.rows_affected())
}
