//! `/ui/admin/users`: admins find users, create them, change their role, disable or enable
//! them, end their sessions and delete them. The same domain calls as the `/users` routes
//! and `POST /users/{username}/sessions/revoke-all`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use tessera_core::auth::UserChanges;
use tessera_core::user_query::parse_user_query;
use tessera_core::{Error, Role, User};

use super::forms::Posted;
use super::page::{self, when, Chrome};
use super::session::{encode, Viewer};
use crate::state::AppState;

pub struct Row {
    pub username: String,
    pub fullname: String,
    pub role: &'static str,
    pub disabled: bool,
    pub created: String,
    pub last_login: String,
}

impl Row {
    fn of(u: &User) -> Self {
        Self {
            username: u.username.to_string(),
            fullname: u.fullname.clone(),
            role: u.role.as_str(),
            disabled: u.disabled,
            created: when(Some(u.created_at)),
            last_login: when(u.last_login_at),
        }
    }
}

/// The search, as typed.
#[derive(Default)]
pub struct Search {
    pub q: String,
    pub role: String,
    pub disabled: String,
    pub error: Option<String>,
}

/// The creation form, as typed (never the password), and what it said was wrong.
#[derive(Default)]
pub struct Draft {
    pub username: String,
    pub fullname: String,
    pub role: String,
    pub username_error: Option<String>,
    pub fullname_error: Option<String>,
    pub password_error: Option<String>,
}

/// A user just created with a generated password, shown once.
pub struct Created {
    pub username: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    search: Search,
    rows: Vec<Row>,
    next: Option<String>,
    draft: Draft,
    created: Option<Created>,
    roles: [&'static str; 3],
}

const ROLES: [&str; 3] = ["reader", "contributor", "admin"];

async fn render(
    state: &AppState,
    viewer: &Viewer,
    query: &HashMap<String, String>,
    draft: Draft,
    created: Option<Created>,
    status: StatusCode,
) -> Response {
    let pairs = ["q", "role", "disabled", "cursor"]
        .into_iter()
        .filter_map(|k| Some((k, query.get(k)?.as_str())))
        .filter(|(_, v)| !v.trim().is_empty());
    let mut search = Search {
        q: query.get("q").cloned().unwrap_or_default(),
        role: query.get("role").cloned().unwrap_or_default(),
        disabled: query.get("disabled").cloned().unwrap_or_default(),
        error: None,
    };
    let (users, next) = match parse_user_query(pairs) {
        Ok(q) => match state.auth.list_users_page(&viewer.caller, &q).await {
            Ok(page) => page,
            Err(e) => return page::refused(e),
        },
        Err(e) => {
            search.error = Some(e.to_string());
            (Vec::new(), None)
        }
    };
    let next = next.map(|cursor| {
        format!(
            "/ui/admin/users?q={}&role={}&disabled={}&cursor={}",
            encode(&search.q),
            encode(&search.role),
            encode(&search.disabled),
            encode(&cursor)
        )
    });
    let notice = query.get("notice").map(String::as_str);
    let page = UsersPage {
        chrome: Chrome::new(viewer, "Users", "users").with_notice(notice),
        search,
        rows: users.iter().map(Row::of).collect(),
        next,
        draft,
        created,
        roles: ROLES,
    };
    (status, page::html(&page)).into_response()
}

/// `GET /ui/admin/users`
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = state.auth.may_manage_users(&viewer.caller) {
        return page::refused(e);
    }
    let draft = Draft {
        role: "reader".into(),
        ..Draft::default()
    };
    render(&state, &viewer, &query, draft, None, StatusCode::OK).await
}

/// `POST /ui/admin/users`: a password left blank is generated and shown once.
pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { viewer, fields } = posted;
    let mut draft = Draft {
        username: fields.get("username").trim().to_string(),
        fullname: fields.get("fullname").trim().to_string(),
        role: fields.get("role").to_string(),
        ..Draft::default()
    };
    let none = HashMap::new();
    let bad = StatusCode::BAD_REQUEST;
    if draft.username.is_empty() {
        draft.username_error = Some("Enter a username.".into());
        return render(&state, &viewer, &none, draft, None, bad).await;
    }
    if draft.fullname.is_empty() {
        draft.fullname_error = Some("Enter the full name.".into());
        return render(&state, &viewer, &none, draft, None, bad).await;
    }
    let role = Role::parse(&draft.role).unwrap_or(Role::Reader);
    let password = Some(fields.get("password")).filter(|p| !p.is_empty());
    let creating = state.auth.create_user_as(
        &viewer.caller,
        &draft.username,
        &draft.fullname,
        role,
        password,
    );
    match creating.await {
        Ok(created) => {
            let shown = created.generated_password.map(|password| Created {
                username: created.user.username.to_string(),
                password,
            });
            let fresh = Draft {
                role: "reader".into(),
                ..Draft::default()
            };
            let mut query = HashMap::new();
            query.insert("notice".to_string(), "user".to_string());
            render(&state, &viewer, &query, fresh, shown, StatusCode::CREATED).await
        }
        Err(e @ Error::Forbidden(_)) => page::refused(e),
        Err(e) => {
            let password_refused = matches!(e, Error::WeakPassword(_));
            let text = page::explain(e).1;
            if password_refused {
                draft.password_error = Some(text);
            } else {
                draft.username_error = Some(text);
            }
            render(&state, &viewer, &none, draft, None, bad).await
        }
    }
}

async fn change(
    state: &AppState,
    posted: &Posted,
    username: &str,
    changes: UserChanges,
) -> Response {
    match state
        .auth
        .update_user(&posted.viewer.caller, username, &changes)
        .await
    {
        Ok(_) => page::done("/ui/admin/users", "user"),
        Err(e) => page::refused(e),
    }
}

/// `POST /ui/admin/users/{username}/role`
pub async fn role(
    State(state): State<AppState>,
    Path(username): Path<String>,
    posted: Posted,
) -> Response {
    let Some(role) = Role::parse(posted.fields.get("role")) else {
        return page::refused(Error::BadRequest(
            "role must be reader, contributor or admin".into(),
        ));
    };
    let changes = UserChanges {
        fullname: None,
        role: Some(role),
        disabled: None,
    };
    change(&state, &posted, &username, changes).await
}

/// `POST /ui/admin/users/{username}/disabled`: `disabled=true` disables (every credential of
/// theirs stops working), `false` enables.
pub async fn disabled(
    State(state): State<AppState>,
    Path(username): Path<String>,
    posted: Posted,
) -> Response {
    let disabled = posted.fields.get("disabled") == "true";
    let changes = UserChanges {
        fullname: None,
        role: None,
        disabled: Some(disabled),
    };
    change(&state, &posted, &username, changes).await
}

/// `POST /ui/admin/users/{username}/sessions`: ends every session of the user.
pub async fn end_sessions(
    State(state): State<AppState>,
    Path(username): Path<String>,
    posted: Posted,
) -> Response {
    match state
        .auth
        .end_user_sessions(&posted.viewer.caller, &username)
        .await
    {
        Ok(_) => page::done("/ui/admin/users", "user-sessions"),
        Err(e) => page::refused(e),
    }
}

/// `POST /ui/admin/users/{username}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Path(username): Path<String>,
    posted: Posted,
) -> Response {
    match state
        .auth
        .delete_user(&posted.viewer.caller, &username, None)
        .await
    {
        Ok(()) => page::done("/ui/admin/users", "user-deleted"),
        Err(e) => page::refused(e),
    }
}
