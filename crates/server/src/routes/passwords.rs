//! Password changes: a user changing their own, and an admin's reset.

use axum::extract::{Path, State};
use axum::Json;
use tessera_api::passwords::{
    ChangePasswordRequest, ChangePasswordResponse, ResetPasswordRequest, ResetPasswordResponse,
};
use tessera_core::audit::from_client;
use tessera_core::Error;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Bearer, ClientIp, JsonObject};
use crate::state::AppState;

/// `POST /users/me/password`: the caller's own password. The session it is called with stays
/// (the one route open to a session whose user must change their password).
#[utoipa::path(
    post,
    path = "/api/v1/users/me/password",
    operation_id = "change_own_password",
    tag = "users",
    description = "Changes the caller's password. Every other session and every API key of the \
        user ends (their personal tokens too with `revoke_personal_tokens`); the calling session \
        stays. This is the one route a session of a user who must change their password may \
        call (and logout): after the change, refresh the session to get an access token without \
        that limit. A wrong current password is 403 `wrong_password`, not 401: the access token \
        is fine and refreshing it would not help. Each try counts against \
        `rate_login_per_minute`.",
    request_body = ChangePasswordRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "`Password changed`, with how many other sessions ended", body = ChangePasswordResponse),
        (status = 400, description = "`bad_request`: missing `current_password` or `new_password`; `weak_password`: the policy refuses the new password (the text says why)"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`: the access token is refused, or the account changed meanwhile"),
        (status = 403, description = "`wrong_password`: the current password is wrong"),
        (status = 429, description = "`rate_limited`: more than `rate_login_per_minute` password checks from this client"),
    )
)]
pub async fn change_own(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    body: Result<JsonObject<ChangePasswordRequest>, ApiError>,
) -> ApiResult<Json<ChangePasswordResponse>> {
    let token = token.ok_or(Error::MissingCredential("missing token"))?;
    let caller = state
        .auth
        .validate_access_for_password_change(&token)
        .await?;
    let JsonObject(req) = body?;
    let (Some(current), Some(new)) = (
        req.current_password.filter(|p| !p.is_empty()),
        req.new_password.filter(|p| !p.is_empty()),
    ) else {
        return Err(ApiError::bad_request(
            "Missing current_password or new_password",
        ));
    };
    state.limits.login.check(ip).await?;
    let changed =
        state
            .auth
            .change_own_password(&caller, &current, &new, req.revoke_personal_tokens);
    let revoked = from_client(ip, changed).await?;
    Ok(Json(ChangePasswordResponse {
        message: "Password changed".into(),
        revoked_sessions: revoked as u64,
    }))
}

/// `POST /users/{username}/password`: an admin sets a user's password, or has one generated.
#[utoipa::path(
    post,
    path = "/api/v1/users/{username}/password",
    operation_id = "reset_password",
    tag = "users",
    description = "Sets a user's password (admins). Without `password`, one is generated and \
        shown once in the answer; the user must then change it (`must_change` cannot be false). \
        `must_change` defaults to true: until the user changes the password, their sessions may \
        do nothing else (403 `password_change_required`). Every session and API key of the user \
        ends.",
    params(("username" = String, Path, description = "The user")),
    request_body = ResetPasswordRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "`Password of <username> reset`, with the generated password when none was given", body = ResetPasswordResponse),
        (status = 400, description = "`bad_request`: `must_change: false` without a password, or a body that is not a JSON object; `weak_password`: the policy refuses the password"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`: the access token is refused"),
        (status = 403, description = "`forbidden`: the caller may not manage users; `password_change_required`: the caller must change their own password first"),
        (status = 404, description = "`not_found`: no such user"),
    )
)]
pub async fn reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(username): Path<String>,
    body: Result<JsonObject<ResetPasswordRequest>, ApiError>,
) -> ApiResult<Json<ResetPasswordResponse>> {
    state.auth.may_reset_passwords(&caller)?;
    let JsonObject(req) = body?;
    let reset =
        state
            .auth
            .reset_password(&caller, &username, req.password.as_deref(), req.must_change);
    let reset = from_client(ip, reset).await?;
    Ok(Json(ResetPasswordResponse {
        message: format!("Password of {} reset", username.trim().to_lowercase()),
        password: reset.generated,
        must_change: reset.must_change_password,
    }))
}
