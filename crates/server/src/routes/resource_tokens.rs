//! Tokens of a resource, managed by its maintainers.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;
use tessera_api::tokens::{
    CreateResourceTokenRequest, DescriptionRequest, ResourceTokenCreated, TokenList,
};
use tessera_api::MessageResponse;

use super::tokens::token_list;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, JsonObject};
use crate::plantdb;
use crate::state::AppState;
use tessera_core::audit::from_client;

/// `POST /resources/{name}/tokens`: the only answer that shows the token.
#[utoipa::path(
    post,
    path = "/api/v1/resources/{name}/tokens",
    operation_id = "create_resource_token",
    tag = "resources",
    params(("name" = String, Path, description = "The resource")),
    request_body = CreateResourceTokenRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 201, description = "The token, shown only here", body = ResourceTokenCreated),
        (status = 400, description = "`bad_request`: no description, no or unknown scopes, a bad lifetime"),
        (status = 403, description = "`forbidden`: not a maintainer (also for an unknown resource), or a permission the caller's role lacks"),
        (status = 404, description = "`not_found`: (for admins) unknown resource"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(name): Path<String>,
    body: Result<JsonObject<CreateResourceTokenRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<ResourceTokenCreated>)> {
    state
        .auth
        .may_manage_resource_tokens(&caller, &name)
        .await?;
    let JsonObject(req) = body?;
    let creating = state.auth.create_resource_token(
        &caller,
        &name,
        req.description.as_deref(),
        plantdb::permissions(req.scopes.as_ref().unwrap_or(&Value::Null)),
        req.expires_in
            .as_ref()
            .map(|secs| plantdb::lifetime(Some(secs), "expires_in"))
            .transpose(),
    );
    let created = from_client(ip, creating).await?;
    Ok((
        StatusCode::CREATED,
        Json(ResourceTokenCreated {
            message: format!("Token created for {name}"),
            token: created.secret.plain,
            id: created.id,
            description: created.description,
            scopes: created.scopes.strings(),
            expires_at: created.expires_at,
        }),
    ))
}

/// `GET /resources/{name}/tokens`: every live token of the resource, whoever made it.
#[utoipa::path(
    get,
    path = "/api/v1/resources/{name}/tokens",
    operation_id = "list_resource_tokens",
    tag = "resources",
    params(("name" = String, Path, description = "The resource")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "Every live token of the resource", body = TokenList),
        (status = 403, description = "`forbidden`: not a maintainer (also for an unknown resource)"),
        (status = 404, description = "`not_found`: (for admins) unknown resource"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
    Path(name): Path<String>,
) -> ApiResult<Json<TokenList>> {
    token_list(state.auth.list_resource_tokens(&caller, &name).await?)
}

/// `PATCH /resources/{name}/tokens/{id}`: a new description.
#[utoipa::path(
    patch,
    path = "/api/v1/resources/{name}/tokens/{id}",
    operation_id = "describe_resource_token",
    tag = "resources",
    params(
        ("name" = String, Path, description = "The resource"),
        ("id" = String, Path, description = "The token's id"),
    ),
    request_body = DescriptionRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The description is changed", body = MessageResponse),
        (status = 400, description = "`bad_request`: no or an invalid description"),
        (status = 403, description = "`forbidden`: not a maintainer (also for an unknown resource)"),
        (status = 404, description = "`not_found`: unknown token, or (for admins) unknown resource"),
    )
)]
pub async fn describe(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
    Path((name, id)): Path<(String, String)>,
    body: Result<JsonObject<DescriptionRequest>, ApiError>,
) -> ApiResult<Json<MessageResponse>> {
    state
        .auth
        .may_manage_resource_tokens(&caller, &name)
        .await?;
    let JsonObject(req) = body?;
    state
        .auth
        .describe_resource_token(&caller, &name, &id, req.description.as_deref())
        .await?;
    Ok(Json(MessageResponse {
        message: format!("Token {id} updated"),
    }))
}

/// `DELETE /resources/{name}/tokens/{id}`
#[utoipa::path(
    delete,
    path = "/api/v1/resources/{name}/tokens/{id}",
    operation_id = "revoke_resource_token",
    tag = "resources",
    params(
        ("name" = String, Path, description = "The resource"),
        ("id" = String, Path, description = "The token's id"),
    ),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "Revoked everywhere", body = MessageResponse),
        (status = 403, description = "`forbidden`: not a maintainer (also for an unknown resource)"),
        (status = 404, description = "`not_found`: unknown token, or (for admins) unknown resource"),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path((name, id)): Path<(String, String)>,
) -> ApiResult<Json<MessageResponse>> {
    from_client(ip, state.auth.revoke_resource_token(&caller, &name, &id)).await?;
    Ok(Json(MessageResponse {
        message: format!("Token {id} revoked"),
    }))
}
