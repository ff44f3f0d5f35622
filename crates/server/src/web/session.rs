//! The browser's session: the access token of its cookie, validated as any bearer is; when it
//! has expired (and only then), the refresh token of its cookie is rotated, one rotation at a
//! time per session (see [`Refresher`](super::Refresher)). No session, or one that was ended
//! anywhere, sends the browser to the login page, and back after it.

use axum::extract::{Request, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tessera_core::audit::{from_client, with_user_agent};
use tessera_core::{Error, Rejection, Validated};

use super::cookies::{self, ACCESS, REFRESH};
use super::forms;
use super::transport::Transport;
use crate::state::AppState;

/// Who is looking at the page, and the form token of their session.
#[derive(Clone)]
pub struct Viewer {
    pub caller: Validated,
    pub csrf: String,
    pub transport: Transport,
    /// The session's refresh token as the browser now holds it.
    pub refresh_token: Option<String>,
}

/// Paths a user who must change their password may still use.
const PASSWORD_CHANGE_PATHS: [&str; 4] = [
    "/ui/account",
    "/ui/account/password",
    "/ui/logout",
    "/ui/alive",
];

/// Lets the request through with a [`Viewer`] when the browser holds a live session.
pub async fn require(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let transport = req
        .extensions()
        .get::<Transport>()
        .copied()
        .unwrap_or(Transport {
            secure: false,
            client: [127, 0, 0, 1].into(),
        });
    let secure = transport.secure;
    let headers = req.headers();
    let access = cookies::get(headers, ACCESS, secure);
    let refresh = cookies::get(headers, REFRESH, secure);
    let user_agent = headers
        .get(USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let had_session = access.is_some() || refresh.is_some();
    let mut set_cookies = Vec::new();
    let validated = match &access {
        Some(token) => state.auth.validate_access_for_password_change(token).await,
        None => Err(Error::TokenExpired),
    };
    let mut current_refresh = refresh.clone();
    let mut expired = false;
    let caller = match (validated, refresh) {
        (Ok(caller), _) => Some(caller),
        // The refresh cookie outlives no refresh token: without it, the session ran out.
        (Err(Error::TokenExpired), None) => {
            expired = true;
            None
        }
        (Err(Error::TokenExpired), Some(refresh)) => {
            let rotation = state.web.refresher.refresh(&state.auth, &refresh);
            let outcome = from_client(transport.client, with_user_agent(user_agent, rotation));
            match outcome.await.as_ref() {
                Ok((access, refresh)) => {
                    let ttl = state.auth.settings().refresh_ttl;
                    set_cookies.push(cookies::set(ACCESS, access, None, secure));
                    set_cookies.push(cookies::set(REFRESH, refresh, Some(ttl), secure));
                    current_refresh = Some(refresh.clone());
                    state
                        .auth
                        .validate_access_for_password_change(access)
                        .await
                        .ok()
                }
                Err(Error::TokenExpired | Error::Rejected(Rejection::SessionEnded, _)) => {
                    expired = true;
                    None
                }
                Err(_) => None,
            }
        }
        _ => None,
    };
    let Some(caller) = caller else {
        let gone = match (had_session, expired) {
            (false, _) => Gone::Never,
            (true, false) => Gone::Ended,
            (true, true) => Gone::Expired,
        };
        return to_login(&req, gone, secure);
    };
    let path = req.uri().path();
    if caller.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&path) {
        let mut response = Redirect::to("/ui/account?notice=must-change").into_response();
        cookies::append(response.headers_mut(), set_cookies);
        return response;
    }
    let csrf = forms::token(&state, &caller.session_id);
    req.extensions_mut().insert(Viewer {
        caller,
        csrf,
        transport,
        refresh_token: current_refresh,
    });
    let mut response = from_client(transport.client, next.run(req)).await;
    // A handler that set the session's cookies itself (a logout, a renewal) has the last word.
    let handled = cookies::sets(response.headers(), REFRESH, secure);
    if !handled {
        cookies::append(response.headers_mut(), set_cookies);
    }
    response
}

/// What became of the session of a browser sent to login.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gone {
    /// It had none.
    Never,
    /// Ended: logged out elsewhere, revoked, its user disabled.
    Ended,
    /// Ran out: its refresh token or its absolute lifetime expired.
    Expired,
}

/// To the login page, and back to this page after it (a GET's own address; after a form,
/// the page that holds it cannot be known, so the account page). A browser whose session has
/// ended or expired is told which, and its cookies are cleared.
fn to_login(req: &Request, gone: Gone, secure: bool) -> Response {
    let back = match *req.method() {
        Method::GET => req
            .uri()
            .path_and_query()
            .map_or("/ui/", |pq| pq.as_str())
            .to_string(),
        _ => "/ui/".to_string(),
    };
    let mut target = format!("/ui/login?next={}", encode(&back));
    match gone {
        Gone::Never => {}
        Gone::Ended => target.push_str("&ended=1"),
        Gone::Expired => target.push_str("&expired=1"),
    }
    let mut response = Redirect::to(&target).into_response();
    if gone != Gone::Never {
        cookies::append(response.headers_mut(), cookies::signed_out(secure));
    }
    response
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /ui/alive`: 204 while the browser's session lives (else the login redirect). The
/// page's script asks when a tab comes back into view, so that a logout in one tab (or a
/// session ended elsewhere) shows in the others at once.
pub async fn alive() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert("x-tessera-session", HeaderValue::from_static("live"));
    response
}
