//! `/ui/account`: the user's profile (full name) and their password.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tessera_core::auth::UserChanges;
use tessera_core::User;

use super::cookies::{self, ACCESS, REFRESH};
use super::forms::Posted;
use super::page::{self, when, Chrome};
use super::session::Viewer;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    username: String,
    role: &'static str,
    created: String,
    last_login: String,
    must_change: bool,
    fullname: String,
    fullname_error: Option<String>,
    current_error: Option<String>,
    new_error: Option<String>,
}

impl AccountPage {
    fn of(viewer: &Viewer, user: &User, notice: Option<&str>) -> Self {
        Self {
            chrome: Chrome::new(viewer, "Account", "account").with_notice(notice),
            username: user.username.to_string(),
            role: user.role.as_str(),
            created: when(Some(user.created_at)),
            last_login: when(user.last_login_at),
            must_change: viewer.caller.must_change_password,
            fullname: user.fullname.clone(),
            fullname_error: None,
            current_error: None,
            new_error: None,
        }
    }
}

async fn user(state: &AppState, viewer: &Viewer) -> Result<User, Response> {
    let caller = &viewer.caller;
    state
        .auth
        .user_for(caller, &caller.username)
        .await
        .map_err(page::refused)
}

/// `GET /ui/account`
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(viewer): axum::Extension<Viewer>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match user(&state, &viewer).await {
        Ok(user) => page::html(&AccountPage::of(
            &viewer,
            &user,
            query.get("notice").map(String::as_str),
        )),
        Err(refusal) => refusal,
    }
}

/// `POST /ui/account/profile`: the full name, as `PATCH /users/me`.
pub async fn profile(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { viewer, fields } = posted;
    let changes = UserChanges {
        fullname: Some(fields.get("fullname").to_string()),
        role: None,
        disabled: None,
    };
    let caller = &viewer.caller;
    match state
        .auth
        .update_user(caller, &caller.username, &changes)
        .await
    {
        Ok(_) => page::done("/ui/account", "profile"),
        Err(e) => {
            let user = match user(&state, &viewer).await {
                Ok(u) => u,
                Err(refusal) => return refusal,
            };
            let (status, text) = page::explain(e);
            let mut page = AccountPage::of(&viewer, &user, None);
            page.fullname = fields.get("fullname").to_string();
            page.fullname_error = Some(text);
            (status, page::html(&page)).into_response()
        }
    }
}

/// `POST /ui/account/password`: as `POST /users/me/password`; this session stays (renewed,
/// so that a password that had to change no longer limits it), every other one ends.
pub async fn password(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { viewer, fields } = posted;
    let (current, new) = (fields.get("current_password"), fields.get("new_password"));
    let refusal = if current.is_empty() {
        ("current", "Enter your current password.".to_string())
    } else if new.is_empty() {
        ("new", "Enter a new password.".to_string())
    } else if new != fields.get("confirm_password") {
        ("new", "The two new passwords differ.".to_string())
    } else if let Err(e) = state.limits.login.check(viewer.transport.client).await {
        ("current", page::explain(e).1)
    } else {
        let revoke_tokens = fields.checked("revoke_personal_tokens");
        let changing = state
            .auth
            .change_own_password(&viewer.caller, current, new, revoke_tokens);
        match changing.await {
            Ok(_) => return renewed(&state, &viewer).await,
            Err(e) => {
                let field = match &e {
                    tessera_core::Error::WrongPassword => "current",
                    _ => "new",
                };
                (field, page::explain(e).1)
            }
        }
    };
    let user = match user(&state, &viewer).await {
        Ok(u) => u,
        Err(refusal) => return refusal,
    };
    let mut page = AccountPage::of(&viewer, &user, None);
    match refusal {
        ("current", text) => page.current_error = Some(text),
        (_, text) => page.new_error = Some(text),
    }
    (StatusCode::BAD_REQUEST, page::html(&page)).into_response()
}

/// After a password change: the session's tokens renewed (its refresh token is rotated now),
/// back to the account page.
async fn renewed(state: &AppState, viewer: &Viewer) -> Response {
    let mut response = page::done("/ui/account", "password");
    let Some(refresh) = viewer.refresh_token.as_deref() else {
        return response;
    };
    if let Ok((access, refresh)) = state
        .web
        .refresher
        .refresh(&state.auth, refresh)
        .await
        .as_ref()
    {
        let secure = viewer.transport.secure;
        let ttl = state.auth.settings().refresh_ttl;
        cookies::append(
            response.headers_mut(),
            [
                cookies::set(ACCESS, access, None, secure),
                cookies::set(REFRESH, refresh, Some(ttl), secure),
            ],
        );
    }
    response
}
