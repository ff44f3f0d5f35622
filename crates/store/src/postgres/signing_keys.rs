//! Signing keys in PostgreSQL: a rotation locks the newest key's row, so of two instances
//! rotating at once one wins and the other gets a conflict.

use async_trait::async_trait;
use tessera_core::signing::StoredKey;
use tessera_core::store::SigningKeyStore;
use tessera_core::{Result, Timestamp};

use super::{sql_error, PostgresStore};
use crate::lockout_sql::pg;
use crate::signing_keys_sql::{self as sql, Row};

#[async_trait]
impl SigningKeyStore for PostgresStore {
    async fn signing_keys(&self) -> Result<Vec<StoredKey>> {
        let rows: Vec<Row> = sqlx::query_as(sql::SELECT)
            .fetch_all(&self.pool)
            .await
            .map_err(sql_error)?;
        rows.into_iter().map(sql::from_row).collect()
    }

    async fn add_signing_key(&self, key: &StoredKey, replaces: Option<&str>) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        // One rotation at a time: the table lock also covers the very first key.
        sqlx::query("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(sql_error)?;
        let newest: Vec<(String,)> = sqlx::query_as(sql::NEWEST)
            .fetch_all(&mut *tx)
            .await
            .map_err(sql_error)?;
        let newest: Vec<String> = newest.into_iter().map(|(kid,)| kid).collect();
        sql::check_newest(&newest, replaces)?;
        if let Some(old) = replaces {
            sqlx::query(&pg(sql::SUPERSEDE))
                .bind(old)
                .bind(key.active_at)
                .execute(&mut *tx)
                .await
                .map_err(sql_error)?;
        }
        sqlx::query(&pg(sql::INSERT))
            .bind(&key.kid)
            .bind(key.alg.as_str())
            .bind(&key.public_key)
            .bind(&key.private_key)
            .bind(key.created_at)
            .bind(key.active_at)
            .bind(key.superseded_at)
            .bind(key.retired_at)
            .execute(&mut *tx)
            .await
            .map_err(sql_error)?;
        tx.commit().await.map_err(sql_error)
    }

    async fn retire_signing_key(&self, kid: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(&pg(sql::RETIRE))
            .bind(kid)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(done.rows_affected() == 1)
    }
}
