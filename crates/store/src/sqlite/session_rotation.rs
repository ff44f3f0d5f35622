//! Rotating session refresh tokens in SQLite, inside the single writer's transaction: the
//! claim and the successor commit together, and concurrent rotations run one after another.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_core::store::{NextRefresh, RevokeReason, Rotation, Unclaimed};
use tessera_core::{Result, Timestamp};

use super::audit;
use super::sessions::{insert_refresh, revoke};
use super::sql_error;

/// Marks a presented refresh token used if it is live and unused, in a live session younger
/// than its absolute lifetime (?3 seconds). The session is checked by its key: a subquery
/// listing every live session would make each rotation scan them all.
const CLAIM_REFRESH: &str = "UPDATE refresh_tokens SET used_at = ?2
     WHERE hash = ?1 AND used_at IS NULL AND expires_at > ?2
       AND EXISTS (SELECT 1 FROM sessions s
                   WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL
                     AND s.created_at + ?3 > ?2)
     RETURNING session_id";

/// Extends the claimed token's session to its successor's expiry, capped by the session's
/// absolute lifetime (?3 seconds from its creation).
const EXTEND_SESSION: &str = "UPDATE sessions SET expires_at = min(?2, created_at + ?3)
     WHERE id = ?1 RETURNING username, expires_at";

/// The live, unused successor of a token presented again within the reuse grace.
const LIVE_SUCCESSOR: &str = "SELECT issued_at FROM refresh_tokens
     WHERE hash = ?1 AND session_id = ?2 AND used_at IS NULL AND expires_at > ?3";

/// Marks the presented token used only if it is live and unused, and inserts its successor;
/// presenting a used token revokes its session, unless it is a retry within the grace.
pub fn rotate(
    c: &Connection,
    presented: &[u8],
    next: &NextRefresh,
    now: Timestamp,
) -> Result<Rotation> {
    let claimed: Option<String> = c
        .prepare_cached(CLAIM_REFRESH)
        .and_then(|mut s| {
            s.query_row(params![presented, now, next.session_ttl], |r| r.get(0))
                .optional()
        })
        .map_err(sql_error)?;
    if let Some(session_id) = claimed {
        let (username, expires_at): (String, i64) = c
            .prepare_cached(EXTEND_SESSION)
            .and_then(|mut s| {
                s.query_row(
                    params![session_id, next.expires_at, next.session_ttl],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
            })
            .map_err(sql_error)?;
        insert_refresh(c, &next.hash, &session_id, (now, expires_at), &next.client)?;
        return Ok(Rotation::Rotated {
            session_id,
            username,
        });
    }
    type Found = (String, Option<i64>, i64, Option<i64>, String, i64);
    let found: Option<Found> = c
        .prepare_cached(
            "SELECT r.session_id, r.used_at, r.expires_at, s.revoked_at, s.username, s.created_at
             FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.hash = ?1",
        )
        .and_then(|mut s| {
            s.query_row([presented], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()
        })
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
    let successor = if found.may_be_retry(next, now) {
        c.prepare_cached(LIVE_SUCCESSOR)
            .and_then(|mut s| {
                s.query_row(params![next.hash, found.session_id, now], |r| r.get(0))
                    .optional()
            })
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
        revoke(c, session_id, now, RevokeReason::RefreshReuse)?;
        if let Some(event) = &next.on_reuse {
            audit::insert_all(c, &[event.clone().of_session(username, session_id)])?;
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claiming_a_refresh_token_reads_no_table_in_full() {
        let c = Connection::open_in_memory().unwrap();
        for sql in crate::migrations::SQLITE.sql() {
            c.execute_batch(sql).unwrap();
        }
        let mut plan = c
            .prepare(&format!("EXPLAIN QUERY PLAN {CLAIM_REFRESH}"))
            .unwrap();
        let steps: Vec<String> = plan
            .query_map(params![b"h".to_vec(), 1, 2], |r| r.get(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(
            steps
                .iter()
                .all(|s| s.starts_with("SEARCH") || s.contains("SUBQUERY")),
            "{steps:?}"
        );
        assert!(
            !steps.iter().any(|s| s.contains("LIST SUBQUERY")),
            "{steps:?}"
        );
    }
}
