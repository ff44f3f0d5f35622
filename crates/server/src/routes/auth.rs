//! The PlantDB-compatible auth routes.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use tessera_api::{
    ErrorCode, LoginRequest, LoginResponse, MessageResponse, RefreshRequest, RefreshResponse,
    RegisterRequest, UserInfo, UsernameCheck, ValidationRequest, ValidationResponse,
};
use tessera_core::user::{normalise, Username};
use tessera_core::{prefixed_kind, Error, TokenKind};

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Bearer, ClientIp, JsonObject, UserAgent};
use crate::state::AppState;
use tessera_core::audit::{from_client, with_user_agent};

fn present(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// `GET /auth/login?username=U`
#[utoipa::path(
    get,
    path = "/api/v1/auth/login",
    tag = "auth",
    params(("username" = Option<String>, Query, description = "The username to look up (trimmed, lower-cased)")),
    responses(
        (status = 200, description = "Whether the user exists", body = UsernameCheck),
        (status = 400, description = "`bad_request`: no or an empty `username`"),
        (status = 429, description = "`rate_limited`: more than `rate_username_check_per_minute` from this client"),
    )
)]
pub async fn check_username(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<UsernameCheck>> {
    state.limits.username_check.check(ip).await?;
    let username = present(query.get("username").cloned())
        .ok_or_else(|| ApiError::bad_request("Missing username parameter"))?;
    let exists = state.auth.username_exists(&username).await?;
    Ok(Json(UsernameCheck {
        username: normalise(&username),
        exists,
    }))
}

/// `POST /auth/login`
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "A new session", body = LoginResponse),
        (status = 400, description = "`bad_request` with `authenticated: false`: missing username or password, or a body that is not a JSON object"),
        (status = 401, description = "`invalid_credentials` with `authenticated: false`: wrong password, unknown, disabled or locked user, alike"),
        (status = 409, description = "`session_limit`: the user holds `MAX_SESSION` sessions and `session_limit_policy` is `refuse`"),
        (status = 429, description = "`rate_limited`: more than `rate_login_per_minute` from this client, or too many logins of one account at once"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    UserAgent(user_agent): UserAgent,
    body: Result<JsonObject<LoginRequest>, ApiError>,
) -> ApiResult<Json<LoginResponse>> {
    state.limits.login.check(ip).await?;
    let JsonObject(req) = body.map_err(|e| e.with_authenticated(false))?;
    let (Some(username), Some(password)) = (
        present(req.username),
        req.password.filter(|p| !p.is_empty()),
    ) else {
        return Err(ApiError::bad_request("Missing username or password").with_authenticated(false));
    };
    let outcome = with_user_agent(user_agent, state.auth.login(&username, &password, ip))
        .await
        .map_err(|e| ApiError::from(e).with_authenticated(false))?;
    Ok(Json(LoginResponse {
        message: "Login successful".into(),
        user: UserInfo {
            username: outcome.username,
            fullname: outcome.fullname,
        },
        access_token: outcome.access_token,
        refresh_token: outcome.refresh_token,
    }))
}

/// `POST /auth/logout`: ends the session of the access (or refresh) token presented.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    description = "Ends the whole session of the access or refresh token presented. The body is not read: \
        any body (none, empty, malformed) is accepted.",
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "`Logout successful from <username>`", body = MessageResponse),
        (status = 401, description = "`missing_token` (`Logout failed, no active session!`), or `invalid_token`, `token_expired`, `token_revoked` (`Logout failed`)"),
    )
)]
pub async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
) -> ApiResult<Json<MessageResponse>> {
    let Some(token) = token else {
        return Err(ApiError::unauthorized(
            ErrorCode::MissingToken,
            "Logout failed, no active session!",
        ));
    };
    let username = from_client(ip, state.auth.logout(&token))
        .await
        .map_err(|e| {
            let mut err = ApiError::from(e);
            if err.status == StatusCode::UNAUTHORIZED {
                err.message = "Logout failed".into();
            }
            err
        })?;
    Ok(Json(MessageResponse {
        message: format!("Logout successful from {username}"),
    }))
}

/// `POST /auth/register`: admins (manage_users) create readers; with `open_registration`,
/// anyone without a credential creates a reader too.
#[utoipa::path(
    post,
    path = "/api/v1/auth/register",
    tag = "auth",
    description = "Creates a reader. Needs an admin's access token, unless `open_registration` is on: \
        then a request without any credential registers too (limited by \
        `rate_open_register_per_minute`).",
    request_body = RegisterRequest,
    security(("access_token" = []), ("bare_token" = []), ()),
    responses(
        (status = 201, description = "`User <username> successfully created`: a reader", body = MessageResponse),
        (status = 400, description = "`bad_request`: missing username, fullname or password, or one that is not allowed; `weak_password`: the password policy refuses it"),
        (status = 401, description = "`Registration failed: <reason>`: `missing_token` (and `open_registration` is off), `invalid_token`, `token_expired`"),
        (status = 403, description = "`forbidden`: the caller may not manage users; `password_change_required`: the caller must change their password first"),
        (status = 409, description = "`conflict`: the username is taken"),
        (status = 429, description = "`rate_limited`: more than `rate_register_per_minute` from this client (`rate_open_register_per_minute` without a credential)"),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    caller: Result<AuthUser, ApiError>,
    body: Result<JsonObject<RegisterRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<MessageResponse>)> {
    let open = state.auth.settings().open_registration
        && matches!(&caller, Err(e) if e.code == ErrorCode::MissingToken);
    if open {
        state.limits.open_register.check(ip).await?;
        let JsonObject(req) = body?;
        let (username, fullname, password) = registration(req)?;
        let registered = state.auth.register_open(&username, &fullname, &password);
        return Ok(created(from_client(ip, registered).await?));
    }
    state.limits.register.check(ip).await?;
    let AuthUser(caller) = caller.map_err(|e| e.prefixed("Registration failed: "))?;
    state.auth.may_register(&caller)?;
    let JsonObject(req) = body?;
    let (username, fullname, password) = registration(req)?;
    let registered = state
        .auth
        .register(&caller, &username, &fullname, &password);
    Ok(created(from_client(ip, registered).await?))
}

/// The username, full name and password of a registration, each required.
fn registration(req: RegisterRequest) -> ApiResult<(String, String, String)> {
    let (Some(username), Some(fullname), Some(password)) = (
        present(req.username),
        present(req.fullname),
        req.password.filter(|p| !p.is_empty()),
    ) else {
        return Err(ApiError::bad_request(
            "Missing username, fullname or password",
        ));
    };
    Ok((username, fullname, password))
}

fn created(username: Username) -> (StatusCode, Json<MessageResponse>) {
    (
        StatusCode::CREATED,
        Json(MessageResponse {
            message: format!("User {username} successfully created"),
        }),
    )
}

/// `POST /auth/token/validation`: any bearer credential (access or scoped token). An optional
/// body `{"resource": NAME}` asks that it be a token of that resource (else 403).
#[utoipa::path(
    post,
    path = "/api/v1/auth/token/validation",
    operation_id = "validate",
    tag = "auth",
    description = "Validates the bearer credential: an access token, a personal or resource token, or a \
        service client's own access token (`kind` client, `actor` `client:<client_id>`). \
        The body is optional and lenient: none, an empty or a malformed body (of any content type) \
        reads as `{}`.",
    request_body(content = Option<ValidationRequest>, description = "Optional: `{\"resource\": NAME}` asks for a token of that resource"),
    security(("access_token" = []), ("scoped_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "`Token validation successful`", body = ValidationResponse),
        (status = 400, description = "`bad_request`: `resource` is not a string"),
        (status = 401, description = "`Token validation failed: <reason>`: `missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the credential is not a token of the `resource` asked for"),
        (status = 429, description = "`rate_limited`: too many unknown scoped tokens from this client"),
    )
)]
pub async fn validate(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    expect: Result<JsonObject<serde_json::Map<String, serde_json::Value>, true>, ApiError>,
) -> ApiResult<Json<ValidationResponse>> {
    let prefixed = |e: Error| ApiError::from(e).prefixed("Token validation failed: ");
    let token = token
        .ok_or(Error::MissingCredential("missing token"))
        .map_err(prefixed)?;
    let validation = state.auth.validate_bearer(&token, Some(ip));
    // A scoped token unknown to the cache costs a read: those failures are limited per client.
    let id = if prefixed_kind(&token) == Some(TokenKind::Scoped) {
        state.limits.failed_lookups.guard(ip, validation).await
    } else {
        validation.await
    }
    .map_err(prefixed)?;
    let JsonObject(expect) = expect?;
    match expect.get("resource") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(r)) => id.expect_resource(r).map_err(|e| match e {
            Error::Forbidden(m) => Error::Forbidden(format!("Token validation failed: {m}")),
            other => other,
        })?,
        Some(_) => return Err(ApiError::bad_request("\"resource\" must be a string")),
    }
    Ok(Json(ValidationResponse {
        message: "Token validation successful".into(),
        user: UserInfo {
            username: id.username(),
            fullname: id.fullname().to_string(),
        },
        kind: Some(id.kind().into()),
        actor: Some(id.actor()),
        resource: id.resource().map(str::to_string),
        scopes: id
            .scopes()
            .map(|s| s.strings())
            .or_else(|| id.client_scopes().map(<[String]>::to_vec)),
        datasets: id.scopes().and_then(|s| s.datasets()),
    }))
}

/// `POST /auth/token/refresh`: rotates the refresh token. Without one it is 401
/// `missing_token`, as PlantDB answers (its clients expect a 401, not a 400).
#[utoipa::path(
    post,
    path = "/api/v1/auth/token/refresh",
    operation_id = "refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token and refresh token; the one presented is spent", body = RefreshResponse),
        (status = 401, description = "`Invalid or expired refresh token: <reason>`: `missing_token` (no `refresh_token`, as PlantDB answers `{}`), `invalid_token`, `token_expired`, `token_revoked`, `refresh_token_reused`, `session_expired`"),
        (status = 429, description = "`rate_limited`: too many failed lookups from this client"),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    UserAgent(user_agent): UserAgent,
    body: Result<JsonObject<RefreshRequest>, ApiError>,
) -> ApiResult<Json<RefreshResponse>> {
    let JsonObject(req) = body?;
    let prefixed = |e: Error| ApiError::from(e).prefixed("Invalid or expired refresh token: ");
    let token = present(req.refresh_token)
        .ok_or(Error::MissingCredential("missing refresh_token"))
        .map_err(prefixed)?;
    let rotation = with_user_agent(user_agent, state.auth.refresh(token.trim()));
    let lookup = from_client(ip, rotation);
    let pair = state
        .limits
        .failed_lookups
        .guard(ip, lookup)
        .await
        .map_err(prefixed)?;
    Ok(Json(RefreshResponse {
        message: "Token refreshed successfully".into(),
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
    }))
}
