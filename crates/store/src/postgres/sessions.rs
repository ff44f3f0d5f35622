//! Sessions and refresh tokens in PostgreSQL. Each function is one statement or one READ
//! COMMITTED transaction; where concurrent callers race, a row lock decides. Rotation is in
//! `session_rotation`.

use async_trait::async_trait;
use sqlx::{PgExecutor, PgPool};
use tessera_core::audit::AuditEvent;
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{
    NewSession, NextRefresh, RevokeReason, Rotation, SessionClient, SessionRecord, SessionStore,
};
use tessera_core::{Error, Result, Timestamp};

use super::{audit, session_rotation, sql_error, users, PostgresStore};

/// Sessions per statement in a bulk insert.
const BULK_CHUNK: usize = 5_000;

/// Inserts a session and its first refresh token, in one statement.
async fn insert(c: impl PgExecutor<'_>, s: &NewSession) -> Result<()> {
    sqlx::query(
        "WITH s AS (
            INSERT INTO sessions (id, username, created_at, expires_at) VALUES ($1, $2, $3, $4)
            RETURNING id
         )
         INSERT INTO refresh_tokens (hash, session_id, issued_at, expires_at, ip, user_agent)
         SELECT $5, id, $3, $4, $6, $7 FROM s",
    )
    .bind(&s.id)
    .bind(s.username.as_str())
    .bind(s.created_at)
    .bind(s.refresh_expires_at)
    .bind(&s.refresh_hash)
    .bind(&s.client.ip)
    .bind(&s.client.user_agent)
    .execute(c)
    .await
    .map_err(sql_error)?;
    Ok(())
}

pub async fn bulk_insert(pool: &PgPool, sessions: &[NewSession]) -> Result<()> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    for chunk in sessions.chunks(BULK_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|s| s.id.as_str()).collect();
        let users: Vec<&str> = chunk.iter().map(|s| s.username.as_str()).collect();
        let created: Vec<i64> = chunk.iter().map(|s| s.created_at).collect();
        let expires: Vec<i64> = chunk.iter().map(|s| s.refresh_expires_at).collect();
        let hashes: Vec<Vec<u8>> = chunk.iter().map(|s| s.refresh_hash.clone()).collect();
        sqlx::query(
            "WITH new AS (
                SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::int8[], $5::bytea[])
                    AS n(id, username, created_at, expires_at, hash)
             ), s AS (
                INSERT INTO sessions (id, username, created_at, expires_at)
                SELECT id, username, created_at, expires_at FROM new RETURNING id
             )
             INSERT INTO refresh_tokens (hash, session_id, issued_at, expires_at)
             SELECT new.hash, s.id, new.created_at, new.expires_at FROM s JOIN new ON new.id = s.id",
        )
        .bind(&ids)
        .bind(&users)
        .bind(&created)
        .bind(&expires)
        .bind(&hashes)
        .execute(&mut *tx)
        .await
        .map_err(sql_error)?;
    }
    tx.commit().await.map_err(sql_error)
}

/// A login (a session with `requires`) locks the row by recording its time as the user's last
/// login; so the login's own transaction sets it, at no extra statement.
/// With a limit, the user's row is locked first, so concurrent logins of one user (on any
/// instance) count the live sessions one after another. Each count is its own statement, taken
/// after the lock is held, so it sees the sessions the previous holder committed.
pub async fn create(
    pool: &PgPool,
    s: &NewSession,
    max_sessions: u32,
    policy: SessionLimitPolicy,
    audit: &[AuditEvent],
) -> Result<Vec<String>> {
    if max_sessions == 0 && s.requires.is_none() && audit.is_empty() {
        insert(pool, s).await?;
        return Ok(Vec::new());
    }
    let mut tx = pool.begin().await.map_err(sql_error)?;
    if s.requires.is_some() {
        users::record_login(&mut *tx, s.username.as_str(), s.created_at).await?;
    } else {
        lock_user(&mut *tx, s.username.as_str()).await?;
    }
    if let Some(requires) = &s.requires {
        users::check_unchanged(&mut tx, requires).await?;
    }
    let live: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM sessions WHERE username = $1 AND revoked_at IS NULL AND expires_at > $2
         ORDER BY created_at, seq",
    )
    .bind(s.username.as_str())
    .bind(s.created_at)
    .fetch_all(&mut *tx)
    .await
    .map_err(sql_error)?;
    let mut evicted = Vec::new();
    if max_sessions > 0 && live.len() >= max_sessions as usize {
        if policy == SessionLimitPolicy::Refuse {
            return Err(Error::SessionLimit);
        }
        let oldest = &live[..live.len() + 1 - max_sessions as usize];
        let revoked: Vec<String> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $2, revoke_reason = $3
             WHERE id = ANY($1) AND revoked_at IS NULL RETURNING id",
        )
        .bind(oldest)
        .bind(s.created_at)
        .bind(RevokeReason::SessionLimit.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(sql_error)?;
        evicted.extend(oldest.iter().filter(|id| revoked.contains(id)).cloned());
    }
    insert(&mut *tx, s).await?;
    audit::insert_all(&mut tx, audit).await?;
    if let Some(first) = audit.first() {
        let evictions: Vec<_> = evicted.iter().map(|id| first.evicted(id)).collect();
        audit::insert_all(&mut tx, &evictions).await?;
    }
    tx.commit().await.map_err(sql_error)?;
    Ok(evicted)
}

async fn lock_user(c: impl PgExecutor<'_>, username: &str) -> Result<()> {
    sqlx::query("SELECT 1 FROM users WHERE username = $1 FOR NO KEY UPDATE")
        .bind(username)
        .execute(c)
        .await
        .map_err(sql_error)?;
    Ok(())
}

pub async fn revoke(
    c: impl PgExecutor<'_>,
    id: &str,
    now: Timestamp,
    reason: RevokeReason,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(reason.as_str())
    .execute(c)
    .await
    .map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}

pub async fn of_refresh(
    pool: &PgPool,
    hash: &[u8],
    now: Timestamp,
) -> Result<Option<(String, String)>> {
    sqlx::query_as(
        "SELECT s.id, s.username FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
         WHERE r.hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND s.revoked_at IS NULL",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(sql_error)
}

/// Holds the user's row lock, as `create` does, so it never races an eviction for the same rows.
pub async fn revoke_user(
    pool: &PgPool,
    username: &str,
    now: Timestamp,
    reason: RevokeReason,
    audit: &[AuditEvent],
) -> Result<Vec<String>> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    lock_user(&mut *tx, username).await?;
    let ids = sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $2, revoke_reason = $3
         WHERE username = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING id",
    )
    .bind(username)
    .bind(now)
    .bind(reason.as_str())
    .fetch_all(&mut *tx)
    .await
    .map_err(sql_error)?;
    audit::insert_if(&mut tx, !ids.is_empty(), audit).await?;
    tx.commit().await.map_err(sql_error)?;
    Ok(ids)
}

/// Holds the user's row lock, as `revoke_user` does.
pub async fn revoke_others(
    pool: &PgPool,
    username: &str,
    keep: &str,
    now: Timestamp,
    reason: RevokeReason,
    audit: &[AuditEvent],
) -> Result<Vec<String>> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    lock_user(&mut *tx, username).await?;
    let ids = sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $2, revoke_reason = $3
         WHERE username = $1 AND id <> $4 AND revoked_at IS NULL AND expires_at > $2
         RETURNING id",
    )
    .bind(username)
    .bind(now)
    .bind(reason.as_str())
    .bind(keep)
    .fetch_all(&mut *tx)
    .await
    .map_err(sql_error)?;
    audit::insert_if(&mut tx, !ids.is_empty(), audit).await?;
    tx.commit().await.map_err(sql_error)?;
    Ok(ids)
}

/// Each live session with its newest refresh token (an unused one first: a session has at
/// most one), for `WHERE` to pick from.
const LIVE_SESSIONS: &str = "SELECT s.id, s.username, s.created_at, r.issued_at, s.expires_at,
            r.ip, r.user_agent
     FROM sessions s JOIN refresh_tokens r ON r.hash = (
         SELECT t.hash FROM refresh_tokens t WHERE t.session_id = s.id
         ORDER BY t.used_at IS NULL DESC, t.issued_at DESC LIMIT 1)
     WHERE s.revoked_at IS NULL AND s.expires_at > $2";

type Listed = (
    String,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
);

fn session_record(
    (id, username, created_at, refreshed_at, expires_at, ip, user_agent): Listed,
) -> SessionRecord {
    SessionRecord {
        id,
        username,
        created_at,
        refreshed_at,
        expires_at,
        client: SessionClient { ip, user_agent },
    }
}

pub async fn list(pool: &PgPool, username: &str, now: Timestamp) -> Result<Vec<SessionRecord>> {
    let rows: Vec<Listed> = sqlx::query_as(&format!(
        "{LIVE_SESSIONS} AND s.username = $1 ORDER BY s.created_at DESC, s.seq DESC"
    ))
    .bind(username)
    .bind(now)
    .fetch_all(pool)
    .await
    .map_err(sql_error)?;
    Ok(rows.into_iter().map(session_record).collect())
}

pub async fn live(pool: &PgPool, id: &str, now: Timestamp) -> Result<Option<SessionRecord>> {
    let row: Option<Listed> = sqlx::query_as(&format!("{LIVE_SESSIONS} AND s.id = $1"))
        .bind(id)
        .bind(now)
        .fetch_optional(pool)
        .await
        .map_err(sql_error)?;
    Ok(row.map(session_record))
}

/// An unknown session counts as revoked.
pub async fn is_revoked(pool: &PgPool, id: &str) -> Result<bool> {
    let revoked: Option<Option<i64>> =
        sqlx::query_scalar("SELECT revoked_at FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(sql_error)?;
    Ok(!matches!(revoked, Some(None)))
}

pub async fn purge(pool: &PgPool, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR revoked_at < $2")
        .bind(now)
        .bind(revoked_before)
        .execute(pool)
        .await
        .map_err(sql_error)?;
    Ok(done.rows_affected())
}

#[async_trait]
impl SessionStore for PostgresStore {
    async fn create_session_audited(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        create(&self.pool, session, max_sessions, policy, audit).await
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        session_rotation::rotate(&self.pool, presented, next, now).await
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        of_refresh(&self.pool, hash, now).await
    }
    async fn revoke_session_audited(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        if audit.is_empty() {
            return revoke(&self.pool, session_id, now, reason).await;
        }
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let revoked = revoke(&mut *tx, session_id, now, reason).await?;
        audit::insert_if(&mut tx, revoked, audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(revoked)
    }
    async fn revoke_user_sessions_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        revoke_user(&self.pool, username, now, reason, audit).await
    }
    async fn revoke_other_sessions_audited(
        &self,
        username: &str,
        keep: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        revoke_others(&self.pool, username, keep, now, reason, audit).await
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        is_revoked(&self.pool, session_id).await
    }
    async fn list_sessions(&self, username: &str, now: Timestamp) -> Result<Vec<SessionRecord>> {
        list(&self.pool, username, now).await
    }
    async fn live_session(
        &self,
        session_id: &str,
        now: Timestamp,
    ) -> Result<Option<SessionRecord>> {
        live(&self.pool, session_id, now).await
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        purge(&self.pool, now, revoked_before).await
    }
    async fn count_live_sessions(&self, now: Timestamp) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(sql_error)?;
        Ok(n as u64)
    }
}
