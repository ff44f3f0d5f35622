//! The audit trail in PostgreSQL. `insert_all` runs inside the transaction of the change an
//! event records.

use async_trait::async_trait;
use sqlx::{PgConnection, PgPool};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{AuditQuery, AuditRecord, AuditStore};
use tessera_core::{Result, Timestamp};

use super::{sql_error, PostgresStore};
use crate::audit_sql::{self as sql, Param};
use crate::lockout_sql::pg;

/// Appends `events` in the caller's transaction.
pub async fn insert_all(c: &mut PgConnection, events: &[AuditEvent]) -> Result<()> {
    for e in events {
        let p = sql::insert(e);
        sqlx::query(&pg(sql::INSERT))
            .bind(p.at)
            .bind(p.event)
            .bind(p.actor)
            .bind(p.subject)
            .bind(p.ip)
            .bind(p.outcome)
            .bind(p.detail)
            .execute(&mut *c)
            .await
            .map_err(sql_error)?;
    }
    Ok(())
}

/// Appends `events` in the caller's transaction when its change was `done`.
pub async fn insert_if(c: &mut PgConnection, done: bool, events: &[AuditEvent]) -> Result<()> {
    if done {
        insert_all(c, events).await?;
    }
    Ok(())
}

async fn list(pool: &PgPool, q: &AuditQuery) -> Result<Vec<AuditRecord>> {
    let (query, params) = sql::select(q);
    let query = pg(&query);
    let mut select = sqlx::query_as::<_, sql::Row>(&query);
    for p in params {
        select = match p {
            Param::Text(t) => select.bind(t),
            Param::Int(i) => select.bind(i),
        };
    }
    let rows = select.fetch_all(pool).await.map_err(sql_error)?;
    Ok(rows.into_iter().map(sql::record).collect())
}

#[async_trait]
impl AuditStore for PostgresStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        insert_all(&mut tx, events).await?;
        tx.commit().await.map_err(sql_error)
    }

    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        list(&self.pool, query).await
    }

    async fn purge_audit(&self, before: Timestamp, batch: u32) -> Result<u64> {
        let done = sqlx::query(&pg(sql::PURGE))
            .bind(before)
            .bind(i64::from(batch))
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(done.rows_affected())
    }
}
