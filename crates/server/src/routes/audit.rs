//! `GET /audit`: the audit trail for admins, newest first, a page at a time.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use tessera_api::audit::{AuditEntry, AuditList};
use tessera_core::audit::parse_query;
use tessera_core::iso8601;
use tessera_core::store::AuditRecord;

use super::list_query::parsed;
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

/// `GET /audit?user=&event=&since=&until=&limit=&cursor=`
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    operation_id = "list_audit_events",
    tag = "audit",
    params(
        ("user" = Option<String>, Query, description = "Only events whose actor or subject is this (live) user"),
        ("event" = Option<String>, Query, description = "Only events of this kind (one of the audit event names)"),
        ("since" = Option<String>, Query, description = "Only events at or after this ISO-8601 UTC time"),
        ("until" = Option<String>, Query, description = "Only events before this ISO-8601 UTC time"),
        ("limit" = Option<u32>, Query, description = "Events per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "A page of events, newest first; `next_cursor` is null at the end", body = AuditList),
        (status = 400, description = "`unknown_parameter`, `invalid_parameter` (an unknown event, a malformed time, a limit out of range), `invalid_cursor`"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the caller is not an admin"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Json<AuditList>> {
    state.auth.may_read_audit(&caller)?;
    let query = parsed(query, |pairs| parse_query(pairs))?;
    let (records, next_cursor) = state.auth.read_audit(&query).await?;
    Ok(Json(AuditList {
        events: records.into_iter().map(entry).collect(),
        next_cursor,
    }))
}

/// A stored event as the API shows it.
pub(crate) fn entry(r: AuditRecord) -> AuditEntry {
    AuditEntry {
        id: r.id,
        at: iso8601::format(r.at),
        event: r.event,
        actor: r.actor,
        subject: r.subject,
        ip: r.ip,
        outcome: r.outcome,
        detail: serde_json::from_str(&r.detail).unwrap_or_default(),
    }
}
