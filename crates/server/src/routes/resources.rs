//! Resources and their maintainers.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tessera_api::tokens::{
    CreateResourceRequest, MaintainerRequest, ResourceInfo, ResourceList, ResourceResponse,
};
use tessera_api::MessageResponse;
use tessera_core::auth::Caller;
use tessera_core::store::Resource;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, JsonObject};
use crate::state::AppState;
use tessera_core::audit::from_client;

fn info(r: Resource) -> ResourceInfo {
    ResourceInfo {
        name: r.name,
        maintainers: r.maintainers,
        created_at: r.created_at,
    }
}

/// `POST /resources`: admins.
#[utoipa::path(
    post,
    path = "/api/v1/resources",
    operation_id = "create_resource",
    tag = "resources",
    request_body = CreateResourceRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 201, description = "The resource", body = ResourceResponse),
        (status = 400, description = "`bad_request`: no or an invalid name"),
        (status = 403, description = "`forbidden`: not an admin (whatever the body)"),
        (status = 404, description = "`not_found`: a maintainer who is not a user"),
        (status = 409, description = "`conflict`: the resource exists"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    body: Result<JsonObject<CreateResourceRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<ResourceResponse>)> {
    state.auth.may_create_resources(Caller::User(&caller))?;
    let JsonObject(req) = body?;
    let name = req
        .name
        .ok_or_else(|| ApiError::bad_request("Missing name"))?;
    let maintainers = req.maintainers.unwrap_or_default();
    let creating = state
        .auth
        .create_resource(Caller::User(&caller), &name, &maintainers);
    let resource = from_client(ip, creating).await?;
    Ok((
        StatusCode::CREATED,
        Json(ResourceResponse {
            message: format!("Resource {} created", resource.name),
            resource: info(resource),
        }),
    ))
}

/// `GET /resources`: all for admins, the maintained ones for others.
#[utoipa::path(
    get,
    path = "/api/v1/resources",
    operation_id = "list_resources",
    tag = "resources",
    security(("access_token" = []), ("bare_token" = [])),
    responses((status = 200, description = "All resources for admins, the maintained ones for others", body = ResourceList))
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
) -> ApiResult<Json<ResourceList>> {
    let resources = state.auth.list_resources(Caller::User(&caller)).await?;
    Ok(Json(ResourceList {
        resources: resources.into_iter().map(info).collect(),
    }))
}

/// `POST /resources/{name}/maintainers`
#[utoipa::path(
    post,
    path = "/api/v1/resources/{name}/maintainers",
    tag = "resources",
    params(("name" = String, Path, description = "The resource")),
    request_body = MaintainerRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The user maintains the resource", body = MessageResponse),
        (status = 400, description = "`bad_request`: no `username`"),
        (status = 403, description = "`forbidden`: neither an admin nor a maintainer (also for an unknown resource)"),
        (status = 404, description = "`not_found`: unknown user, or (for admins) unknown resource"),
    )
)]
pub async fn add_maintainer(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(name): Path<String>,
    body: Result<JsonObject<MaintainerRequest>, ApiError>,
) -> ApiResult<Json<MessageResponse>> {
    state
        .auth
        .may_manage_maintainers(Caller::User(&caller), &name)
        .await?;
    let JsonObject(req) = body?;
    let Some(username) = req.username else {
        return Err(ApiError::bad_request("Missing username"));
    };
    let adding = state
        .auth
        .add_maintainer(Caller::User(&caller), &name, &username);
    let added = from_client(ip, adding).await?;
    let username = tessera_core::user::normalise(&username);
    let message = if added {
        format!("{username} now maintains {name}")
    } else {
        format!("{username} already maintains {name}")
    };
    Ok(Json(MessageResponse { message }))
}

/// `DELETE /resources/{name}/maintainers/{username}`
#[utoipa::path(
    delete,
    path = "/api/v1/resources/{name}/maintainers/{username}",
    tag = "resources",
    params(
        ("name" = String, Path, description = "The resource"),
        ("username" = String, Path, description = "The maintainer"),
    ),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The user no longer maintains the resource", body = MessageResponse),
        (status = 403, description = "`forbidden`: neither an admin nor a maintainer (also for an unknown resource)"),
        (status = 404, description = "`not_found`: not a maintainer, or (for admins) unknown resource"),
    )
)]
pub async fn remove_maintainer(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<Json<MessageResponse>> {
    let removing = state
        .auth
        .remove_maintainer(Caller::User(&caller), &name, &username);
    from_client(ip, removing).await?;
    Ok(Json(MessageResponse {
        message: format!("{username} no longer maintains {name}"),
    }))
}
