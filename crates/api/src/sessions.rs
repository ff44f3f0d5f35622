//! Wire types of the session routes (`/auth/sessions…`, `/users/{username}/sessions…`). Times
//! are ISO-8601 UTC.

use serde::{Deserialize, Serialize};

/// A live session. `ip` and `user_agent` are those of its last login or refresh (null for a
/// session opened before tessera kept them, or when the client sent no user agent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: String,
    pub refreshed_at: String,
    pub expires_at: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Whether this is the session of the access token that asked.
    pub current: bool,
}

/// `GET /auth/sessions` and `GET /users/{username}/sessions`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionInfo>,
}

/// `POST /auth/sessions/revoke-others` and `POST /users/{username}/sessions/revoke-all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RevokedSessions {
    pub message: String,
    pub revoked: usize,
}
