//! `/users`: admins list, create, change and delete users; a user reads and renames themself,
//! and may delete themself with their password (`/users/me` is in `users_me`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use tessera_api::users::{
    CreateUserRequest, CreatedUserResponse, DeleteUserRequest, UpdateUserRequest,
    UpdatedUserResponse, UserList, UserRecord, UserResponse,
};
use tessera_api::MessageResponse;
use tessera_core::audit::from_client;
use tessera_core::auth::UserChanges;
use tessera_core::user_query::parse_user_query;
use tessera_core::{iso8601, Role, User};

use super::list_query::parsed;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, JsonObject};
use crate::state::AppState;

/// A user as the API shows them.
pub(crate) fn record(u: &User) -> UserRecord {
    UserRecord {
        username: u.username.to_string(),
        fullname: u.fullname.clone(),
        role: u.role.as_str().to_string(),
        disabled: u.disabled,
        created_at: iso8601::format(u.created_at),
        last_login_at: u.last_login_at.map(iso8601::format),
    }
}

fn role(raw: &str) -> Result<Role, ApiError> {
    Role::parse(raw)
        .ok_or_else(|| ApiError::bad_request("role must be reader, contributor or admin"))
}

/// The changes a `PATCH` body asks for.
pub(crate) fn changes(req: UpdateUserRequest) -> Result<UserChanges, ApiError> {
    Ok(UserChanges {
        fullname: req.fullname,
        role: req.role.as_deref().map(role).transpose()?,
        disabled: req.disabled,
    })
}

/// `GET /users?q=&role=&disabled=&limit=&cursor=`
#[utoipa::path(
    get,
    path = "/api/v1/users",
    operation_id = "list_users",
    tag = "users",
    params(
        ("q" = Option<String>, Query, description = "Only users whose username or fullname starts with this (case-insensitive)"),
        ("role" = Option<String>, Query, description = "Only users of this role: reader, contributor or admin"),
        ("disabled" = Option<bool>, Query, description = "Only disabled (`true`) or enabled (`false`) users"),
        ("limit" = Option<u32>, Query, description = "Users per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "A page of users, by username; `next_cursor` is null at the end", body = UserList),
        (status = 400, description = "`unknown_parameter`, `invalid_parameter` (an unknown role, `disabled` not true or false, a limit out of range), `invalid_cursor`"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the caller is not an admin"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Json<UserList>> {
    state.auth.may_manage_users(&caller)?;
    let query = parsed(query, |pairs| parse_user_query(pairs))?;
    let (users, next_cursor) = state.auth.list_users_page(&caller, &query).await?;
    Ok(Json(UserList {
        users: users.iter().map(record).collect(),
        next_cursor,
    }))
}

/// `POST /users`
#[utoipa::path(
    post,
    path = "/api/v1/users",
    operation_id = "create_user",
    tag = "users",
    request_body = CreateUserRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 201, description = "The user; `password` when tessera generated it (shown only here; the user must change it at their first login)", body = CreatedUserResponse),
        (status = 400, description = "`bad_request` (no username or fullname, an invalid one, an unknown role or field), `reserved_username` (`me`), `weak_password`"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the caller is not an admin (whatever the body)"),
        (status = 409, description = "`conflict`: the username is taken"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    body: Result<JsonObject<CreateUserRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<CreatedUserResponse>)> {
    state.auth.may_manage_users(&caller)?;
    let JsonObject(req) = body?;
    let (Some(username), Some(fullname)) = (req.username, req.fullname) else {
        return Err(ApiError::bad_request("username and fullname are required"));
    };
    let role = req.role.as_deref().map(role).transpose()?;
    let creating = state.auth.create_user_as(
        &caller,
        &username,
        &fullname,
        role.unwrap_or(Role::Reader),
        req.password.as_deref(),
    );
    let created = from_client(ip, creating).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUserResponse {
            message: format!("User {} successfully created", created.user.username),
            user: record(&created.user),
            password: created.generated_password,
        }),
    ))
}

/// `GET /users/{username}`
#[utoipa::path(
    get,
    path = "/api/v1/users/{username}",
    operation_id = "get_user",
    tag = "users",
    params(("username" = String, Path, description = "The user")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The user", body = UserResponse),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: neither an admin nor the user (whether or not the user exists)"),
        (status = 404, description = "`not_found`: no such user (admins)"),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
    Path(username): Path<String>,
) -> ApiResult<Json<UserResponse>> {
    let user = state.auth.user_for(&caller, &username).await?;
    Ok(Json(UserResponse {
        user: record(&user),
    }))
}

/// `PATCH /users/{username}`
#[utoipa::path(
    patch,
    path = "/api/v1/users/{username}",
    operation_id = "update_user",
    tag = "users",
    params(("username" = String, Path, description = "The user")),
    request_body = UpdateUserRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The user as changed", body = UpdatedUserResponse),
        (status = 400, description = "`bad_request`: an unknown field or role, an invalid fullname"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: neither an admin nor the user, or the user changing their role or disabled flag"),
        (status = 404, description = "`not_found`: no such user (admins)"),
        (status = 409, description = "`last_admin`: the change would leave no enabled admin"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(username): Path<String>,
    body: Result<JsonObject<UpdateUserRequest>, ApiError>,
) -> ApiResult<Json<UpdatedUserResponse>> {
    let JsonObject(req) = body?;
    let changes = changes(req)?;
    let updating = state.auth.update_user(&caller, &username, &changes);
    let user = from_client(ip, updating).await?;
    Ok(Json(UpdatedUserResponse {
        message: format!("User {} updated", user.username),
        user: record(&user),
    }))
}

/// `DELETE /users/{username}`
#[utoipa::path(
    delete,
    path = "/api/v1/users/{username}",
    operation_id = "delete_user",
    tag = "users",
    params(("username" = String, Path, description = "The user")),
    request_body(content = DeleteUserRequest, description = "A user deleting themself gives their password; an admin sends nothing"),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The user is deleted: their sessions, API keys and personal tokens ended; resource tokens they made keep working", body = MessageResponse),
        (status = 400, description = "`bad_request`: a user deleting themself without their password"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: neither an admin nor the user; `wrong_password`: the user's password is wrong"),
        (status = 404, description = "`not_found`: no such user (admins)"),
        (status = 409, description = "`last_admin`: the last enabled admin"),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(username): Path<String>,
    JsonObject(req): JsonObject<DeleteUserRequest, true>,
) -> ApiResult<Json<MessageResponse>> {
    let name = tessera_core::user::normalise(&username);
    let deleting = state
        .auth
        .delete_user(&caller, &name, req.password.as_deref());
    from_client(ip, deleting).await?;
    Ok(Json(MessageResponse {
        message: format!("User {name} deleted"),
    }))
}
