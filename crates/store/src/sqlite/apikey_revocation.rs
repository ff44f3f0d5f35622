//! Revoking API keys in SQLite: a whole refresh chain, all of a user's keys, and purging the
//! rows no longer needed. Each runs in the single writer's transaction, so a refresh racing a
//! revocation runs before or after it, never between.

use rusqlite::{params, Connection};
use tessera_core::store::ApiKeyRevokeReason;
use tessera_core::{Result, Timestamp};

use super::apikeys::LIVE;
use super::helpers::{exec, strings};

/// Revokes the live keys of the chain key `id` belongs to; their ids.
pub(super) fn revoke_chain(
    c: &Connection,
    id: &str,
    now: Timestamp,
    reason: ApiKeyRevokeReason,
) -> Result<Vec<String>> {
    strings(
        c,
        &format!(
            "UPDATE apikeys SET revoked_at = ?2, revoke_reason = ?3
             WHERE chain_id = (SELECT chain_id FROM apikeys WHERE id = ?1)
               AND {LIVE} RETURNING id"
        ),
        params![id, now, reason.as_str()],
    )
}

/// Revokes a user's live keys; their ids.
pub(super) fn revoke_user(
    c: &Connection,
    username: &str,
    now: Timestamp,
    reason: ApiKeyRevokeReason,
) -> Result<Vec<String>> {
    strings(
        c,
        &format!(
            "UPDATE apikeys SET revoked_at = ?2, revoke_reason = ?3
             WHERE username = ?1 AND {LIVE} RETURNING id"
        ),
        params![username, now, reason.as_str()],
    )
}

/// Deletes keys whose key and refresh token both expired, and keys revoked (but not by a
/// refresh) before `revoked_before`.
pub(super) fn purge(c: &Connection, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
    let n = exec(
        c,
        "DELETE FROM apikeys
         WHERE (expires_at <= ?1 AND refresh_expires_at <= ?1)
            OR (revoked_at < ?2 AND refreshed_at IS NULL)",
        params![now, revoked_before],
    )?;
    Ok(n as u64)
}
