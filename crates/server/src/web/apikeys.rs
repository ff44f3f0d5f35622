//! `/ui/apikeys`: the user's live no-session API keys; revoke one, or all. The same domain
//! calls as `GET /auth/apikeys`, `DELETE /auth/apikeys/{id}` and
//! `POST /auth/apikeys/revoke-all`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;

use super::forms::Posted;
use super::page::{self, when, Chrome};
use super::session::Viewer;
use crate::state::AppState;

pub struct Row {
    pub id: String,
    pub audience: String,
    pub subject: String,
    pub api_version: String,
    pub bound_ip: String,
    pub created: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "apikeys.html")]
struct ApiKeysPage {
    chrome: Chrome,
    rows: Vec<Row>,
}

/// `GET /ui/apikeys`
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let keys = match state.auth.list_apikeys(&viewer.caller).await {
        Ok(k) => k,
        Err(e) => return page::refused(e),
    };
    let rows = keys
        .into_iter()
        .map(|k| Row {
            audience: k.audience,
            subject: k.subject,
            api_version: k.api_version,
            bound_ip: k.bound_ip.unwrap_or_else(|| "any".into()),
            created: when(Some(k.created_at)),
            expires: when(Some(k.expires_at)),
            id: k.id,
        })
        .collect();
    let notice = query.get("notice").map(String::as_str);
    page::html(&ApiKeysPage {
        chrome: Chrome::new(&viewer, "API keys", "apikeys").with_notice(notice),
        rows,
    })
}

/// `POST /ui/apikeys/{id}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    match state.auth.revoke_apikey(&posted.viewer.caller, &id).await {
        Ok(()) => page::done("/ui/apikeys", "apikey"),
        Err(e) => page::refused(e),
    }
}

/// `POST /ui/apikeys/revoke-all`
pub async fn revoke_all(State(state): State<AppState>, posted: Posted) -> Response {
    match state
        .auth
        .revoke_all_apikeys(&posted.viewer.caller, None)
        .await
    {
        Ok(_) => page::done("/ui/apikeys", "apikeys"),
        Err(e) => page::refused(e),
    }
}
