//! `POST /oauth2/token` (RFC 6749): `refresh_token`, `client_credentials` and, when switched
//! on, `password`. The refresh and password grants call the very domain functions behind
//! `/api/v1/auth/token/refresh` and `/api/v1/auth/login`, with their limits.

use axum::extract::State;
use axum::http::header::PRAGMA;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tessera_api::oauth2::TokenResponse;
use tessera_core::audit::{from_client, with_user_agent};
use tessera_core::Error;

use super::client_auth::authenticated_client;
use super::errors::{OAuthFail, OAuthResult};
use super::form::OAuthForm;
use crate::extract::{ClientIp, UserAgent};
use crate::state::AppState;

/// The token form, as the OpenAPI document shows it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct TokenForm {
    /// `refresh_token`, `client_credentials` or `password` (when switched on).
    grant_type: String,
    /// For `refresh_token`: a refresh token from this route or from `/api/v1/auth/login`.
    refresh_token: Option<String>,
    /// For `client_credentials`: the scopes asked for, space-separated (default: all the
    /// client's).
    scope: Option<String>,
    /// For `password`.
    username: Option<String>,
    /// For `password`.
    password: Option<String>,
    /// `client_secret_post`; or use HTTP Basic (`client_secret_basic`).
    client_id: Option<String>,
    /// `client_secret_post`.
    client_secret: Option<String>,
}

fn answer(body: TokenResponse) -> Response {
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /oauth2/token`
#[utoipa::path(
    post,
    path = "/oauth2/token",
    operation_id = "oauth2_token",
    tag = "oauth2",
    description = "The OAuth 2.0 token endpoint. `refresh_token` rotates a refresh token exactly \
        as `POST /api/v1/auth/token/refresh` does (tokens from either route work at both); \
        `client_credentials` gives a service client (HTTP Basic or `client_id` and \
        `client_secret` in the form) an access token of its own, `sub` `client:<client_id>`, \
        with the scopes asked for within those granted; `password` (only when \
        `oauth_password_grant` is on) logs in with the checks, limits and lockout of \
        `POST /api/v1/auth/login`. Errors follow RFC 6749 section 5.2.",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    security((), ("client_basic" = [])),
    responses(
        (status = 200, description = "The tokens", body = TokenResponse),
        (status = 400, description = "`invalid_request` (not a form, a parameter missing or repeated), `invalid_grant` (wrong password, an unknown, spent, reused or expired refresh token), `invalid_scope`, `unsupported_grant_type`", body = tessera_api::oauth2::OAuthError),
        (status = 401, description = "`invalid_client`: missing or wrong client credentials (with `WWW-Authenticate: Basic`)", body = tessera_api::oauth2::OAuthError),
        (status = 429, description = "`temporarily_unavailable`: a rate limit, with `Retry-After`", body = tessera_api::oauth2::OAuthError),
    )
)]
pub async fn token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    UserAgent(user_agent): UserAgent,
    headers: HeaderMap,
    form: Result<OAuthForm, OAuthFail>,
) -> OAuthResult<Response> {
    let form = form?;
    let grant = form.required("grant_type")?.to_string();
    // A client that presents credentials must present good ones, whatever the grant.
    let client = authenticated_client(&state, &headers, &form, ip).await?;
    match grant.as_str() {
        "client_credentials" => {
            let client = client.ok_or_else(|| {
                OAuthFail::invalid_client("client_credentials needs the client's credentials")
            })?;
            let issued = state
                .auth
                .issue_client_token(&client, form.get("scope"))
                .map_err(|e| match e {
                    Error::Forbidden(m) | Error::BadRequest(m) => OAuthFail::invalid_scope(m),
                    other => OAuthFail::other(other),
                })?;
            Ok(answer(TokenResponse {
                access_token: issued.access_token,
                token_type: "Bearer".into(),
                expires_in: issued.expires_in,
                refresh_token: None,
                scope: Some(issued.scope),
            }))
        }
        "refresh_token" => {
            let presented = form.required("refresh_token")?.trim().to_string();
            let rotation = with_user_agent(user_agent, state.auth.refresh(&presented));
            let pair = state
                .limits
                .failed_lookups
                .guard(ip, from_client(ip, rotation))
                .await
                .map_err(grant_error)?;
            Ok(answer(TokenResponse {
                access_token: pair.access_token,
                token_type: "Bearer".into(),
                expires_in: state.auth.settings().access_ttl,
                refresh_token: Some(pair.refresh_token),
                scope: None,
            }))
        }
        "password" if state.oauth_password_grant => {
            let username = form.required("username")?.trim().to_string();
            let password = form.required("password")?.to_string();
            state
                .limits
                .login
                .check(ip)
                .await
                .map_err(OAuthFail::other)?;
            let login = state.auth.login(&username, &password, ip);
            let outcome = with_user_agent(user_agent, login)
                .await
                .map_err(grant_error)?;
            Ok(answer(TokenResponse {
                access_token: outcome.access_token,
                token_type: "Bearer".into(),
                expires_in: state.auth.settings().access_ttl,
                refresh_token: Some(outcome.refresh_token),
                scope: None,
            }))
        }
        "password" => Err(OAuthFail::unsupported_grant_type(
            "the password grant is switched off (oauth_password_grant)",
        )),
        other => Err(OAuthFail::unsupported_grant_type(format!(
            "unsupported grant_type {}",
            tessera_core::text::printable_prefix(other, 64)
        ))),
    }
}

/// A refused refresh token or password is `invalid_grant`; limits and failures keep theirs.
fn grant_error(e: Error) -> OAuthFail {
    match e {
        Error::InvalidCredentials => OAuthFail::invalid_grant("invalid username or password"),
        Error::SessionLimit => OAuthFail::invalid_grant("session limit reached for this user"),
        e @ (Error::InvalidToken(_)
        | Error::TokenExpired
        | Error::Rejected(..)
        | Error::RefreshReuse
        | Error::MissingCredential(_)) => OAuthFail::invalid_grant(e.to_string()),
        other => OAuthFail::other(other),
    }
}
