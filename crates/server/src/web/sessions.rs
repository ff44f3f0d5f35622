//! `/ui/sessions`: where the user is logged in (created, last active, address, browser); end
//! one, or every other one. The same domain calls as `GET /auth/sessions`,
//! `DELETE /auth/sessions/{id}` and `POST /auth/sessions/revoke-others`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::cookies;
use super::forms::Posted;
use super::page::{self, when, Chrome};
use super::session::Viewer;
use crate::state::AppState;

pub struct Row {
    pub id: String,
    pub created: String,
    pub last_active: String,
    pub expires: String,
    pub address: String,
    pub browser: String,
    pub user_agent: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    rows: Vec<Row>,
}

/// A short name for the browser of a `User-Agent`.
pub fn browser(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|u| !u.trim().is_empty()) else {
        return "unknown".into();
    };
    let known = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python", "Python"),
    ];
    let name = known
        .iter()
        .find(|(marker, _)| ua.contains(marker))
        .map_or_else(
            || ua.split(['/', ' ']).next().unwrap_or("unknown").to_string(),
            |(_, name)| (*name).to_string(),
        );
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS X", "Linux"]
        .into_iter()
        .find(|s| ua.contains(s));
    match system {
        Some(os) => format!("{name} on {}", os.replace("Mac OS X", "macOS")),
        None => name,
    }
}

/// `GET /ui/sessions`
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let sessions = match state.auth.list_sessions(&viewer.caller).await {
        Ok(s) => s,
        Err(e) => return page::refused(e),
    };
    let rows = sessions
        .into_iter()
        .map(|s| Row {
            current: s.id == viewer.caller.session_id,
            created: when(Some(s.created_at)),
            last_active: when(Some(s.refreshed_at)),
            expires: when(Some(s.expires_at)),
            address: s.client.ip.clone().unwrap_or_else(|| "unknown".into()),
            browser: browser(s.client.user_agent.as_deref()),
            user_agent: s.client.user_agent.unwrap_or_default(),
            id: s.id,
        })
        .collect();
    let notice = query.get("notice").map(String::as_str);
    page::html(&SessionsPage {
        chrome: Chrome::new(&viewer, "Sessions", "sessions").with_notice(notice),
        rows,
    })
}

/// `POST /ui/sessions/{id}/end`: ending this browser's own session logs it out.
pub async fn end(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let viewer = &posted.viewer;
    if let Err(e) = state.auth.end_session(&viewer.caller, &id).await {
        return page::refused(e);
    }
    if id == viewer.caller.session_id {
        let mut response = Redirect::to("/ui/login?notice=logged-out").into_response();
        let secure = viewer.transport.secure;
        cookies::append(response.headers_mut(), cookies::signed_out(secure));
        return response;
    }
    page::done("/ui/sessions", "ended")
}

/// `POST /ui/sessions/end-others`
pub async fn end_others(State(state): State<AppState>, posted: Posted) -> Response {
    match state.auth.end_other_sessions(&posted.viewer.caller).await {
        Ok(_) => page::done("/ui/sessions", "others"),
        Err(e) => page::refused(e),
    }
}

#[cfg(test)]
mod tests {
    use super::browser;

    #[test]
    fn browsers_are_named_as_people_know_them() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/120.0 Safari/537.36";
        assert_eq!(browser(Some(chrome)), "Chrome on Linux");
        let firefox = "Mozilla/5.0 (Windows NT 10.0; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(browser(Some(firefox)), "Firefox on Windows");
        assert_eq!(browser(Some("curl/8.5.0")), "curl");
        assert_eq!(browser(None), "unknown");
        assert_eq!(browser(Some("tessera-client/0.1")), "tessera-client");
    }
}
