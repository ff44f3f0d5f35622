//! `GET /api/v1/audit`: the audit trail, newest first.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One recorded event. `actor` and `subject` are usernames as they were (an unknown username
/// of a failed login is `unknown:` and a keyed hash); `actor` is null for the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// ISO-8601 UTC.
    pub at: String,
    pub event: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub ip: Option<String>,
    /// `success` or `failure`.
    pub outcome: String,
    /// A small object of non-secret facts (ids, reasons, roles).
    #[schema(value_type = Object)]
    pub detail: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditList {
    pub events: Vec<AuditEntry>,
    /// Pass as `cursor` for the next (older) page; null at the end.
    pub next_cursor: Option<String>,
}

/// The filters of `GET /api/v1/audit`; `None` leaves one out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub event: Option<String>,
    /// ISO-8601 UTC.
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl AuditFilter {
    /// The `(name, value)` query pairs of the filters given.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let limit = self.limit.map(|n| n.to_string());
        [
            ("user", self.user.clone()),
            ("event", self.event.clone()),
            ("since", self.since.clone()),
            ("until", self.until.clone()),
            ("limit", limit),
            ("cursor", self.cursor.clone()),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}
