//! Forms: their fields, and the checks every state-changing one passes before anything
//! changes: the `Origin` (or, when it is absent or `null`, `Sec-Fetch-Site`) says the form
//! came from this page, and its
//! `csrf` field is the token derived from the browser's session under the signing key. A
//! refusal is a 403 page and changes nothing.

use axum::extract::{FromRequest, Request};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use tessera_core::auth::constant_time_eq;

use super::page;
use super::session::Viewer;
use crate::state::AppState;

/// The form token of a session.
pub fn token(state: &AppState, session_id: &str) -> String {
    B64.encode(state.auth.web_derive("csrf", session_id.as_bytes()))
}

/// The login form's token, derived from the random value of the browser's login cookie.
pub fn login_token(state: &AppState, login_cookie: &str) -> String {
    B64.encode(state.auth.web_derive("login-csrf", login_cookie.as_bytes()))
}

/// A form's fields, in order; a name may repeat (checkboxes).
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether the checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }
}

/// Whether the request says it comes from this site: its `Origin` is this scheme and host;
/// without an `Origin`, a browser's `Sec-Fetch-Site` (when sent) is `same-origin`.
pub fn same_origin(headers: &HeaderMap, uri: &Uri, secure: bool) -> bool {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let fetch_site = headers.get("sec-fetch-site").map(|s| s.as_bytes());
    match headers.get(ORIGIN).map(|o| o.to_str()) {
        // The page's `Referrer-Policy: no-referrer` makes a browser send `Origin: null` with
        // the page's own forms: then its `Sec-Fetch-Site` (which no page can set) must say
        // `same-origin`.
        Some(Ok("null")) => fetch_site == Some(b"same-origin"),
        Some(Ok(origin)) => {
            let scheme = if secure { "https" } else { "http" };
            host.is_some_and(|host| origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")))
        }
        Some(Err(_)) => false,
        None => fetch_site.is_none_or(|s| s == b"same-origin"),
    }
}

/// The refusal of a form that failed its checks.
pub fn forbidden() -> Response {
    page::message(
        StatusCode::FORBIDDEN,
        "Form refused",
        "This form was not sent from this page, or it has expired. Go back, reload the page \
         and try again.",
    )
}

/// A checked form of a signed-in user: from this site, with the session's token.
pub struct Posted {
    pub viewer: Viewer,
    pub fields: Fields,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let Some(viewer) = req.extensions().get::<Viewer>().cloned() else {
            return Err(forbidden());
        };
        if !same_origin(req.headers(), req.uri(), viewer.transport.secure) {
            return Err(forbidden());
        }
        let fields = parse(req, state).await;
        let sent = fields.get("csrf");
        if !constant_time_eq(sent.as_bytes(), viewer.csrf.as_bytes()) {
            return Err(forbidden());
        }
        Ok(Posted { viewer, fields })
    }
}

/// The fields of a url-encoded form body; anything else reads as no fields.
pub async fn parse(req: Request, state: &AppState) -> Fields {
    match Form::<Vec<(String, String)>>::from_request(req, state).await {
        Ok(Form(pairs)) => Fields(pairs),
        Err(_) => Fields::default(),
    }
}
