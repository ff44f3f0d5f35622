//! The audit trail's table: events appended (alone here; with their change elsewhere in the
//! port), read newest first by a cursor, and purged past their retention.

use async_trait::async_trait;

use crate::audit::{AuditEvent, AuditKind};
use crate::error::Result;
use crate::Timestamp;

/// A stored event, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Increases with every append: the paging cursor.
    pub id: i64,
    pub at: Timestamp,
    pub event: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub ip: Option<String>,
    pub outcome: String,
    /// JSON object text.
    pub detail: String,
}

/// Which events to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Events whose actor or subject is the live user of this name (by their immutable id).
    pub user: Option<String>,
    pub event: Option<AuditKind>,
    /// At or after.
    pub since: Option<Timestamp>,
    /// At or before.
    pub until: Option<Timestamp>,
    /// Only events with a smaller id (the previous page's last).
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends events that go with no other change (in one transaction).
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()>;
    /// Events matching `query`, newest (highest id) first, at most `query.limit`.
    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>>;
    /// Deletes at most `batch` events older than `before`; how many went.
    async fn purge_audit(&self, before: Timestamp, batch: u32) -> Result<u64>;
}
