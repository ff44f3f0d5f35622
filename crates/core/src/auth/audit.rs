//! Reading and purging the audit trail.

use super::{Auth, Validated};
use crate::audit::cursor;
use crate::error::{Error, Result};
use crate::store::{AuditQuery, AuditRecord};
use crate::user::Role;
use crate::Timestamp;

/// Events deleted per statement when the trail is purged.
const PURGE_BATCH: u32 = 1000;

impl Auth {
    /// Only admins read the trail.
    pub fn may_read_audit(&self, caller: &Validated) -> Result<()> {
        if caller.role != Role::Admin {
            return Err(Error::Forbidden("the audit trail is for admins".into()));
        }
        Ok(())
    }

    /// A page of events, newest first, and the cursor of the next page (`None` at the end).
    pub async fn read_audit(
        &self,
        query: &AuditQuery,
    ) -> Result<(Vec<AuditRecord>, Option<String>)> {
        let mut page = self
            .store
            .audit_events(&AuditQuery {
                limit: query.limit.saturating_add(1),
                ..query.clone()
            })
            .await?;
        let more = page.len() > query.limit as usize;
        page.truncate(query.limit as usize);
        let next = more.then(|| page.last().map(|r| cursor(r.id))).flatten();
        Ok((page, next))
    }

    /// Deletes the events older than the retention (`audit_retention_days`, 0 = kept), in
    /// batches so that no one statement holds the database long; how many went.
    pub(super) async fn purge_audit(&self, now: Timestamp) -> Result<u64> {
        let days = i64::from(self.settings.audit_retention_days);
        if days == 0 {
            return Ok(0);
        }
        let before = now - days * 86_400;
        let mut purged = 0;
        loop {
            let n = self.store.purge_audit(before, PURGE_BATCH).await?;
            purged += n;
            if n < u64::from(PURGE_BATCH) {
                return Ok(purged);
            }
        }
    }
}
