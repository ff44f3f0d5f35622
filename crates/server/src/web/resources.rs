//! `/ui/resources` and `/ui/resources/{name}`: the resources the user maintains (all of them
//! for admins), and one resource's token page as the QGIS plugin site has it (generate a
//! token for the resource, its list, a token's details, edit its description, delete it) with
//! the resource's maintainers (add, remove). The same domain calls as the `/resources` routes.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::Value;
use tessera_core::auth::Caller;
use tessera_core::Error;

use super::forms::{Fields, Posted};
use super::page::{self, when, Chrome};
use super::session::{encode, Viewer};
use super::tokens::{Created, Row, LIFETIMES, PERMISSIONS};
use crate::state::AppState;

pub struct Listed {
    pub name: String,
    pub path: String,
    pub maintainers: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "resources.html")]
struct ResourcesPage {
    chrome: Chrome,
    rows: Vec<Listed>,
}

/// `GET /ui/resources`
pub async fn list(State(state): State<AppState>, Extension(viewer): Extension<Viewer>) -> Response {
    let resources = match state
        .auth
        .list_resources(Caller::User(&viewer.caller))
        .await
    {
        Ok(r) => r,
        Err(e) => return page::refused(e),
    };
    let rows = resources
        .into_iter()
        .map(|r| Listed {
            path: format!("/ui/resources/{}", encode(&r.name)),
            maintainers: r.maintainers.join(", "),
            created: when(Some(r.created_at)),
            name: r.name,
        })
        .collect();
    page::html(&ResourcesPage {
        chrome: Chrome::new(&viewer, "Resources", "resources"),
        rows,
    })
}

/// What the token form holds, and what it said was wrong.
#[derive(Default)]
pub struct Draft {
    pub description: String,
    pub permissions: Vec<String>,
    /// 0: never expires.
    pub days: i64,
    pub description_error: Option<String>,
    pub permissions_error: Option<String>,
    pub maintainer: String,
    pub maintainer_error: Option<String>,
    pub error: Option<String>,
}

impl Draft {
    fn fresh() -> Self {
        Self {
            permissions: vec!["read".into()],
            days: 365,
            ..Self::default()
        }
    }

    fn from(fields: &Fields) -> Self {
        Self {
            description: fields.get("description").to_string(),
            permissions: fields
                .all("permissions")
                .into_iter()
                .map(str::to_string)
                .collect(),
            days: fields.get("expires_days").parse().unwrap_or(-1),
            ..Self::fresh()
        }
    }

    pub fn has(&self, permission: &&str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

#[derive(Template)]
#[template(path = "resource.html")]
struct ResourcePage {
    chrome: Chrome,
    name: String,
    path: String,
    maintainers: Vec<String>,
    rows: Vec<Row>,
    draft: Draft,
    created: Option<Created>,
    lifetimes: [(i64, &'static str); 5],
    permissions: [&'static str; 4],
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    notice: Option<&str>,
    draft: Draft,
    created: Option<Created>,
    status: StatusCode,
) -> Response {
    let caller = &viewer.caller;
    let tokens = match state.auth.list_resource_tokens(caller, name).await {
        Ok(t) => t,
        Err(e) => return page::refused(e),
    };
    let resource = match state.auth.resource_named(name).await {
        Ok(r) => r,
        Err(e) => return page::refused(e),
    };
    let page = ResourcePage {
        chrome: Chrome::new(viewer, &format!("Resource {name}"), "resources").with_notice(notice),
        path: format!("/ui/resources/{}", encode(name)),
        name: name.to_string(),
        maintainers: resource.maintainers,
        rows: tokens.into_iter().map(Row::of).collect(),
        draft,
        created,
        lifetimes: LIFETIMES,
        permissions: PERMISSIONS,
    };
    (status, page::html(&page)).into_response()
}

/// `GET /ui/resources/{name}`
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let notice = query.get("notice").map(String::as_str);
    render(
        &state,
        &viewer,
        &name,
        notice,
        Draft::fresh(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /ui/resources/{name}/tokens`: the new token's secret is in this answer only.
pub async fn generate(
    State(state): State<AppState>,
    Path(name): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, fields } = posted;
    let mut draft = Draft::from(&fields);
    let expires_in = match draft.days {
        0 => Ok(None),
        d if LIFETIMES.iter().any(|(days, _)| *days == d) => Ok(Some(d * 86_400)),
        _ => Err(Error::BadRequest("Choose when the token expires.".into())),
    };
    let scopes = if draft.permissions.is_empty() {
        Err(Error::BadRequest("Tick at least one permission.".into()))
    } else {
        crate::plantdb::permissions(&Value::from(draft.permissions.clone()))
    };
    let creating = state.auth.create_resource_token(
        &viewer.caller,
        &name,
        Some(draft.description.as_str()),
        scopes,
        expires_in,
    );
    let (created, status) = match creating.await {
        Ok(created) => {
            let shown = Created {
                secret: created.secret.plain.clone(),
                description: created.description.clone(),
            };
            draft = Draft::fresh();
            (Some(shown), StatusCode::CREATED)
        }
        Err(e @ (Error::Forbidden(_) | Error::NotFound(_))) if !is_permission(&e) => {
            return page::refused(e);
        }
        Err(e) => {
            let text = page::explain(e).1;
            let lower = text.to_ascii_lowercase();
            if lower.contains("description") {
                draft.description_error = Some(text);
            } else if lower.contains("permission") {
                draft.permissions_error = Some(text);
            } else {
                draft.error = Some(text);
            }
            (None, StatusCode::BAD_REQUEST)
        }
    };
    render(&state, &viewer, &name, None, draft, created, status).await
}

/// A refusal about the permissions asked for (the form's fault), not about the resource.
fn is_permission(e: &Error) -> bool {
    matches!(e, Error::Forbidden(m) if m.contains("permission"))
}

#[derive(Template)]
#[template(path = "resource_token.html")]
struct TokenPage {
    chrome: Chrome,
    name: String,
    path: String,
    token: Row,
    description: String,
    description_error: Option<String>,
}

async fn token_page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    id: &str,
    notice: Option<&str>,
    error: Option<(String, String)>,
) -> Response {
    let tokens = match state.auth.list_resource_tokens(&viewer.caller, name).await {
        Ok(t) => t,
        Err(e) => return page::refused(e),
    };
    let Some(token) = tokens.into_iter().find(|t| t.id == id) else {
        return page::refused(Error::NotFound(format!(
            "no live token {id} of this resource"
        )));
    };
    let token = Row::of(token);
    let (description, description_error, status) = match error {
        Some((typed, text)) => (typed, Some(text), StatusCode::BAD_REQUEST),
        None => (token.description.clone(), None, StatusCode::OK),
    };
    let page = TokenPage {
        chrome: Chrome::new(viewer, &format!("Token of {name}"), "resources").with_notice(notice),
        path: format!("/ui/resources/{}", encode(name)),
        name: name.to_string(),
        token,
        description,
        description_error,
    };
    (status, page::html(&page)).into_response()
}

/// `GET /ui/resources/{name}/tokens/{id}`: a token's details.
pub async fn token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((name, id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let notice = query.get("notice").map(String::as_str);
    token_page(&state, &viewer, &name, &id, notice, None).await
}

/// `POST /ui/resources/{name}/tokens/{id}/description`
pub async fn describe(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { viewer, fields } = posted;
    let typed = fields.get("description");
    let describing = state
        .auth
        .describe_resource_token(&viewer.caller, &name, &id, Some(typed));
    match describing.await {
        Ok(()) => page::done(
            &format!("/ui/resources/{}/tokens/{}", encode(&name), encode(&id)),
            "renamed",
        ),
        Err(e @ (Error::BadRequest(_) | Error::Conflict(_))) => {
            let text = page::explain(e).1;
            token_page(
                &state,
                &viewer,
                &name,
                &id,
                None,
                Some((typed.into(), text)),
            )
            .await
        }
        Err(e) => page::refused(e),
    }
}

/// `POST /ui/resources/{name}/tokens/{id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let revoking = state
        .auth
        .revoke_resource_token(&posted.viewer.caller, &name, &id);
    match revoking.await {
        Ok(()) => page::done(&format!("/ui/resources/{}", encode(&name)), "deleted"),
        Err(e) => page::refused(e),
    }
}

/// `POST /ui/resources/{name}/maintainers`
pub async fn add_maintainer(
    State(state): State<AppState>,
    Path(name): Path<String>,
    posted: Posted,
) -> Response {
    let Posted { viewer, fields } = posted;
    let username = fields.get("username").trim().to_string();
    let adding = state
        .auth
        .add_maintainer(Caller::User(&viewer.caller), &name, &username);
    match adding.await {
        Ok(_) => page::done(&format!("/ui/resources/{}", encode(&name)), "added"),
        Err(e @ Error::Forbidden(_)) => page::refused(e),
        Err(e) => {
            let mut draft = Draft::fresh();
            draft.maintainer = username;
            draft.maintainer_error = Some(page::explain(e).1);
            let status = StatusCode::BAD_REQUEST;
            render(&state, &viewer, &name, None, draft, None, status).await
        }
    }
}

/// `POST /ui/resources/{name}/maintainers/{username}/remove`
pub async fn remove_maintainer(
    State(state): State<AppState>,
    Path((name, username)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let removing =
        state
            .auth
            .remove_maintainer(Caller::User(&posted.viewer.caller), &name, &username);
    match removing.await {
        Ok(()) => page::done(&format!("/ui/resources/{}", encode(&name)), "removed"),
        Err(e) => page::refused(e),
    }
}
