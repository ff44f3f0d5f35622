//! Personal tokens: `create-api-token` (PlantDB's shape), listing and revoking them.

use axum::extract::{Path, State};
use axum::Json;
use tessera_api::tokens::{CreateApiTokenRequest, CreateApiTokenResponse, TokenInfo, TokenList};
use tessera_api::MessageResponse;
use tessera_core::iso8601;
use tessera_core::scopes::Scopes;
use tessera_core::store::TokenRecord;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, JsonObject};
use crate::plantdb;
use crate::state::AppState;
use tessera_core::audit::from_client;

/// A stored token as lists show it: metadata only.
pub fn token_info(t: TokenRecord) -> ApiResult<TokenInfo> {
    let scopes = Scopes::from_json(&t.scopes)?;
    Ok(TokenInfo {
        id: t.id,
        description: t.description,
        scopes: scopes.strings(),
        datasets: scopes.datasets(),
        created_by: t.created_by,
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
        last_used_ip: t.last_used_ip,
    })
}

pub fn token_list(records: Vec<TokenRecord>) -> ApiResult<Json<TokenList>> {
    let tokens = records
        .into_iter()
        .map(token_info)
        .collect::<ApiResult<_>>()?;
    Ok(Json(TokenList { tokens }))
}

/// `POST /auth/token/create-api-token`
#[utoipa::path(
    post,
    path = "/api/v1/auth/token/create-api-token",
    tag = "tokens",
    request_body = CreateApiTokenRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "`API Token generated successfully`: the token, shown once", body = CreateApiTokenResponse),
        (status = 400, description = "`bad_request`: `token_exp` not a number above 0, empty or malformed `datasets`, an unknown permission"),
        (status = 401, description = "`Token creation failed: <reason>`: `missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: a permission the caller's role lacks"),
    )
)]
pub async fn create_api_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    caller: Result<AuthUser, ApiError>,
    body: Result<JsonObject<CreateApiTokenRequest>, ApiError>,
) -> ApiResult<Json<CreateApiTokenResponse>> {
    let AuthUser(caller) = caller.map_err(|e| e.prefixed("Token creation failed: "))?;
    let JsonObject(req) = body?;
    let lifetime = plantdb::lifetime(req.token_exp.as_ref(), "token_exp")?;
    let datasets = plantdb::datasets(req.datasets.as_ref())?;
    let creating =
        state
            .auth
            .create_personal_token(&caller, datasets, lifetime, req.description.as_deref());
    let created = from_client(ip, creating).await?;
    Ok(Json(CreateApiTokenResponse {
        message: "API Token generated successfully".into(),
        api_token: created.secret.plain,
        expiration_date: iso8601::format_offset(created.expires_at.unwrap_or_default()),
        id: created.id,
    }))
}

/// `GET /auth/tokens`: the caller's own personal tokens.
#[utoipa::path(
    get,
    path = "/api/v1/auth/tokens",
    operation_id = "list_tokens",
    tag = "tokens",
    security(("access_token" = []), ("bare_token" = [])),
    responses((status = 200, description = "The caller's live personal tokens, metadata only", body = TokenList))
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
) -> ApiResult<Json<TokenList>> {
    token_list(state.auth.list_personal_tokens(&caller).await?)
}

/// `DELETE /auth/tokens/{id}`: the owner or an admin.
#[utoipa::path(
    delete,
    path = "/api/v1/auth/tokens/{id}",
    operation_id = "revoke_token",
    tag = "tokens",
    params(("id" = String, Path, description = "The token's id")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "Revoked", body = MessageResponse),
        (status = 404, description = "`not_found`: unknown, or (for anyone but an admin) someone else's"),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageResponse>> {
    from_client(ip, state.auth.revoke_personal_token(&caller, &id)).await?;
    Ok(Json(MessageResponse {
        message: format!("Token {id} revoked"),
    }))
}
