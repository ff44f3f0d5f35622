//! The audit trail (admins).

use reqwest::Method;
use tessera_api::audit::{AuditFilter, AuditList};

use crate::{Client, ClientError};

impl Client {
    /// `GET /audit`: a page of the audit trail, newest first; pass its `next_cursor` as the
    /// filter's `cursor` for the next page.
    pub async fn audit(&self, filter: &AuditFilter) -> Result<AuditList, ClientError> {
        let mut url = reqwest::Url::parse(&format!("{}/audit", self.base))
            .map_err(|e| ClientError::Decode(e.to_string()))?;
        url.query_pairs_mut().extend_pairs(filter.pairs());
        let path = match url.query() {
            Some(query) if !query.is_empty() => format!("/audit?{query}"),
            _ => "/audit".to_string(),
        };
        self.authed(Method::GET, &path, None).await
    }
}
