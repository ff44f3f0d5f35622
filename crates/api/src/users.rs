//! `/api/v1/users`: users as admins manage them, and as each user sees themself.

use serde::{Deserialize, Serialize};

/// A user as the API shows them. Times are ISO-8601 UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserRecord {
    pub username: String,
    pub fullname: String,
    /// `reader`, `contributor` or `admin`.
    pub role: String,
    pub disabled: bool,
    pub created_at: String,
    /// Null if the user never logged in.
    pub last_login_at: Option<String>,
}

/// `GET /users`: a page of users, by username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserList {
    pub users: Vec<UserRecord>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

/// `GET /users/{username}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserResponse {
    pub user: UserRecord,
}

/// `PATCH /users/{username}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UpdatedUserResponse {
    pub message: String,
    pub user: UserRecord,
}

/// The caller, with the permissions of their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CurrentUser {
    #[serde(flatten)]
    pub user: UserRecord,
    /// e.g. `read`, `write`, `manage_users`.
    pub permissions: Vec<String>,
}

/// `GET /users/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CurrentUserResponse {
    pub user: CurrentUser,
}

/// `POST /users`. Without a password, one is generated and answered once. `Debug` hides the
/// password.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub username: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub fullname: Option<String>,
    /// `reader` (the default), `contributor` or `admin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, pattern = "^(reader|contributor|admin)$")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl std::fmt::Debug for CreateUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUserRequest")
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// `POST /users` answer: `password` only when tessera generated it (the only time it is
/// shown). `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreatedUserResponse {
    pub message: String,
    pub user: UserRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl std::fmt::Debug for CreatedUserResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedUserResponse")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// `PATCH /users/{username}`: the fields to change. Admins change all three; a user only their
/// own `fullname`. Any other field is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub fullname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, pattern = "^(reader|contributor|admin)$")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// `DELETE /users/{username}`: a user deleting themself gives their password; an admin
/// sends nothing. `Debug` hides the password.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeleteUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl std::fmt::Debug for DeleteUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeleteUserRequest").finish_non_exhaustive()
    }
}

/// The filters of `GET /users`; `None` leaves one out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// A prefix of the username or the fullname.
    pub q: Option<String>,
    pub role: Option<String>,
    pub disabled: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl UserFilter {
    /// The `(name, value)` query pairs of the filters given.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", self.q.clone()),
            ("role", self.role.clone()),
            ("disabled", self.disabled.map(|d| d.to_string())),
            ("limit", self.limit.map(|n| n.to_string())),
            ("cursor", self.cursor.clone()),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}
