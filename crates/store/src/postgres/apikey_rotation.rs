//! Rotating API-key refresh tokens in PostgreSQL: one READ COMMITTED transaction. It first
//! holds its user's row `FOR SHARE` (refusing a disabled user), so that a revocation of the
//! user's keys or of the chain (which locks that row `FOR UPDATE` first, see
//! `apikey_revocation`) runs wholly before or wholly after it. Its claim of the presented token
//! takes the key's row lock, so a concurrent claim (on any instance) waits, re-checks
//! `refreshed_at IS NULL` on the committed row and claims nothing. Reuse of a spent token
//! cannot revoke the chain here: a successor a concurrent rotation has inserted but not yet
//! committed would be invisible to it. It ends this transaction and revokes the chain in one
//! that locks the user row `FOR UPDATE`, after every rotation in flight.

use sqlx::PgPool;
use tessera_core::store::{
    ApiKeyRevokeReason, ApiKeyRotation, ApiKeyUnclaimed, NextApiKey, UnclaimedOutcome,
};
use tessera_core::{Result, Timestamp};

use super::apikey_revocation;
use super::apikeys::{insert, record};
use super::sql_error;
use crate::rows::{apikey_owner_refusal as refusal, APIKEY_COLUMNS};

/// A presented token that could not be claimed: chain, user, refreshed at, revoked at,
/// refresh not before, refresh expires at.
type Found = (String, String, Option<i64>, Option<i64>, i64, i64);

pub(super) async fn rotate(
    pool: &PgPool,
    presented: &[u8],
    next: &NextApiKey,
    now: Timestamp,
) -> Result<ApiKeyRotation> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    let owner: Option<String> =
        sqlx::query_scalar("SELECT username FROM apikeys WHERE refresh_hash = $1")
            .bind(presented)
            .fetch_optional(&mut *tx)
            .await
            .map_err(sql_error)?;
    let Some(owner) = owner else {
        return Ok(ApiKeyRotation::Unknown);
    };
    // Held until the successor is committed; revocations lock the row FOR UPDATE first.
    let user: Option<(bool, String)> =
        sqlx::query_as("SELECT disabled, role FROM users WHERE username = $1 FOR SHARE")
            .bind(&owner)
            .fetch_optional(&mut *tx)
            .await
            .map_err(sql_error)?;
    let (disabled, role) = user.map_or((true, None), |(d, r)| (d, Some(r)));
    if let Some(refused) = refusal(disabled, role.as_deref()) {
        return Ok(refused);
    }
    let claimed = sqlx::query(&format!(
        "UPDATE apikeys SET refreshed_at = $2, revoked_at = $2, revoke_reason = $3
         WHERE refresh_hash = $1 AND refreshed_at IS NULL AND revoked_at IS NULL
           AND refresh_expires_at > $2 AND refresh_not_before <= $2
         RETURNING {APIKEY_COLUMNS}"
    ))
    .bind(presented)
    .bind(now)
    .bind(ApiKeyRevokeReason::Refreshed.as_str())
    .fetch_optional(&mut *tx)
    .await
    .map_err(sql_error)?;
    let outcome = if let Some(row) = claimed {
        let old = record(&row)?;
        let key = Box::new(old.successor(next, now));
        insert(&mut *tx, &key).await?;
        ApiKeyRotation::Rotated {
            previous: old.id,
            key,
        }
    } else {
        let found: Option<Found> = sqlx::query_as(
            "SELECT chain_id, username, refreshed_at, revoked_at, refresh_not_before,
                    refresh_expires_at
             FROM apikeys WHERE refresh_hash = $1",
        )
        .bind(presented)
        .fetch_optional(&mut *tx)
        .await
        .map_err(sql_error)?;
        let Some((chain_id, username, refreshed, revoked, nbf, exp)) = found else {
            return Ok(ApiKeyRotation::Unknown);
        };
        let unclaimed = ApiKeyUnclaimed {
            chain_id,
            username,
            refreshed: refreshed.is_some(),
            revoked: revoked.is_some(),
            refresh_not_before: nbf,
            refresh_expires_at: exp,
        };
        match unclaimed.outcome(now) {
            UnclaimedOutcome::Reuse { chain_id, username } => {
                // This transaction holds the user row FOR SHARE, as rotations in flight do:
                // end it, then revoke the chain after them (see `apikey_revocation`).
                tx.commit().await.map_err(sql_error)?;
                let reason = ApiKeyRevokeReason::RefreshReuse;
                let revoked = apikey_revocation::revoke_unrevoked_chain(
                    pool,
                    &username,
                    &chain_id,
                    now,
                    reason,
                    next.on_reuse.as_ref(),
                )
                .await?;
                return Ok(ApiKeyRotation::Reused { username, revoked });
            }
            UnclaimedOutcome::Is(outcome) => outcome,
        }
    };
    tx.commit().await.map_err(sql_error)?;
    Ok(outcome)
}
