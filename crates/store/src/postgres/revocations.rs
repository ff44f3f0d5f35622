//! The revocation log in PostgreSQL: what was revoked since a time, per kind of credential.

use async_trait::async_trait;
use tessera_core::store::{RevocationLog, RevokedApiKey, RevokedSession, RevokedToken};
use tessera_core::{Result, Timestamp};

use super::{sql_error, PostgresStore};
use crate::rows::{self, Revocable};

impl PostgresStore {
    /// `(id, revoked_at)` of the rows of `table` revoked at or after `since`.
    async fn revoked(&self, table: Revocable, since: Timestamp) -> Result<Vec<(String, i64)>> {
        sqlx::query_as(&table.revoked_since_sql("$1"))
            .bind(since)
            .fetch_all(&self.pool)
            .await
            .map_err(sql_error)
    }
}

#[async_trait]
impl RevocationLog for PostgresStore {
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        let rows = self.revoked(Revocable::Sessions, since).await?;
        Ok(rows::revoked_sessions(rows))
    }
    async fn revoked_apikeys_since(&self, since: Timestamp) -> Result<Vec<RevokedApiKey>> {
        let rows = self.revoked(Revocable::ApiKeys, since).await?;
        Ok(rows::revoked_apikeys(rows))
    }
    async fn revoked_tokens_since(&self, since: Timestamp) -> Result<Vec<RevokedToken>> {
        let rows = self.revoked(Revocable::ScopedTokens, since).await?;
        Ok(rows::revoked_tokens(rows))
    }
}
