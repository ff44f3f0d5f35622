//! No-session API keys in SQLite. Every function runs inside the writer's transaction (or on a
//! read connection); rotation is in `apikey_rotation`, revocation in `apikey_revocation`.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{
    ApiKeyRecord, ApiKeyRevokeReason, ApiKeyRotation, ApiKeyStore, NewApiKey, NextApiKey,
};
use tessera_core::{Error, Result, Timestamp};

use super::helpers::hash_exists;
use super::{
    apikey_revocation, apikey_rotation, audit, conflict_or_storage, sql_error, users, SqliteStore,
};
use crate::rows::APIKEY_COLUMNS;

/// Unrevoked, with the key or its refresh token unexpired at `?2`.
pub(super) const LIVE: &str = "revoked_at IS NULL AND (expires_at > ?2 OR refresh_expires_at > ?2)";

pub(super) fn record(r: &Row<'_>) -> rusqlite::Result<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: r.get(0)?,
        chain_id: r.get(1)?,
        username: r.get(2)?,
        audience: r.get(3)?,
        subject: r.get(4)?,
        api_version: r.get(5)?,
        bound_ip: r.get(6)?,
        created_at: r.get(7)?,
        not_before: r.get(8)?,
        expires_at: r.get(9)?,
        refresh_not_before: r.get(10)?,
        refresh_expires_at: r.get(11)?,
        revoked_at: r.get(12)?,
    })
}

pub(super) fn insert(c: &Connection, k: &NewApiKey) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO apikeys (id, chain_id, username, audience, subject, api_version, bound_ip,
             created_at, not_before, expires_at, refresh_hash, refresh_not_before,
             refresh_expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .and_then(|mut s| {
        s.execute(params![
            k.id,
            k.chain_id,
            k.username,
            k.audience,
            k.subject,
            k.api_version,
            k.bound_ip,
            k.created_at,
            k.not_before,
            k.expires_at,
            k.refresh_hash,
            k.refresh_not_before,
            k.refresh_expires_at
        ])
    })
    .map_err(|e| conflict_or_storage(e, "the API key already exists"))?;
    Ok(())
}

fn get(c: &Connection, id: &str) -> Result<Option<ApiKeyRecord>> {
    c.prepare_cached(&format!(
        "SELECT {APIKEY_COLUMNS} FROM apikeys WHERE id = ?1"
    ))
    .and_then(|mut s| s.query_row([id], record).optional())
    .map_err(sql_error)
}

fn of_refresh(c: &Connection, hash: &[u8]) -> Result<Option<ApiKeyRecord>> {
    c.prepare_cached(&format!(
        "SELECT {APIKEY_COLUMNS} FROM apikeys WHERE refresh_hash = ?1"
    ))
    .and_then(|mut s| s.query_row([hash], record).optional())
    .map_err(sql_error)
}

fn list(c: &Connection, username: &str, now: Timestamp) -> Result<Vec<ApiKeyRecord>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {APIKEY_COLUMNS} FROM apikeys WHERE username = ?1 AND {LIVE} ORDER BY created_at, id"
        ))
        .map_err(sql_error)?;
    let rows = stmt
        .query_map(params![username, now], record)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    Ok(rows)
}

/// Refuses a new key when its user already holds `user_limit` live keys.
fn check_user_limit(c: &Connection, key: &NewApiKey) -> Result<()> {
    if key.user_limit == 0 {
        return Ok(());
    }
    let live: i64 = c
        .prepare_cached(&format!(
            "SELECT COUNT(*) FROM apikeys WHERE username = ?1 AND {LIVE}"
        ))
        .and_then(|mut s| s.query_row(params![key.username, key.created_at], |r| r.get(0)))
        .map_err(sql_error)?;
    if live >= i64::from(key.user_limit) {
        return Err(Error::ApiKeyLimit);
    }
    Ok(())
}

#[async_trait]
impl ApiKeyStore for SqliteStore {
    async fn create_apikey_audited(&self, key: &NewApiKey, audit: &[AuditEvent]) -> Result<()> {
        let (key, audit) = (key.clone(), audit.to_vec());
        self.writer
            .write(move |c| {
                users::check_unchanged(c, key.requires.as_ref())?;
                check_user_limit(c, &key)?;
                insert(c, &key)?;
                audit::insert_all(c, &audit)
            })
            .await
    }
    async fn rotate_apikey(
        &self,
        presented: &[u8],
        next: &NextApiKey,
        now: Timestamp,
    ) -> Result<ApiKeyRotation> {
        // Read first: a token nobody was given never becomes a write. The write re-checks.
        let known = presented.to_vec();
        let sql = "SELECT 1 FROM apikeys WHERE refresh_hash = ?1";
        if !self
            .readers
            .read(move |c| hash_exists(c, sql, &known))
            .await?
        {
            return Ok(ApiKeyRotation::Unknown);
        }
        let (presented, next) = (presented.to_vec(), next.clone());
        self.writer
            .write(move |c| apikey_rotation::rotate(c, &presented, &next, now))
            .await
    }
    async fn apikey(&self, id: &str) -> Result<Option<ApiKeyRecord>> {
        let id = id.to_string();
        self.readers.read(move |c| get(c, &id)).await
    }
    async fn apikey_of_refresh(&self, hash: &[u8]) -> Result<Option<ApiKeyRecord>> {
        let hash = hash.to_vec();
        self.readers.read(move |c| of_refresh(c, &hash)).await
    }
    async fn list_apikeys(&self, username: &str, now: Timestamp) -> Result<Vec<ApiKeyRecord>> {
        let username = username.to_string();
        self.readers.read(move |c| list(c, &username, now)).await
    }
    async fn revoke_apikey_chain_audited(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        let (id, audit) = (id.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let revoked = apikey_revocation::revoke_chain(c, &id, now, reason)?;
                audit::insert_if(c, !revoked.is_empty(), &audit)?;
                Ok(revoked)
            })
            .await
    }
    async fn revoke_user_apikeys_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: Option<AuditEvent>,
    ) -> Result<Vec<String>> {
        let username = username.to_string();
        self.writer
            .write(move |c| {
                let ids = apikey_revocation::revoke_user(c, &username, now, reason)?;
                if let (Some(event), false) = (audit, ids.is_empty()) {
                    audit::insert_all(c, &[event.detail("all", ids.len())])?;
                }
                Ok(ids)
            })
            .await
    }
    async fn is_apikey_revoked(&self, id: &str) -> Result<bool> {
        let id = id.to_string();
        let key = self.readers.read(move |c| get(c, &id)).await?;
        Ok(key.is_none_or(|k| k.revoked_at.is_some()))
    }
    async fn purge_apikeys(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        self.writer
            .write(move |c| apikey_revocation::purge(c, now, revoked_before))
            .await
    }
}
