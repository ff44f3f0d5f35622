//! Rotating API-key refresh tokens in SQLite, inside the single writer's transaction: the
//! user check, the claim and the successor commit together, and concurrent rotations (and
//! revocations) run one after another.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_core::store::{
    ApiKeyRevokeReason, ApiKeyRotation, ApiKeyUnclaimed, NextApiKey, UnclaimedOutcome,
};
use tessera_core::{Result, Timestamp};

use super::apikeys::{insert, record};
use super::audit;
use super::helpers::strings;
use super::sql_error;
use crate::rows::{apikey_owner_refusal as refusal, APIKEY_COLUMNS};

fn revoke_chain(c: &Connection, chain_id: &str, now: Timestamp) -> Result<Vec<String>> {
    strings(
        c,
        "UPDATE apikeys SET revoked_at = ?2, revoke_reason = ?3
         WHERE chain_id = ?1 AND revoked_at IS NULL RETURNING id",
        params![chain_id, now, ApiKeyRevokeReason::RefreshReuse.as_str()],
    )
}

/// Why the presented token's owner may get no successor: disabled (or missing), or a role that
/// may not hold API keys. `None` for an unknown token, or an owner who may.
fn owner_refusal(c: &Connection, presented: &[u8]) -> Result<Option<ApiKeyRotation>> {
    let owner: Option<(bool, Option<String>)> = c
        .prepare_cached(
            "SELECT COALESCE(u.disabled, 1), u.role FROM apikeys k
             LEFT JOIN users u ON u.username = k.username WHERE k.refresh_hash = ?1",
        )
        .and_then(|mut s| {
            s.query_row([presented], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(sql_error)?;
    Ok(owner.and_then(|(disabled, role)| refusal(disabled, role.as_deref())))
}

pub(super) fn rotate(
    c: &Connection,
    presented: &[u8],
    next: &NextApiKey,
    now: Timestamp,
) -> Result<ApiKeyRotation> {
    if let Some(refused) = owner_refusal(c, presented)? {
        return Ok(refused);
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
        UnclaimedOutcome::Reuse { chain_id, username } => {
            let revoked = revoke_chain(c, &chain_id, now)?;
            if let Some(event) = &next.on_reuse {
                let event = event
                    .clone()
                    .user(&username)
                    .detail("revoked", revoked.clone());
                audit::insert_all(c, &[event])?;
            }
            ApiKeyRotation::Reused { username, revoked }
        }
        UnclaimedOutcome::Is(outcome) => outcome,
    })
}
