//! `/ui/tokens`: the user's personal tokens: create one (description, dataset scopes,
//! expiry; its secret shown once), list them with their last use, revoke one. The same
//! domain calls as `create-api-token`, `GET /auth/tokens` and `DELETE /auth/tokens/{id}`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{Map, Value};
use tessera_core::scopes::Scopes;
use tessera_core::store::TokenRecord;
use tessera_core::Error;

use super::forms::{Fields, Posted};
use super::page::{self, when, Chrome};
use super::session::Viewer;
use crate::state::AppState;

/// The lifetimes offered, as (days, label).
pub const LIFETIMES: [(i64, &str); 5] = [
    (1, "1 day"),
    (7, "7 days"),
    (30, "30 days"),
    (90, "90 days"),
    (365, "1 year"),
];

/// The permissions a token may be given.
pub const PERMISSIONS: [&str; 4] = ["read", "write", "create", "delete"];

/// A token as a list shows it.
pub struct Row {
    pub id: String,
    pub description: String,
    pub scopes: String,
    pub created: String,
    pub created_by: String,
    pub expires: String,
    pub last_used: String,
    pub last_used_from: String,
}

impl Row {
    pub fn of(t: TokenRecord) -> Self {
        let scopes = Scopes::from_json(&t.scopes)
            .map(|s| s.strings().join(", "))
            .unwrap_or_default();
        Self {
            scopes,
            created: when(Some(t.created_at)),
            created_by: t.created_by,
            expires: t
                .expires_at
                .map_or_else(|| "never".into(), |at| when(Some(at))),
            last_used: t
                .last_used_at
                .map_or_else(|| "never".into(), |at| when(Some(at))),
            last_used_from: t.last_used_ip.unwrap_or_default(),
            description: t.description,
            id: t.id,
        }
    }
}

/// What the creation form holds, and what it said was wrong.
#[derive(Default)]
pub struct Draft {
    pub description: String,
    pub datasets: String,
    pub permissions: Vec<String>,
    pub days: i64,
    pub description_error: Option<String>,
    pub datasets_error: Option<String>,
    pub permissions_error: Option<String>,
    pub error: Option<String>,
}

impl Draft {
    fn fresh() -> Self {
        Self {
            datasets: "*".into(),
            permissions: vec!["read".into()],
            days: 30,
            ..Self::default()
        }
    }

    fn from(fields: &Fields) -> Self {
        Self {
            description: fields.get("description").to_string(),
            datasets: fields.get("datasets").to_string(),
            permissions: fields
                .all("permissions")
                .into_iter()
                .map(str::to_string)
                .collect(),
            days: fields.get("expires_days").parse().unwrap_or(0),
            ..Self::default()
        }
    }

    pub fn has(&self, permission: &&str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// Puts a refusal of the domain next to the field it is about.
    fn refused(&mut self, e: Error) {
        let text = page::explain(e).1;
        let lower = text.to_ascii_lowercase();
        if lower.contains("description") {
            self.description_error = Some(text);
        } else if lower.contains("dataset") || lower.contains("pattern") {
            self.datasets_error = Some(text);
        } else if lower.contains("permission") {
            self.permissions_error = Some(text);
        } else {
            self.error = Some(text);
        }
    }
}

/// A secret just created, shown once.
pub struct Created {
    pub secret: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    rows: Vec<Row>,
    draft: Draft,
    created: Option<Created>,
    lifetimes: [(i64, &'static str); 5],
    permissions: [&'static str; 4],
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    draft: Draft,
    created: Option<Created>,
    status: StatusCode,
) -> Response {
    let tokens = match state.auth.list_personal_tokens(&viewer.caller).await {
        Ok(t) => t,
        Err(e) => return page::refused(e),
    };
    let page = TokensPage {
        chrome: Chrome::new(viewer, "Personal tokens", "tokens").with_notice(notice),
        rows: tokens.into_iter().map(Row::of).collect(),
        draft,
        created,
        lifetimes: LIFETIMES,
        permissions: PERMISSIONS,
    };
    (status, page::html(&page)).into_response()
}

/// `GET /ui/tokens`
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let notice = query.get("notice").map(String::as_str);
    render(
        &state,
        &viewer,
        notice,
        Draft::fresh(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The dataset scopes of the form: each pattern (comma- or line-separated) with the
/// permissions ticked, read as `create-api-token` reads its `datasets`.
fn scopes(draft: &mut Draft) -> Option<Scopes> {
    let patterns: Vec<&str> = draft
        .datasets
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if patterns.is_empty() {
        draft.datasets_error = Some("Name at least one dataset pattern, such as *.".into());
        return None;
    }
    if draft.permissions.is_empty() {
        draft.permissions_error = Some("Tick at least one permission.".into());
        return None;
    }
    let perms = Value::from(draft.permissions.clone());
    let map: Map<String, Value> = patterns
        .into_iter()
        .map(|p| (p.to_string(), perms.clone()))
        .collect();
    match crate::plantdb::datasets(Some(&Value::Object(map))) {
        Ok(scopes) => Some(scopes),
        Err(e) => {
            draft.refused(e);
            None
        }
    }
}

/// `POST /ui/tokens`: the new token's secret is in this answer only.
pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { viewer, fields } = posted;
    let mut draft = Draft::from(&fields);
    let bad = |draft: Draft| render(&state, &viewer, None, draft, None, StatusCode::BAD_REQUEST);
    if !LIFETIMES.iter().any(|(d, _)| *d == draft.days) {
        draft.error = Some("Choose when the token expires.".into());
        return bad(draft).await;
    }
    let Some(scopes) = scopes(&mut draft) else {
        return bad(draft).await;
    };
    let description = Some(draft.description.trim()).filter(|d| !d.is_empty());
    let creating =
        state
            .auth
            .create_personal_token(&viewer.caller, scopes, draft.days * 86_400, description);
    match creating.await {
        Ok(created) => {
            let shown = Created {
                secret: created.secret.plain.clone(),
                description: created.description.clone(),
            };
            let status = StatusCode::CREATED;
            render(&state, &viewer, None, Draft::fresh(), Some(shown), status).await
        }
        Err(e) => {
            draft.refused(e);
            bad(draft).await
        }
    }
}

/// `POST /ui/tokens/{id}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    match state
        .auth
        .revoke_personal_token(&posted.viewer.caller, &id)
        .await
    {
        Ok(()) => page::done("/ui/tokens", "revoked"),
        Err(e) => page::refused(e),
    }
}
