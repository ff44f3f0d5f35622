//! The audit trail in SQLite. `insert_all` runs inside the writer's transaction of the change
//! an event records.

use async_trait::async_trait;
use rusqlite::{params, params_from_iter, Connection, ToSql};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{AuditQuery, AuditRecord, AuditStore};
use tessera_core::{Result, Timestamp};

use super::helpers::exec;
use super::{sql_error, SqliteStore};
use crate::audit_sql::{self as sql, Param};

/// Appends `events` in the caller's transaction.
pub fn insert_all(c: &Connection, events: &[AuditEvent]) -> Result<()> {
    for e in events {
        let p = sql::insert(e);
        exec(
            c,
            sql::INSERT,
            params![p.at, p.event, p.actor, p.subject, p.ip, p.outcome, p.detail],
        )?;
    }
    Ok(())
}

fn list(c: &Connection, q: &AuditQuery) -> Result<Vec<AuditRecord>> {
    let (query, params) = sql::select(q);
    let params: Vec<&dyn ToSql> = params
        .iter()
        .map(|p| match p {
            Param::Text(t) => t as &dyn ToSql,
            Param::Int(i) => i as &dyn ToSql,
        })
        .collect();
    let mut stmt = c.prepare_cached(&query).map_err(sql_error)?;
    let rows = stmt
        .query_map(params_from_iter(params), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<sql::Row>>>())
        .map_err(sql_error)?;
    Ok(rows.into_iter().map(sql::record).collect())
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()> {
        let events = events.to_vec();
        self.writer.write(move |c| insert_all(c, &events)).await
    }

    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let query = query.clone();
        self.readers.read(move |c| list(c, &query)).await
    }

    async fn purge_audit(&self, before: Timestamp, batch: u32) -> Result<u64> {
        self.writer
            .write(move |c| Ok(exec(c, sql::PURGE, params![before, batch])? as u64))
            .await
    }
}

/// Appends `events` in the caller's transaction when its change was `done`.
pub fn insert_if(c: &Connection, done: bool, events: &[AuditEvent]) -> Result<()> {
    if done {
        insert_all(c, events)?;
    }
    Ok(())
}
