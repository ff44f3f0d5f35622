//! The PlantDB-compatible auth routes.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use tessera_api::{
    ErrorCode, LoginRequest, LoginResponse, MessageResponse, RefreshRequest, RefreshResponse,
    RegisterRequest, UserInfo, UsernameCheck, ValidationResponse,
};
use tessera_core::user::normalise;
use tessera_core::{classify, Error, TokenKind};

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Bearer, ClientIp, JsonObject};
use crate::state::AppState;
use tessera_core::audit::from_client;

fn present(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// `GET /auth/login?username=U`
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
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
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
    let outcome = state
        .auth
        .login(&username, &password, ip)
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

/// `POST /auth/register`: admins (manage_users) create readers.
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    caller: Result<AuthUser, ApiError>,
    body: Result<JsonObject<RegisterRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<MessageResponse>)> {
    state.limits.register.check(ip).await?;
    let AuthUser(caller) = caller.map_err(|e| e.prefixed("Registration failed: "))?;
    state.auth.may_register(&caller)?;
    let JsonObject(req) = body?;
    let (Some(username), Some(fullname), Some(password)) = (
        present(req.username),
        present(req.fullname),
        req.password.filter(|p| !p.is_empty()),
    ) else {
        return Err(ApiError::bad_request(
            "Missing username, fullname or password",
        ));
    };
    let registered = state
        .auth
        .register(&caller, &username, &fullname, &password);
    let username = from_client(ip, registered).await?;
    Ok((
        StatusCode::CREATED,
        Json(MessageResponse {
            message: format!("User {username} successfully created"),
        }),
    ))
}

/// `POST /auth/token/validation`: any bearer credential (access or scoped token). An optional
/// body `{"resource": NAME}` asks that it be a token of that resource (else 403).
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
    let id = if classify(&token) == TokenKind::Scoped {
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
            username: id.username().to_string(),
            fullname: id.fullname().to_string(),
        },
        kind: Some(id.kind().into()),
        actor: Some(id.actor().to_string()),
        resource: id.resource().map(str::to_string),
        scopes: id.scopes().map(|s| s.strings()),
        datasets: id.scopes().and_then(|s| s.datasets()),
    }))
}

/// `POST /auth/token/refresh`: rotates the refresh token. Without one it is 401
/// `missing_token`, as PlantDB answers (its clients expect a 401, not a 400).
pub async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Result<JsonObject<RefreshRequest>, ApiError>,
) -> ApiResult<Json<RefreshResponse>> {
    let JsonObject(req) = body?;
    let prefixed = |e: Error| ApiError::from(e).prefixed("Invalid or expired refresh token: ");
    let token = present(req.refresh_token)
        .ok_or(Error::MissingCredential("missing refresh_token"))
        .map_err(prefixed)?;
    let lookup = from_client(ip, state.auth.refresh(token.trim()));
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
