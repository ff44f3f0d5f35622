//! Sessions and refresh tokens in SQLite. Every function runs inside the writer's transaction
//! (or on a read connection), so each is atomic; rotation is in `session_rotation`.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use tessera_core::audit::AuditEvent;
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{
    NewSession, NextRefresh, RevokeReason, Rotation, SessionClient, SessionRecord, SessionStore,
};
use tessera_core::{Error, Result, Timestamp};

use super::helpers::{exec, hash_exists, strings};
use super::{audit, session_rotation, sql_error, users, SqliteStore};

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
        (s.created_at, s.refresh_expires_at),
        &s.client,
    )
}

/// Inserts a refresh token issued at `times.0`, expiring at `times.1`, to `client`.
pub(super) fn insert_refresh(
    c: &Connection,
    hash: &[u8],
    session_id: &str,
    (now, expires_at): (Timestamp, Timestamp),
    client: &SessionClient,
) -> Result<()> {
    exec(
        c,
        "INSERT INTO refresh_tokens (hash, session_id, issued_at, expires_at, ip, user_agent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            hash,
            session_id,
            now,
            expires_at,
            client.ip,
            client.user_agent
        ],
    )?;
    Ok(())
}

/// Each live session with its newest refresh token (an unused one first: a session has at
/// most one), for `WHERE` to pick from.
const LIVE_SESSIONS: &str = "SELECT s.id, s.username, s.created_at, r.issued_at, s.expires_at,
            r.ip, r.user_agent
     FROM sessions s JOIN refresh_tokens r ON r.hash = (
         SELECT t.hash FROM refresh_tokens t WHERE t.session_id = s.id
         ORDER BY t.used_at IS NULL DESC, t.issued_at DESC LIMIT 1)
     WHERE s.revoked_at IS NULL AND s.expires_at > ?2";

fn session_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id: r.get(0)?,
        username: r.get(1)?,
        created_at: r.get(2)?,
        refreshed_at: r.get(3)?,
        expires_at: r.get(4)?,
        client: SessionClient {
            ip: r.get(5)?,
            user_agent: r.get(6)?,
        },
    })
}

pub fn list(c: &Connection, username: &str, now: Timestamp) -> Result<Vec<SessionRecord>> {
    c.prepare_cached(&format!(
        "{LIVE_SESSIONS} AND s.username = ?1 ORDER BY s.created_at DESC, s.rowid DESC"
    ))
    .and_then(|mut s| {
        s.query_map(params![username, now], session_record)?
            .collect()
    })
    .map_err(sql_error)
}

pub fn live(c: &Connection, id: &str, now: Timestamp) -> Result<Option<SessionRecord>> {
    c.prepare_cached(&format!("{LIVE_SESSIONS} AND s.id = ?1"))
        .and_then(|mut s| s.query_row(params![id, now], session_record).optional())
        .map_err(sql_error)
}

pub fn create(
    c: &Connection,
    s: &NewSession,
    max_sessions: u32,
    policy: SessionLimitPolicy,
) -> Result<Vec<String>> {
    users::check_unchanged(c, s.requires.as_ref())?;
    if s.requires.is_some() {
        users::record_login(c, s.username.as_str(), s.created_at)?;
    }
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

pub fn revoke_others(
    c: &Connection,
    username: &str,
    keep: &str,
    now: Timestamp,
    reason: RevokeReason,
) -> Result<Vec<String>> {
    strings(
        c,
        "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3
         WHERE username = ?1 AND id <> ?4 AND revoked_at IS NULL AND expires_at > ?2 RETURNING id",
        params![username, now, reason.as_str(), keep],
    )
}

pub fn is_revoked(c: &Connection, id: &str) -> Result<bool> {
    let revoked: Option<Option<i64>> = c
        .prepare_cached("SELECT revoked_at FROM sessions WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(sql_error)?;
    Ok(!matches!(revoked, Some(None)))
}

fn count_live(c: &Connection, now: Timestamp) -> Result<u64> {
    c.prepare_cached("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?1")
        .and_then(|mut s| s.query_row([now], |r| r.get::<_, i64>(0)))
        .map(|n| n as u64)
        .map_err(sql_error)
}

pub fn purge(c: &Connection, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
    let n = exec(
        c,
        "DELETE FROM sessions WHERE expires_at <= ?1 OR revoked_at < ?2",
        params![now, revoked_before],
    )?;
    Ok(n as u64)
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session_audited(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        let (session, audit) = (session.clone(), audit.to_vec());
        let hash = session.refresh_hash.clone();
        let evicted = self
            .writer
            .write(move |c| {
                let evicted = create(c, &session, max_sessions, policy)?;
                audit::insert_all(c, &audit)?;
                if let Some(first) = audit.first() {
                    let evictions: Vec<_> = evicted.iter().map(|id| first.evicted(id)).collect();
                    audit::insert_all(c, &evictions)?;
                }
                Ok(evicted)
            })
            .await?;
        self.issued.add(&hash);
        Ok(evicted)
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        // A token nobody was given never becomes a write: one not issued here since the start
        // (and not presented since) is read first. The write checks it again.
        if !self.issued.take(presented) {
            let known = presented.to_vec();
            let sql = "SELECT 1 FROM refresh_tokens WHERE hash = ?1";
            if !self
                .readers
                .read(move |c| hash_exists(c, sql, &known))
                .await?
            {
                return Ok(Rotation::Unknown);
            }
        }
        let (presented, next) = (presented.to_vec(), next.clone());
        let successor = next.hash.clone();
        let rotation = self
            .writer
            .write(move |c| session_rotation::rotate(c, &presented, &next, now))
            .await?;
        if matches!(rotation, Rotation::Rotated { .. }) {
            self.issued.add(&successor);
        }
        Ok(rotation)
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        let hash = hash.to_vec();
        self.readers.read(move |c| of_refresh(c, &hash, now)).await
    }
    async fn revoke_session_audited(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (id, audit) = (session_id.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let revoked = revoke(c, &id, now, reason)?;
                audit::insert_if(c, revoked, &audit)?;
                Ok(revoked)
            })
            .await
    }
    async fn revoke_user_sessions_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        let (username, audit) = (username.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let revoked = revoke_user(c, &username, now, reason)?;
                audit::insert_if(c, !revoked.is_empty(), &audit)?;
                Ok(revoked)
            })
            .await
    }
    async fn revoke_other_sessions_audited(
        &self,
        username: &str,
        keep: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        let (username, keep, audit) = (username.to_string(), keep.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let revoked = revoke_others(c, &username, &keep, now, reason)?;
                audit::insert_if(c, !revoked.is_empty(), &audit)?;
                Ok(revoked)
            })
            .await
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        let id = session_id.to_string();
        self.readers.read(move |c| is_revoked(c, &id)).await
    }
    async fn list_sessions(&self, username: &str, now: Timestamp) -> Result<Vec<SessionRecord>> {
        let username = username.to_string();
        self.readers.read(move |c| list(c, &username, now)).await
    }
    async fn live_session(
        &self,
        session_id: &str,
        now: Timestamp,
    ) -> Result<Option<SessionRecord>> {
        let id = session_id.to_string();
        self.readers.read(move |c| live(c, &id, now)).await
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        self.writer
            .write(move |c| purge(c, now, revoked_before))
            .await
    }
    async fn count_live_sessions(&self, now: Timestamp) -> Result<u64> {
        self.readers.read(move |c| count_live(c, now)).await
    }
}
