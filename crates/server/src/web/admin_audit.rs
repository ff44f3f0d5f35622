//! `/ui/admin/audit`: the audit trail for admins, filtered (user, event, time range) and a
//! page at a time, newest first. The same domain call as `GET /audit`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use tessera_core::audit::{parse_query, AuditKind};

use super::page::{self, when, Chrome};
use super::session::{encode, Viewer};
use crate::state::AppState;

pub struct Row {
    pub at: String,
    pub event: String,
    pub actor: String,
    pub subject: String,
    pub ip: String,
    pub outcome: String,
    pub detail: String,
}

/// The filters, as typed.
#[derive(Default)]
pub struct Filters {
    pub user: String,
    pub event: String,
    pub since: String,
    pub until: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    chrome: Chrome,
    filters: Filters,
    events: Vec<&'static str>,
    rows: Vec<Row>,
    next: Option<String>,
}

const FILTERS: [&str; 4] = ["user", "event", "since", "until"];

/// `GET /ui/admin/audit`
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = state.auth.may_read_audit(&viewer.caller) {
        return page::refused(e);
    }
    let typed = |k: &str| query.get(k).map_or(String::new(), |v| v.trim().to_string());
    let mut filters = Filters {
        user: typed("user"),
        event: typed("event"),
        since: typed("since"),
        until: typed("until"),
        error: None,
    };
    let pairs = FILTERS
        .into_iter()
        .chain(["limit", "cursor"])
        .filter_map(|k| Some((k, query.get(k)?.trim())))
        .filter(|(_, v)| !v.is_empty());
    let (records, next, status) = match parse_query(pairs) {
        Ok(q) => match state.auth.read_audit(&q).await {
            Ok((records, next)) => (records, next, StatusCode::OK),
            Err(e) => return page::refused(e),
        },
        Err(e) => {
            filters.error = Some(e.to_string());
            (Vec::new(), None, StatusCode::BAD_REQUEST)
        }
    };
    let next = next.map(|cursor| {
        let mut link = String::from("/ui/admin/audit?");
        for (k, v) in [
            ("user", &filters.user),
            ("event", &filters.event),
            ("since", &filters.since),
            ("until", &filters.until),
        ] {
            link.push_str(&format!("{k}={}&", encode(v)));
        }
        if let Some(limit) = query.get("limit") {
            link.push_str(&format!("limit={}&", encode(limit)));
        }
        link.push_str(&format!("cursor={}", encode(&cursor)));
        link
    });
    let rows = records
        .into_iter()
        .map(|r| Row {
            at: when(Some(r.at)),
            event: r.event,
            actor: r.actor.unwrap_or_default(),
            subject: r.subject.unwrap_or_default(),
            ip: r.ip.unwrap_or_default(),
            outcome: r.outcome,
            detail: if r.detail == "{}" {
                String::new()
            } else {
                r.detail
            },
        })
        .collect();
    let page = AuditPage {
        chrome: Chrome::new(&viewer, "Audit trail", "audit"),
        filters,
        events: AuditKind::ALL.iter().map(|k| k.as_str()).collect(),
        rows,
        next,
    };
    (status, page::html(&page)).into_response()
}
