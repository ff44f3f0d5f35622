//! The revocation log in SQLite: what was revoked since a time, per kind of credential.

use async_trait::async_trait;
use rusqlite::Connection;
use tessera_core::store::{RevocationLog, RevokedApiKey, RevokedSession, RevokedToken};
use tessera_core::{Result, Timestamp};

use super::{sql_error, SqliteStore};
use crate::rows::{self, Revocable};

/// `(id, revoked_at)` of the rows of `table` revoked at or after `since`.
fn revoked_since(c: &Connection, table: Revocable, since: Timestamp) -> Result<Vec<(String, i64)>> {
    let mut stmt = c
        .prepare_cached(&table.revoked_since_sql("?1"))
        .map_err(sql_error)?;
    stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)
}

impl SqliteStore {
    async fn revoked(&self, table: Revocable, since: Timestamp) -> Result<Vec<(String, i64)>> {
        self.readers
            .read(move |c| revoked_since(c, table, since))
            .await
    }
}

#[async_trait]
impl RevocationLog for SqliteStore {
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
