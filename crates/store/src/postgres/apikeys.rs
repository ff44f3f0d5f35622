//! No-session API keys in PostgreSQL: each operation one statement on the pool, but rotation
//! (in `apikey_rotation`) and revocation (in `apikey_revocation`), each one transaction.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, Row};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{
    ApiKeyRecord, ApiKeyRevokeReason, ApiKeyRotation, ApiKeyStore, NewApiKey, NextApiKey,
};
use tessera_core::{Error, Result, Timestamp};

use super::{
    apikey_revocation, apikey_rotation, audit, conflict_or_storage, sql_error, users, PostgresStore,
};
use crate::rows::APIKEY_COLUMNS;

/// Unrevoked, with the key or its refresh token unexpired at `$2`.
pub(super) const LIVE: &str = "revoked_at IS NULL AND (expires_at > $2 OR refresh_expires_at > $2)";

pub(super) fn record(r: &PgRow) -> Result<ApiKeyRecord> {
    let get = Error::storage::<sqlx::Error>;
    Ok(ApiKeyRecord {
        id: r.try_get(0).map_err(get)?,
        chain_id: r.try_get(1).map_err(get)?,
        username: r.try_get(2).map_err(get)?,
        audience: r.try_get(3).map_err(get)?,
        subject: r.try_get(4).map_err(get)?,
        api_version: r.try_get(5).map_err(get)?,
        bound_ip: r.try_get(6).map_err(get)?,
        created_at: r.try_get(7).map_err(get)?,
        not_before: r.try_get(8).map_err(get)?,
        expires_at: r.try_get(9).map_err(get)?,
        refresh_not_before: r.try_get(10).map_err(get)?,
        refresh_expires_at: r.try_get(11).map_err(get)?,
        revoked_at: r.try_get(12).map_err(get)?,
    })
}

pub(super) async fn insert(c: impl PgExecutor<'_>, k: &NewApiKey) -> Result<()> {
    sqlx::query(
        "INSERT INTO apikeys (id, chain_id, username, audience, subject, api_version, bound_ip,
             created_at, not_before, expires_at, refresh_hash, refresh_not_before,
             refresh_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&k.id)
    .bind(&k.chain_id)
    .bind(&k.username)
    .bind(&k.audience)
    .bind(&k.subject)
    .bind(&k.api_version)
    .bind(&k.bound_ip)
    .bind(k.created_at)
    .bind(k.not_before)
    .bind(k.expires_at)
    .bind(&k.refresh_hash)
    .bind(k.refresh_not_before)
    .bind(k.refresh_expires_at)
    .execute(c)
    .await
    .map_err(|e| conflict_or_storage(e, "the API key already exists"))?;
    Ok(())
}
/// Refuses a new key when its user already holds `user_limit` live keys. The user's row is
/// locked `FOR UPDATE` first, so concurrent creations for one user count one after another
/// (and wait for refreshes in flight, which hold it `FOR SHARE`).
async fn check_user_limit(c: &mut PgConnection, key: &NewApiKey) -> Result<()> {
    if key.user_limit == 0 {
        return Ok(());
    }
    sqlx::query("SELECT 1 FROM users WHERE username = $1 FOR UPDATE")
        .bind(&key.username)
        .execute(&mut *c)
        .await
        .map_err(sql_error)?;
    let live: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM apikeys WHERE username = $1 AND {LIVE}"
    ))
    .bind(&key.username)
    .bind(key.created_at)
    .fetch_one(&mut *c)
    .await
    .map_err(sql_error)?;
    if live >= i64::from(key.user_limit) {
        return Err(Error::ApiKeyLimit);
    }
    Ok(())
}

#[async_trait]
impl ApiKeyStore for PostgresStore {
    async fn create_apikey_audited(&self, key: &NewApiKey, audit: &[AuditEvent]) -> Result<()> {
        if key.requires.is_none() && key.user_limit == 0 && audit.is_empty() {
            return insert(&self.pool, key).await;
        }
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        check_user_limit(&mut tx, key).await?;
        if let Some(requires) = &key.requires {
            users::check_unchanged(&mut tx, requires).await?;
        }
        insert(&mut *tx, key).await?;
        audit::insert_all(&mut tx, audit).await?;
        tx.commit().await.map_err(sql_error)
    }
    async fn rotate_apikey(
        &self,
        presented: &[u8],
        next: &NextApiKey,
        now: Timestamp,
    ) -> Result<ApiKeyRotation> {
        apikey_rotation::rotate(&self.pool, presented, next, now).await
    }
    async fn apikey(&self, id: &str) -> Result<Option<ApiKeyRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {APIKEY_COLUMNS} FROM apikeys WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql_error)?;
        row.as_ref().map(record).transpose()
    }
    async fn apikey_of_refresh(&self, hash: &[u8]) -> Result<Option<ApiKeyRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {APIKEY_COLUMNS} FROM apikeys WHERE refresh_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql_error)?;
        row.as_ref().map(record).transpose()
    }
    async fn list_apikeys(&self, username: &str, now: Timestamp) -> Result<Vec<ApiKeyRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {APIKEY_COLUMNS} FROM apikeys WHERE username = $1 AND {LIVE} ORDER BY created_at, id"
        ))
        .bind(username)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(sql_error)?;
        rows.iter().map(record).collect()
    }
    async fn revoke_apikey_chain_audited(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        apikey_revocation::revoke_chain(&self.pool, id, now, reason, audit).await
    }
    async fn revoke_user_apikeys_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: Option<AuditEvent>,
    ) -> Result<Vec<String>> {
        apikey_revocation::revoke_user(&self.pool, username, now, reason, audit).await
    }
    async fn is_apikey_revoked(&self, id: &str) -> Result<bool> {
        let revoked: Option<Option<i64>> =
            sqlx::query_scalar("SELECT revoked_at FROM apikeys WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(sql_error)?;
        Ok(!matches!(revoked, Some(None)))
    }
    async fn purge_apikeys(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        apikey_revocation::purge(&self.pool, now, revoked_before).await
    }
}
