//! `/ui/login` and `/ui/logout`. Logging in is `Auth::login_on_device`, as `/auth/login` is
//! `Auth::login`: the same checks, limits and lockout, with the browser's signed device mark
//! as its client for smart lockout. Logging out ends the whole session, as
//! `/auth/logout` with a refresh token does.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::header::USER_AGENT;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tessera_core::audit::{from_client, with_user_agent};
use tessera_core::auth::constant_time_eq;
use tessera_core::secret::random_b64;
use tessera_core::Error;

use super::cookies::{self, ACCESS, DEVICE, DEVICE_MAX_AGE, LOGIN, REFRESH};
use super::forms::{self, Fields, Posted};
use super::page::{self, Chrome};
use super::transport::Transport;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    ended: bool,
    expired: bool,
}

/// Where to go after logging in: a page of the site, never another host.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/ui/") && !n.contains("//") && !n.contains('\\') => n.to_string(),
        _ => "/ui/".to_string(),
    }
}

/// The login page, with the login cookie its form token is derived from.
fn login_page(
    state: &AppState,
    transport: Transport,
    existing: Option<String>,
    page: LoginPage,
    status: StatusCode,
) -> Response {
    let (value, fresh) = match existing {
        Some(v) => (v, false),
        None => (random_b64(16), true),
    };
    let page = LoginPage {
        csrf: forms::login_token(state, &value),
        ..page
    };
    let mut response = (status, page::html(&page)).into_response();
    if fresh {
        let cookie = cookies::set(LOGIN, &value, None, transport.secure);
        cookies::append(response.headers_mut(), [cookie]);
    }
    response
}

/// `GET /ui/login`
pub async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let transport = transport(&req);
    let existing = cookies::get(req.headers(), LOGIN, transport.secure);
    let page = LoginPage {
        chrome: Chrome::anonymous("Log in").with_notice(query.get("notice").map(String::as_str)),
        csrf: String::new(),
        next: safe_next(query.get("next").map(String::as_str)),
        username: String::new(),
        error: None,
        ended: query.contains_key("ended"),
        expired: query.contains_key("expired"),
    };
    login_page(&state, transport, existing, page, StatusCode::OK)
}

fn transport(req: &Request) -> Transport {
    req.extensions()
        .get::<Transport>()
        .copied()
        .unwrap_or(Transport {
            secure: false,
            client: [127, 0, 0, 1].into(),
        })
}

/// `POST /ui/login`
pub async fn submit(State(state): State<AppState>, req: Request) -> Response {
    let transport = transport(&req);
    let secure = transport.secure;
    let login_cookie = cookies::get(req.headers(), LOGIN, secure);
    let device_mark = cookies::get(req.headers(), DEVICE, secure);
    let user_agent = req
        .headers()
        .get(USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if !forms::same_origin(req.headers(), req.uri(), secure) {
        return forms::forbidden();
    }
    let fields: Fields = forms::parse(req, &state).await;
    let token_ok = login_cookie.as_deref().is_some_and(|c| {
        let expected = forms::login_token(&state, c);
        constant_time_eq(fields.get("csrf").as_bytes(), expected.as_bytes())
    });
    if !token_ok {
        return forms::forbidden();
    }
    let username = fields.get("username").trim().to_string();
    let password = fields.get("password");
    let again = |error: String, status: StatusCode| {
        let page = LoginPage {
            chrome: Chrome::anonymous("Log in"),
            csrf: String::new(),
            next: safe_next(Some(fields.get("next"))),
            username: username.clone(),
            error: Some(error),
            ended: false,
            expired: false,
        };
        login_page(&state, transport, login_cookie.clone(), page, status)
    };
    if username.is_empty() || password.is_empty() {
        return again(
            "Enter your username and password.".into(),
            StatusCode::BAD_REQUEST,
        );
    }
    if let Err(e) = state.limits.login.check(transport.client).await {
        return again(page::explain(e).1, StatusCode::TOO_MANY_REQUESTS);
    }
    let (mark, device) = match device_mark
        .as_deref()
        .and_then(|m| Some((m.to_string(), state.auth.device_of(m, &username)?)))
    {
        Some(known) => known,
        None => state.auth.new_device_mark(&username),
    };
    let login = state
        .auth
        .login_on_device(&username, password, transport.client, Some(&device));
    let outcome = from_client(transport.client, with_user_agent(user_agent, login)).await;
    let outcome = match outcome {
        Ok(o) => o,
        Err(Error::InvalidCredentials) => {
            return again(
                "Wrong username or password.".into(),
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(e) => {
            let (status, text) = page::explain(e);
            return again(text, status);
        }
    };
    let ttl = state.auth.settings().refresh_ttl;
    let mut response = Redirect::to(&safe_next(Some(fields.get("next")))).into_response();
    cookies::append(
        response.headers_mut(),
        [
            cookies::set(ACCESS, &outcome.access_token, None, secure),
            cookies::set(REFRESH, &outcome.refresh_token, Some(ttl), secure),
            cookies::set(DEVICE, &mark, Some(DEVICE_MAX_AGE), secure),
            cookies::clear(LOGIN, secure),
        ],
    );
    response
}

/// `POST /ui/logout`: ends the session everywhere; every tab of the browser is logged out.
pub async fn logout(State(state): State<AppState>, posted: Posted) -> Response {
    let transport = posted.viewer.transport;
    let ending = state
        .auth
        .end_session(&posted.viewer.caller, &posted.viewer.caller.session_id);
    if let Err(e) = from_client(transport.client, ending).await {
        return page::refused(e);
    }
    let mut response = Redirect::to("/ui/login?notice=logged-out").into_response();
    cookies::append(
        response.headers_mut(),
        cookies::signed_out(transport.secure),
    );
    response
}
