//! Service clients in PostgreSQL.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{ClientRecord, ClientStore, NewClient, NewClientSecret, TokenUse};
use tessera_core::{Error, Result, Timestamp};

use super::{audit, conflict_or_storage, sql_error, PostgresStore};
use crate::rows::CLIENT_COLUMNS;

fn record(row: PgRow) -> Result<ClientRecord> {
    let get = Error::storage::<sqlx::Error>;
    Ok(ClientRecord {
        client_id: row.try_get(0).map_err(get)?,
        name: row.try_get(1).map_err(get)?,
        scopes: row.try_get(2).map_err(get)?,
        rights: row.try_get(3).map_err(get)?,
        secret_hash: row.try_get(4).map_err(get)?,
        generation: row.try_get(5).map_err(get)?,
        created_by: row.try_get(6).map_err(get)?,
        created_at: row.try_get(7).map_err(get)?,
        last_used_at: row.try_get(8).map_err(get)?,
        last_used_ip: row.try_get(9).map_err(get)?,
    })
}

/// The live client's generation, its row locked until the transaction ends.
async fn lock_live(c: &mut PgConnection, client_id: &str) -> Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT generation FROM clients WHERE client_id = $1 AND removed_at IS NULL FOR UPDATE",
    )
    .bind(client_id)
    .fetch_optional(c)
    .await
    .map_err(sql_error)
}

#[async_trait]
impl ClientStore for PostgresStore {
    async fn create_client_audited(&self, n: &NewClient, audit: &[AuditEvent]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        sqlx::query(
            "INSERT INTO clients (client_id, name, scopes, rights, secret_hash, generation,
                                  secret_changed_at, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)",
        )
        .bind(&n.client_id)
        .bind(&n.name)
        .bind(&n.scopes)
        .bind(&n.rights)
        .bind(&n.secret_hash)
        .bind(&n.generation)
        .bind(n.created_at)
        .bind(&n.created_by)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_storage(e, "the client already exists"))?;
        audit::insert_all(&mut tx, audit).await?;
        tx.commit().await.map_err(sql_error)
    }
    async fn client(&self, client_id: &str) -> Result<Option<ClientRecord>> {
        sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE client_id = $1 AND removed_at IS NULL"
        ))
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql_error)?
        .map(record)
        .transpose()
    }
    async fn list_clients(&self) -> Result<Vec<ClientRecord>> {
        sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE removed_at IS NULL
             ORDER BY created_at, seq"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(sql_error)?
        .into_iter()
        .map(record)
        .collect()
    }
    async fn rotate_client_secret_audited(
        &self,
        client_id: &str,
        secret: &NewClientSecret,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let old = lock_live(&mut tx, client_id).await?;
        if old.is_some() {
            sqlx::query(
                "UPDATE clients SET secret_hash = $2, generation = $3, secret_changed_at = $4
                 WHERE client_id = $1",
            )
            .bind(client_id)
            .bind(&secret.secret_hash)
            .bind(&secret.generation)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(sql_error)?;
        }
        audit::insert_if(&mut tx, old.is_some(), audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(old)
    }
    async fn remove_client_audited(
        &self,
        client_id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let old = lock_live(&mut tx, client_id).await?;
        if old.is_some() {
            sqlx::query("UPDATE clients SET removed_at = $2 WHERE client_id = $1")
                .bind(client_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(sql_error)?;
        }
        audit::insert_if(&mut tx, old.is_some(), audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(old)
    }
    async fn is_client_generation_live(&self, generation: &str) -> Result<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM clients WHERE generation = $1 AND removed_at IS NULL)",
        )
        .bind(generation)
        .fetch_one(&self.pool)
        .await
        .map_err(sql_error)
    }
    async fn revoke_client_token(
        &self,
        jti: &str,
        client_id: &str,
        expires_at: Timestamp,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let added = sqlx::query(
            "INSERT INTO revoked_client_tokens (jti, client_id, revoked_at, expires_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(client_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await
        .map_err(sql_error)?
        .rows_affected()
            == 1;
        audit::insert_if(&mut tx, added, audit).await?;
        tx.commit().await.map_err(sql_error)
    }
    async fn is_client_token_revoked(&self, jti: &str) -> Result<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM revoked_client_tokens WHERE jti = $1)")
            .bind(jti)
            .fetch_one(&self.pool)
            .await
            .map_err(sql_error)
    }
    async fn purge_revoked_client_tokens(&self, expired_before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM revoked_client_tokens WHERE expires_at < $1")
            .bind(expired_before)
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(done.rows_affected())
    }
    async fn record_client_uses(&self, uses: &[TokenUse]) -> Result<()> {
        let ids: Vec<&str> = uses.iter().map(|u| u.id.as_str()).collect();
        let ats: Vec<i64> = uses.iter().map(|u| u.at).collect();
        let ips: Vec<Option<&str>> = uses.iter().map(|u| u.ip.as_deref()).collect();
        sqlx::query(
            "UPDATE clients t SET last_used_at = u.at, last_used_ip = u.ip
             FROM UNNEST($1::text[], $2::int8[], $3::text[]) AS u(id, at, ip)
             WHERE t.client_id = u.id AND (t.last_used_at IS NULL OR t.last_used_at <= u.at)",
        )
        .bind(&ids)
        .bind(&ats)
        .bind(&ips)
        .execute(&self.pool)
        .await
        .map_err(sql_error)?;
        Ok(())
    }
}
