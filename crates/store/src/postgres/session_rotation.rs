//! Rotating session refresh tokens in PostgreSQL.

use sqlx::{PgPool, Row};
use tessera_core::store::{NextRefresh, RevokeReason, Rotation, Unclaimed};
use tessera_core::{Result, Timestamp};

use super::{audit, sessions, sql_error};

/// A presented token that could not be claimed: session id, used at, expires at, session
/// revoked at, username, session created at.
type Found = (String, Option<i64>, i64, Option<i64>, String, i64);

/// Claims the presented token only if it is live and unused (in a session younger than its
/// absolute lifetime), stores its successor and extends the session (to the successor's expiry,
/// capped by that lifetime), in one statement. A concurrent claim of the same token waits for
/// the row lock, then re-checks `used_at IS NULL` on the committed row and claims nothing; it
/// then sees the committed successor, so a retry within the grace finds it.
pub async fn rotate(
    pool: &PgPool,
    presented: &[u8],
    next: &NextRefresh,
    now: Timestamp,
) -> Result<Rotation> {
    let claimed = sqlx::query(
        "WITH claimed AS (
            UPDATE refresh_tokens SET used_at = $2
            WHERE hash = $1 AND used_at IS NULL AND expires_at > $2
              AND EXISTS (SELECT 1 FROM sessions s
                          WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL
                            AND s.created_at + $5 > $2)
            RETURNING session_id
         ), extended AS (
            UPDATE sessions SET expires_at = LEAST($4, sessions.created_at + $5)
            FROM claimed WHERE sessions.id = claimed.session_id
            RETURNING sessions.id, sessions.username, sessions.expires_at
         ), successor AS (
            INSERT INTO refresh_tokens (hash, session_id, issued_at, expires_at, ip, user_agent)
            SELECT $3, id, $2, expires_at, $6, $7 FROM extended
         )
         SELECT id, username FROM extended",
    )
    .bind(presented)
    .bind(now)
    .bind(&next.hash)
    .bind(next.expires_at)
    .bind(next.session_ttl)
    .bind(&next.client.ip)
    .bind(&next.client.user_agent)
    .fetch_optional(pool)
    .await
    .map_err(sql_error)?;
    if let Some(row) = claimed {
        return Ok(Rotation::Rotated {
            session_id: row.try_get(0).map_err(sql_error)?,
            username: row.try_get(1).map_err(sql_error)?,
        });
    }
    let found: Option<Found> = sqlx::query_as(
        "SELECT r.session_id, r.used_at, r.expires_at, s.revoked_at, s.username, s.created_at
         FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.hash = $1",
    )
    .bind(presented)
    .fetch_optional(pool)
    .await
    .map_err(sql_error)?;
    let Some((session_id, used_at, expires_at, revoked_at, username, created_at)) = found else {
        return Ok(Rotation::Unknown);
    };
    let found = Unclaimed {
        session_id,
        username,
        used_at,
        session_revoked: revoked_at.is_some(),
        session_created_at: created_at,
        expires_at,
    };
    // Read after the presented token was seen used, so its successor, committed with that
    // use, is visible. Using the successor concurrently is a race the retry may win: it is
    // then as if it had come just before.
    let successor: Option<i64> = if found.may_be_retry(next, now) {
        sqlx::query_scalar(
            "SELECT issued_at FROM refresh_tokens
             WHERE hash = $1 AND session_id = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(&next.hash)
        .bind(&found.session_id)
        .bind(now)
        .fetch_optional(pool)
        .await
        .map_err(sql_error)?
    } else {
        None
    };
    let outcome = found.outcome(next, successor, now);
    if let Rotation::Reused {
        session_id,
        username,
    } = &outcome
    {
        let mut tx = pool.begin().await.map_err(sql_error)?;
        sessions::revoke(&mut *tx, session_id, now, RevokeReason::RefreshReuse).await?;
        if let Some(event) = &next.on_reuse {
            let event = event.clone().of_session(username, session_id);
            audit::insert_all(&mut tx, &[event]).await?;
        }
        tx.commit().await.map_err(sql_error)?;
    }
    Ok(outcome)
}
