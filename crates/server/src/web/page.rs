//! What every page shares: the frame (title, navigation, the logout form), rendering, the
//! short notices shown after an action, and how a refusal of the domain reads on a page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tessera_core::{Error, Permission};
use tracing::error;

use super::session::Viewer;
use crate::error::ApiError;

/// The frame of a page: its title, who is signed in, and the form token of the session.
pub struct Chrome {
    pub title: String,
    /// Which navigation entry is this page's.
    pub here: &'static str,
    pub user: Option<String>,
    pub admin: bool,
    pub csrf: String,
    pub notice: Option<&'static str>,
}

impl Chrome {
    pub fn new(viewer: &Viewer, title: &str, here: &'static str) -> Self {
        Self {
            title: title.to_string(),
            here,
            user: Some(viewer.caller.username.clone()),
            admin: viewer.caller.role.has(Permission::ManageUsers),
            csrf: viewer.csrf.clone(),
            notice: None,
        }
    }

    /// A frame for a page without a session (login, messages).
    pub fn anonymous(title: &str) -> Self {
        Self {
            title: title.to_string(),
            here: "",
            user: None,
            admin: false,
            csrf: String::new(),
            notice: None,
        }
    }

    /// The notice named by the `notice` query parameter, from a fixed list (a page never
    /// shows text taken from its address).
    pub fn with_notice(mut self, key: Option<&str>) -> Self {
        self.notice = key.and_then(notice);
        self
    }
}

fn notice(key: &str) -> Option<&'static str> {
    Some(match key {
        "profile" => "Your profile was saved.",
        "password" => "Your password was changed. Your other sessions have ended.",
        "ended" => "The session was ended.",
        "others" => "Every other session was ended.",
        "revoked" => "The token was revoked.",
        "apikey" => "The API key was revoked.",
        "apikeys" => "Every API key was revoked.",
        "renamed" => "The description was saved.",
        "deleted" => "The token was deleted.",
        "added" => "The maintainer was added.",
        "removed" => "The maintainer was removed.",
        "user" => "The user was saved.",
        "user-deleted" => "The user was deleted.",
        "user-sessions" => "The user's sessions were ended.",
        "logged-out" => "You are logged out.",
        "must-change" => "You must change your password before going on.",
        _ => return None,
    })
}

/// Renders a page; a template that fails to render is a plain 500 page.
pub fn html(page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            error!(error = %e, "a page failed to render");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The page could not be shown. Try again later.",
            )
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message<'a> {
    chrome: Chrome,
    text: &'a str,
}

/// A page that says one thing, with `status`.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let page = Message {
        chrome: Chrome::anonymous(title),
        text,
    };
    let body = page.render().unwrap_or_else(|_| text.to_string());
    (status, Html(body)).into_response()
}

/// How a refusal of the domain reads on a page: the API's message, never internal detail
/// (the error table words 5xx answers generically).
pub fn explain(e: Error) -> (StatusCode, String) {
    let e = ApiError::from(e);
    (e.status, e.message)
}

/// A refusal that is not about a form field: its message on a page of its own.
pub fn refused(e: Error) -> Response {
    let (status, text) = explain(e);
    let title = match status {
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::TOO_MANY_REQUESTS => "Too many requests",
        s if s.is_server_error() => "Something went wrong",
        _ => "Refused",
    };
    message(status, title, &text)
}

/// After a form that worked: back to `path`, with a notice (POST, redirect, GET).
pub fn done(path: &str, notice: &str) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}notice={notice}")).into_response()
}

/// A page for a `/ui/` path that does not exist.
pub async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not found", "There is no such page.")
}

/// Shows a time stamp as ISO-8601 UTC, or a dash.
pub fn when(at: Option<i64>) -> String {
    at.map_or_else(|| "—".to_string(), tessera_core::iso8601::format)
}
