//! No-session API keys: issue, verify (for the audience service), refresh, list and revoke.

use std::net::IpAddr;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;
use tessera_api::apikeys::{
    ApiKeyInfo, ApiKeyList, ApiKeyRefreshRequest, ApiKeyResponse, CreateApiKeyRequest,
    RevokeAllApiKeysRequest, RevokeAllApiKeysResponse, VerifyApiKeyRequest, VerifyApiKeyResponse,
};
use tessera_api::{MessageResponse, UserInfo};
use tessera_core::auth::apikeys::{ApiKeyCheck, ApiKeyRequest, IssuedApiKey};
use tessera_core::iso8601;
use tessera_core::Error;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, JsonObject};
use crate::state::AppState;
use tessera_core::audit::from_client;

fn required(value: Option<String>, what: &str) -> ApiResult<String> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("Missing {what}")))
}

/// A string or a number; absent means `"1"`.
fn api_version(value: Option<Value>) -> ApiResult<String> {
    match value {
        None | Some(Value::Null) => Ok("1".into()),
        Some(Value::String(s)) => Ok(s),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(ApiError::bad_request(
            "api_version must be a string or a number",
        )),
    }
}

/// `true` binds to the caller's address, a string to that address; `false` or absent: unbound.
fn bound_ip(value: Option<Value>, caller: IpAddr) -> ApiResult<Option<IpAddr>> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(caller)),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request("bind_ip must be true, false or an IP address")),
        Some(_) => Err(ApiError::bad_request(
            "bind_ip must be true, false or an IP address",
        )),
    }
}

fn issued(message: &str, key: IssuedApiKey) -> ApiKeyResponse {
    ApiKeyResponse {
        message: message.into(),
        apikey: key.apikey,
        apikey_id: key.id,
        expires: iso8601::format(key.expires_at),
        refresh_token: key.refresh_token,
        refresh_token_expires: iso8601::format(key.refresh_expires_at),
    }
}

/// `POST /auth/apikeys`: for a user who may write (contributors and admins).
#[utoipa::path(
    post,
    path = "/api/v1/auth/apikeys",
    operation_id = "create_apikey",
    tag = "apikeys",
    request_body = CreateApiKeyRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 201, description = "The key and its refresh token, shown once", body = ApiKeyResponse),
        (status = 400, description = "`bad_request`: missing audience or subject, a lifetime out of range, a bad address"),
        (status = 403, description = "`forbidden`: the caller's role lacks `write`"),
        (status = 409, description = "`apikey_limit`: the user holds `apikey_max_per_user` live keys"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    body: Result<JsonObject<CreateApiKeyRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<ApiKeyResponse>)> {
    state.auth.may_create_apikeys(&caller)?;
    let JsonObject(req) = body?;
    let request = ApiKeyRequest {
        audience: required(req.audience, "audience")?,
        subject: required(req.subject, "subject")?,
        api_version: api_version(req.api_version)?,
        bound_ip: bound_ip(req.bind_ip, ip)?,
        expires_in: req.expires_in,
        not_before: req.not_before,
        refresh_expires_in: req.refresh_expires_in,
        refresh_not_before: req.refresh_not_before,
    };
    let key = from_client(ip, state.auth.create_apikey(&caller, &request)).await?;
    Ok((
        StatusCode::CREATED,
        Json(issued("API key generated successfully", key)),
    ))
}

/// `POST /auth/apikeys/verify`: the audience service asks whether a key holds.
#[utoipa::path(
    post,
    path = "/api/v1/auth/apikeys/verify",
    operation_id = "verify_apikey",
    tag = "apikeys",
    request_body = VerifyApiKeyRequest,
    responses(
        (status = 200, description = "The key holds", body = VerifyApiKeyResponse),
        (status = 400, description = "`bad_request`: no `audience`"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_not_yet_valid`, `token_revoked`, `wrong_audience`, `wrong_subject`, `wrong_address`"),
        (status = 403, description = "`forbidden`: the key's user no longer has `write`"),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    body: Result<JsonObject<VerifyApiKeyRequest>, ApiError>,
) -> ApiResult<Json<VerifyApiKeyResponse>> {
    let JsonObject(req) = body?;
    let apikey = req
        .apikey
        .filter(|k| !k.trim().is_empty())
        .ok_or(Error::MissingCredential("missing apikey"))?;
    let check = ApiKeyCheck {
        audience: required(req.audience, "audience")?,
        subject: req.subject,
        ip: req.ip,
    };
    let v = state
        .auth
        .verify_apikey(apikey.trim(), &check)
        .await
        .map_err(|e| ApiError::from(e).prefixed("API key verification failed: "))?;
    Ok(Json(VerifyApiKeyResponse {
        message: "API key verification successful".into(),
        valid: true,
        user: UserInfo {
            username: v.username,
            fullname: v.fullname,
        },
        audience: v.audience,
        subject: v.subject,
        api_version: v.api_version,
        expires: iso8601::format(v.expires_at),
        apikey_id: v.id,
    }))
}

/// `POST /auth/apikeys/refresh`: spends the refresh token for a new key and refresh token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/apikeys/refresh",
    operation_id = "refresh_apikey",
    tag = "apikeys",
    request_body = ApiKeyRefreshRequest,
    responses(
        (status = 200, description = "A new key and refresh token with the same bindings", body = ApiKeyResponse),
        (status = 400, description = "`bad_request`: no `refresh_token`"),
        (status = 401, description = "`Invalid or expired refresh token: <reason>`: `invalid_token`, `token_expired`, `token_not_yet_valid`, `token_revoked`, `refresh_token_reused`"),
        (status = 403, description = "`forbidden`: the user no longer has `write`"),
        (status = 429, description = "`rate_limited`: too many failed lookups from this client"),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Result<JsonObject<ApiKeyRefreshRequest>, ApiError>,
) -> ApiResult<Json<ApiKeyResponse>> {
    let JsonObject(req) = body?;
    let token = required(req.refresh_token, "refresh_token")?;
    let lookup = from_client(ip, state.auth.refresh_apikey(token.trim()));
    let key = state
        .limits
        .failed_lookups
        .guard(ip, lookup)
        .await
        .map_err(|e| ApiError::from(e).prefixed("Invalid or expired refresh token: "))?;
    Ok(Json(issued("API key refreshed successfully", key)))
}

/// `GET /auth/apikeys`: the caller's live keys, without secrets.
#[utoipa::path(
    get,
    path = "/api/v1/auth/apikeys",
    operation_id = "list_apikeys",
    tag = "apikeys",
    security(("access_token" = []), ("bare_token" = [])),
    responses((status = 200, description = "The caller's live keys, without secrets", body = ApiKeyList))
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
) -> ApiResult<Json<ApiKeyList>> {
    let keys = state.auth.list_apikeys(&caller).await?;
    let apikeys = keys
        .into_iter()
        .map(|k| ApiKeyInfo {
            id: k.id,
            audience: k.audience,
            subject: k.subject,
            api_version: k.api_version,
            bound_ip: k.bound_ip,
            created: iso8601::format(k.created_at),
            expires: iso8601::format(k.expires_at),
            refresh_token_expires: iso8601::format(k.refresh_expires_at),
        })
        .collect();
    Ok(Json(ApiKeyList { apikeys }))
}

/// `DELETE /auth/apikeys/{id}`: the owner or an admin.
#[utoipa::path(
    delete,
    path = "/api/v1/auth/apikeys/{id}",
    operation_id = "revoke_apikey",
    tag = "apikeys",
    params(("id" = String, Path, description = "The key's id (any id of its refresh chain)")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The key's chain is revoked", body = MessageResponse),
        (status = 404, description = "`not_found`: unknown, someone else's, or no live key left"),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageResponse>> {
    from_client(ip, state.auth.revoke_apikey(&caller, &id)).await?;
    Ok(Json(MessageResponse {
        message: format!("API key {id} revoked"),
    }))
}

/// `POST /auth/apikeys/revoke-all`: the caller's keys, or (admins) those of `username`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/apikeys/revoke-all",
    operation_id = "revoke_all_apikeys",
    tag = "apikeys",
    description = "Revokes the caller's live keys, or (admins) those of `username`. The body is \
        optional and lenient: none, an empty or a malformed body (of any content type) reads as `{}`.",
    request_body(content = Option<RevokeAllApiKeysRequest>, description = "Optional: `{\"username\"}` (admins)"),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "How many keys were revoked", body = RevokeAllApiKeysResponse),
        (status = 403, description = "`forbidden`: a non-admin named a user"),
        (status = 404, description = "`not_found`: unknown user"),
    )
)]
pub async fn revoke_all(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    JsonObject(req): JsonObject<RevokeAllApiKeysRequest, true>,
) -> ApiResult<Json<RevokeAllApiKeysResponse>> {
    let revoking = state
        .auth
        .revoke_all_apikeys(&caller, req.username.as_deref());
    let (username, revoked) = from_client(ip, revoking).await?;
    Ok(Json(RevokeAllApiKeysResponse {
        message: format!("API keys of {username} revoked"),
        revoked,
    }))
}
