//! Sessions and refresh tokens in SQLite. Every function runs inside the writer's transaction
//! (or on a read connection), so each is atomic.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{NewSession, NextRefresh, RevokeReason, Rotation, Unclaimed};
use tessera_core::{Error, Result, Timestamp};

use super::sql_error;

fn exec(c: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(sql_error)
}

fn strings(c: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached(sql).map_err(sql_error)?;
    let rows = stmt
        .query_map(params, |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(sql_error)?;
    Ok(rows)
}

/// Inserts a session and its first refresh token.
pub fn insert(c: &Connection, s: &NewSession) -> Result<()> {
    exec(
        c,
        "INSERT INTO sessions (id, username, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            s.id,
            s.username.as_str(),
            s.created_at,
            s.refresh_expires_at
        ],
    )?;
    insert_refresh(
        c,
        &s.refresh_hash,
        &s.id,
        s.created_at,
        s.refresh_expires_at,
    )
}

fn insert_refresh(
    c: &Connection,
    hash: &[u8],
    session_id: &str,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<()> {
    exec(
        c,
        "INSERT INTO refresh_tokens (hash, session_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash, session_id, now, expires_at],
    )?;
    Ok(())
}

pub fn create(
    c: &Connection,
    s: &NewSession,
    max_sessions: u32,
    policy: SessionLimitPolicy,
) -> Result<Vec<String>> {
    let mut evicted = Vec::new();
    if max_sessions > 0 {
        let live = strings(
            c,
            "SELECT id FROM sessions WHERE username = ?1 AND revoked_at IS NULL AND expires_at > ?2
             ORDER BY created_at, rowid",
            params![s.username.as_str(), s.created_at],
        )?;
        if live.len() >= max_sessions as usize {
            if policy == SessionLimitPolicy::Refuse {
                return Err(Error::SessionLimit);
            }
            let excess = live.len() + 1 - max_sessions as usize;
            for id in live.into_iter().take(excess) {
                revoke(c, &id, s.created_at, RevokeReason::SessionLimit)?;
                evicted.push(id);
            }
        }
    }
    insert(c, s)?;
    Ok(evicted)
}

pub fn revoke(c: &Connection, id: &str, now: Timestamp, reason: RevokeReason) -> Result<bool> {
    let n = exec(
        c,
        "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now, reason.as_str()],
    )?;
    Ok(n == 1)
}

/// Marks the presented token used only if it is live and unused, and inserts its successor.
/// Marks a presented refresh token used if it is live and unused. The session is checked by its
/// key: a subquery listing every live session would make each rotation scan them all.
const CLAIM_REFRESH: &str = "UPDATE refresh_tokens SET used_at = ?2
     WHERE hash = ?1 AND used_at IS NULL AND expires_at > ?2
       AND EXISTS (SELECT 1 FROM sessions s
                   WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL)
     RETURNING session_id";

pub fn rotate(
    c: &Connection,
    presented: &[u8],
    next: &NextRefresh,
    now: Timestamp,
) -> Result<Rotation> {
    let claimed: Option<String> = c
        .prepare_cached(CLAIM_REFRESH)
        .and_then(|mut s| {
            s.query_row(params![presented, now], |r| r.get(0))
                .optional()
        })
        .map_err(sql_error)?;
    if let Some(session_id) = claimed {
        insert_refresh(c, &next.hash, &session_id, now, next.expires_at)?;
        let username: String = c
            .prepare_cached("UPDATE sessions SET expires_at = ?2 WHERE id = ?1 RETURNING username")
            .and_then(|mut s| s.query_row(params![session_id, next.expires_at], |r| r.get(0)))
            .map_err(sql_error)?;
        return Ok(Rotation::Rotated {
            session_id,
            username,
        });
    }
    type Found = (String, Option<i64>, i64, Option<i64>, String);
    let found: Option<Found> = c
        .prepare_cached(
            "SELECT r.session_id, r.used_at, r.expires_at, s.revoked_at, s.username
             FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.hash = ?1",
        )
        .and_then(|mut s| {
            s.query_row([presented], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()
        })
        .map_err(sql_error)?;
    let Some((session_id, used_at, expires_at, revoked_at, username)) = found else {
        return Ok(Rotation::Unknown);
    };
    let outcome = Unclaimed {
        session_id,
        username,
        used: used_at.is_some(),
        session_revoked: revoked_at.is_some(),
        expires_at,
    }
    .outcome(now);
    if let Rotation::Reused { session_id, .. } = &outcome {
        revoke(c, session_id, now, RevokeReason::RefreshReuse)?;
    }
    Ok(outcome)
}

pub fn of_refresh(c: &Connection, hash: &[u8], now: Timestamp) -> Result<Option<(String, String)>> {
    c.prepare_cached(
        "SELECT s.id, s.username FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
         WHERE r.hash = ?1 AND r.used_at IS NULL AND r.expires_at > ?2 AND s.revoked_at IS NULL",
    )
    .and_then(|mut s| {
        s.query_row(params![hash, now], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    })
    .map_err(sql_error)
}

pub fn revoke_user(
    c: &Connection,
    username: &str,
    now: Timestamp,
    reason: RevokeReason,
) -> Result<Vec<String>> {
    strings(
        c,
        "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3
         WHERE username = ?1 AND revoked_at IS NULL AND expires_at > ?2 RETURNING id",
        params![username, now, reason.as_str()],
    )
}

pub fn is_revoked(c: &Connection, id: &str) -> Result<bool> {
    let revoked: Option<Option<i64>> = c
        .prepare_cached("SELECT revoked_at FROM sessions WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(sql_error)?;
    Ok(!matches!(revoked, Some(None)))
}

pub fn purge(c: &Connection, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
    let n = exec(
        c,
        "DELETE FROM sessions WHERE expires_at <= ?1 OR revoked_at < ?2",
        params![now, revoked_before],
    )?;
    Ok(n as u64)
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
            .query_map(params![b"h".to_vec(), 1], |r| r.get(3))
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
