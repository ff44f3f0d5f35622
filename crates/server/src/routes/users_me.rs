//! `/users/me`: the caller's own record, with the permissions of their role.

use axum::extract::State;
use axum::Json;
use tessera_api::users::{
    CurrentUser, CurrentUserResponse, UpdateUserRequest, UpdatedUserResponse,
};
use tessera_core::audit::from_client;

use super::users::{changes, record};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, JsonObject};
use crate::state::AppState;

/// `GET /users/me`
#[utoipa::path(
    get,
    path = "/api/v1/users/me",
    operation_id = "get_current_user",
    tag = "users",
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The caller, with the permissions of their role", body = CurrentUserResponse),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
) -> ApiResult<Json<CurrentUserResponse>> {
    let user = state.auth.user_for(&caller, &caller.username).await?;
    Ok(Json(CurrentUserResponse {
        user: CurrentUser {
            user: record(&user),
            permissions: user
                .role
                .permissions()
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
        },
    }))
}

/// `PATCH /users/me`
#[utoipa::path(
    patch,
    path = "/api/v1/users/me",
    operation_id = "update_current_user",
    tag = "users",
    request_body = UpdateUserRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The caller as changed", body = UpdatedUserResponse),
        (status = 400, description = "`bad_request`: an unknown field or role, an invalid fullname"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: a user who is not an admin changing their role or disabled flag"),
        (status = 409, description = "`last_admin`: the change would leave no enabled admin"),
    )
)]
pub async fn update_me(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    body: Result<JsonObject<UpdateUserRequest>, ApiError>,
) -> ApiResult<Json<UpdatedUserResponse>> {
    let JsonObject(req) = body?;
    let changes = changes(req)?;
    let updating = state.auth.update_user(&caller, &caller.username, &changes);
    let user = from_client(ip, updating).await?;
    Ok(Json(UpdatedUserResponse {
        message: format!("User {} updated", user.username),
        user: record(&user),
    }))
}
