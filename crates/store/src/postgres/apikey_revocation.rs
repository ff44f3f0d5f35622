//! Revoking API keys in PostgreSQL. Each revocation first locks its user's row `FOR UPDATE`,
//! and a rotation holds that row `FOR SHARE` from before its claim until its successor is
//! committed: a revocation thus waits for a rotation in progress and then sees its successor,
//! or the rotation waits and finds its key revoked. (Without the lock, a revocation that waited
//! on the claimed row would re-check only that row and miss the successor inserted after its
//! snapshot.)

use sqlx::{PgConnection, PgPool};
use tessera_core::audit::AuditEvent;
use tessera_core::store::ApiKeyRevokeReason;
use tessera_core::{Result, Timestamp};

use super::apikeys::LIVE;
use super::sql_error;

async fn lock_user(c: &mut PgConnection, username: &str) -> Result<()> {
    sqlx::query("SELECT 1 FROM users WHERE username = $1 FOR UPDATE")
        .bind(username)
        .execute(c)
        .await
        .map_err(sql_error)?;
    Ok(())
}

pub(super) async fn revoke_where(
    c: &mut PgConnection,
    column: &str,
    value: &str,
    now: Timestamp,
    reason: ApiKeyRevokeReason,
) -> Result<Vec<String>> {
    sqlx::query_scalar(&format!(
        "UPDATE apikeys SET revoked_at = $2, revoke_reason = $3
         WHERE {column} = $1 AND {LIVE} RETURNING id"
    ))
    .bind(value)
    .bind(now)
    .bind(reason.as_str())
    .fetch_all(c)
    .await
    .map_err(sql_error)
}

/// Every live key of `username`.
pub(super) async fn revoke_user(
    pool: &PgPool,
    username: &str,
    now: Timestamp,
    reason: ApiKeyRevokeReason,
    audit: Option<AuditEvent>,
) -> Result<Vec<String>> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    lock_user(&mut tx, username).await?;
    let ids = revoke_where(&mut tx, "username", username, now, reason).await?;
    if let (Some(event), false) = (audit, ids.is_empty()) {
        super::audit::insert_all(&mut tx, &[event.detail("all", ids.len())]).await?;
    }
    tx.commit().await.map_err(sql_error)?;
    Ok(ids)
}

/// Every live key of the chain key `id` belongs to.
pub(super) async fn revoke_chain(
    pool: &PgPool,
    id: &str,
    now: Timestamp,
    reason: ApiKeyRevokeReason,
    audit: &[AuditEvent],
) -> Result<Vec<String>> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT username, chain_id FROM apikeys WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(sql_error)?;
    let Some((username, chain_id)) = found else {
        return Ok(Vec::new());
    };
    lock_user(&mut tx, &username).await?;
    let ids = revoke_where(&mut tx, "chain_id", &chain_id, now, reason).await?;
    super::audit::insert_if(&mut tx, !ids.is_empty(), audit).await?;
    tx.commit().await.map_err(sql_error)?;
    Ok(ids)
}

/// On reuse of a spent refresh token of `username`'s chain `chain_id`: revokes every unrevoked
/// key of the chain. The user row's lock waits for every rotation in flight (each holds it
/// `FOR SHARE` until its successor is committed), so the revocation sees their successors, and
/// a rotation starting later finds its key revoked. `on_reuse` is recorded in the same
/// transaction.
pub(super) async fn revoke_unrevoked_chain(
    pool: &PgPool,
    username: &str,
    chain_id: &str,
    now: Timestamp,
    reason: ApiKeyRevokeReason,
    on_reuse: Option<&AuditEvent>,
) -> Result<Vec<String>> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    lock_user(&mut tx, username).await?;
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE apikeys SET revoked_at = $2, revoke_reason = $3
         WHERE chain_id = $1 AND revoked_at IS NULL RETURNING id",
    )
    .bind(chain_id)
    .bind(now)
    .bind(reason.as_str())
    .fetch_all(&mut *tx)
    .await
    .map_err(sql_error)?;
    if let Some(event) = on_reuse {
        let event = event.clone().user(username).detail("revoked", ids.clone());
        super::audit::insert_all(&mut tx, &[event]).await?;
    }
    tx.commit().await.map_err(sql_error)?;
    Ok(ids)
}

/// Deletes keys whose key and refresh token both expired, and keys revoked (but not by a
/// refresh) before `revoked_before`.
pub(super) async fn purge(pool: &PgPool, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM apikeys
         WHERE (expires_at <= $1 AND refresh_expires_at <= $1)
            OR (revoked_at < $2 AND refreshed_at IS NULL)",
    )
    .bind(now)
    .bind(revoked_before)
    .execute(pool)
    .await
    .map_err(sql_error)?;
    Ok(done.rows_affected())
}
