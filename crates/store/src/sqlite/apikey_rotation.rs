//! Rotating API-key refresh tokens in SQLite, inside the single writer's transaction: the
//! user check, the claim and the successor commit together, and concurrent rotations (and
//! revocations) run one after another.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_core::store::{
    ApiKeyRevokeReason, ApiKeyRotation, ApiKeyUnclaimed, NextApiKey, UnclaimedOutcome,
};
use tessera_core::{Result, Timestamp};

use super::apikeys::{insert, record};
use super::helpers::strings;
use super::sql_error;
use crate::rows::APIKEY_COLUMNS;

fn revoke_chain(c: &Connection, chain_id: &str, now: Timestamp) -> Result<Vec<String>> {
    strings(
        c,
        "UPDATE apikeys SET revoked_at = ?2, revoke_reason = ?3
         WHERE chain_id = ?1 AND revoked_at IS NULL RETURNING id",
        params![chain_id, now, ApiKeyRevokeReason::RefreshReuse.as_str()],
    )
}

/// Whether the presented token's key belongs to a disabled (or missing) user.
fn owner_disabled(c: &Connection, presented: &[u8]) -> Result<bool> {
    c.prepare_cached(
        "SELECT COALESCE(u.disabled, 1) FROM apikeys k LEFT JOIN users u ON u.username = k.username
         WHERE k.refresh_hash = ?1",
    )
    .and_then(|mut s| s.query_row([presented], |r| r.get::<_, bool>(0)).optional())
    .map(|disabled| disabled == Some(true))
    .map_err(sql_error)
}

pub(super) fn rotate(
    c: &Connection,
    presented: &[u8],
    next: &NextApiKey,
    now: Timestamp,
) -> Result<ApiKeyRotation> {
    if owner_disabled(c, presented)? {
        return Ok(ApiKeyRotation::UserDisabled);
    }
    let claimed = c
        .prepare_cached(&format!(
            "UPDATE apikeys SET refreshed_at = ?2, revoked_at = ?2, revoke_reason = ?3
             WHERE refresh_hash = ?1 AND refreshed_at IS NULL AND revoked_at IS NULL
               AND refresh_expires_at > ?2 AND refresh_not_before <= ?2
             RETURNING {APIKEY_COLUMNS}"
        ))
        .and_then(|mut s| {
            s.query_row(
                params![presented, now, ApiKeyRevokeReason::Refreshed.as_str()],
                record,
            )
            .optional()
        })
        .map_err(sql_error)?;
    if let Some(old) = claimed {
        let key = Box::new(old.successor(next, now));
        insert(c, &key)?;
        return Ok(ApiKeyRotation::Rotated {
            previous: old.id,
            key,
        });
    }
    let found = c
        .prepare_cached(
            "SELECT chain_id, username, refreshed_at, revoked_at, refresh_not_before,
                    refresh_expires_at
             FROM apikeys WHERE refresh_hash = ?1",
        )
        .and_then(|mut s| {
            s.query_row([presented], |r| {
                Ok(ApiKeyUnclaimed {
                    chain_id: r.get(0)?,
                    username: r.get(1)?,
                    refreshed: r.get::<_, Option<i64>>(2)?.is_some(),
                    revoked: r.get::<_, Option<i64>>(3)?.is_some(),
                    refresh_not_before: r.get(4)?,
                    refresh_expires_at: r.get(5)?,
                })
            })
            .optional()
        })
        .map_err(sql_error)?;
    let Some(found) = found else {
        return Ok(ApiKeyRotation::Unknown);
    };
    Ok(match found.outcome(now) {
        UnclaimedOutcome::Reuse { chain_id, username } => ApiKeyRotation::Reused {
            username,
            revoked: revoke_chain(c, &chain_id, now)?,
        },
        UnclaimedOutcome::Is(outcome) => outcome,
    })
}
