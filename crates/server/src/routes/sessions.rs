//! A user's sessions: list them, end one, end all but the caller's, and (admins) list or end a
//! user's. Ending goes the way logout does, so every instance refuses the session's access
//! tokens within the same bound.

use axum::extract::{Path, State};
use axum::Json;
use tessera_api::sessions::{RevokedSessions, SessionInfo, SessionList};
use tessera_api::MessageResponse;
use tessera_core::audit::from_client;
use tessera_core::iso8601;
use tessera_core::store::SessionRecord;
use tessera_core::Validated;

use crate::error::ApiResult;
use crate::extract::{AuthUser, ClientIp};
use crate::state::AppState;

fn session_list(caller: &Validated, sessions: Vec<SessionRecord>) -> Json<SessionList> {
    let sessions = sessions
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == caller.session_id,
            id: s.id,
            created_at: iso8601::format(s.created_at),
            refreshed_at: iso8601::format(s.refreshed_at),
            expires_at: iso8601::format(s.expires_at),
            ip: s.client.ip,
            user_agent: s.client.user_agent,
        })
        .collect();
    Json(SessionList { sessions })
}

/// `GET /auth/sessions`: the caller's live sessions.
#[utoipa::path(
    get,
    path = "/api/v1/auth/sessions",
    operation_id = "list_sessions",
    tag = "sessions",
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The caller's live sessions, newest first; `current` marks the caller's own", body = SessionList),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
) -> ApiResult<Json<SessionList>> {
    let sessions = state.auth.list_sessions(&caller).await?;
    Ok(session_list(&caller, sessions))
}

/// `DELETE /auth/sessions/{id}`: the owner or an admin.
#[utoipa::path(
    delete,
    path = "/api/v1/auth/sessions/{id}",
    operation_id = "revoke_session",
    tag = "sessions",
    params(("id" = String, Path, description = "The session's id, as listed")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The session ended: its refresh token no longer works, and its access tokens are refused everywhere", body = MessageResponse),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 404, description = "`not_found`: no live session with this id, or (for anyone but an admin) someone else's"),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageResponse>> {
    from_client(ip, state.auth.end_session(&caller, &id)).await?;
    Ok(Json(MessageResponse {
        message: format!("Session {id} revoked"),
    }))
}

/// `POST /auth/sessions/revoke-others`: every session of the caller's but this one.
#[utoipa::path(
    post,
    path = "/api/v1/auth/sessions/revoke-others",
    operation_id = "revoke_other_sessions",
    tag = "sessions",
    description = "Ends every live session of the caller's but the one of the access token \
        presented (\"log out everywhere else\"). The body is not read: any body (none, empty, \
        malformed) is accepted.",
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "How many sessions ended; the calling session stays", body = RevokedSessions),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
    )
)]
pub async fn revoke_others(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
) -> ApiResult<Json<RevokedSessions>> {
    let revoked = from_client(ip, state.auth.end_other_sessions(&caller)).await?;
    Ok(Json(RevokedSessions {
        message: format!("Other sessions of {} revoked", caller.username),
        revoked,
    }))
}

/// `GET /users/{username}/sessions`: admins (or the user).
#[utoipa::path(
    get,
    path = "/api/v1/users/{username}/sessions",
    operation_id = "list_user_sessions",
    tag = "sessions",
    params(("username" = String, Path, description = "The user (`me`: the caller)")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The user's live sessions, newest first, as `GET /auth/sessions`", body = SessionList),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: another user's sessions, for a caller without `manage_users`"),
        (status = 404, description = "`not_found`: no such user (asked by an admin)"),
    )
)]
pub async fn list_of_user(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
    Path(username): Path<String>,
) -> ApiResult<Json<SessionList>> {
    let sessions = state.auth.list_user_sessions(&caller, &username).await?;
    Ok(session_list(&caller, sessions))
}

/// `POST /users/{username}/sessions/revoke-all`: admins (or the user).
#[utoipa::path(
    post,
    path = "/api/v1/users/{username}/sessions/revoke-all",
    operation_id = "revoke_user_sessions",
    tag = "sessions",
    description = "Ends every live session of the user. The body is not read: any body (none, \
        empty, malformed) is accepted.",
    params(("username" = String, Path, description = "The user (`me`: the caller)")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "How many sessions ended", body = RevokedSessions),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: another user's sessions, for a caller without `manage_users`"),
        (status = 404, description = "`not_found`: no such user (asked by an admin)"),
    )
)]
pub async fn revoke_all_of_user(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(username): Path<String>,
) -> ApiResult<Json<RevokedSessions>> {
    let ending = state.auth.end_user_sessions(&caller, &username);
    let (username, revoked) = from_client(ip, ending).await?;
    Ok(Json(RevokedSessions {
        message: format!("Sessions of {username} revoked"),
        revoked,
    }))
}
