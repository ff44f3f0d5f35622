//! Wire types of the tessera HTTP API (`/api/v1`), shared by the server and the client.
//!
//! Field names follow PlantDB 0.17's auth API so that its clients work unchanged.

use serde::{Deserialize, Serialize};

pub mod audit;
pub mod clients;
mod error_code;
pub mod keys;
pub mod oauth2;
pub mod passwords;
mod schema;
pub mod tokens;
pub mod users;

pub use error_code::ErrorCode;

/// Every route lives under this prefix.
pub const API_PREFIX: &str = "/api/v1";

/// `{"username", "fullname"}`: who a credential belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserInfo {
    pub username: String,
    pub fullname: String,
}

/// Body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub code: ErrorCode,
    /// Present on login failures, as PlantDB sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticated: Option<bool>,
}

/// A success answer that only says what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageResponse {
    pub message: String,
}

/// `GET /auth/login?username=U`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UsernameCheck {
    pub username: String,
    pub exists: bool,
}

/// `POST /auth/login`. Its `Debug` hides the password.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub username: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub password: Option<String>,
}

/// `Debug` leaves the tokens out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub message: String,
    pub user: UserInfo,
    pub access_token: String,
    pub refresh_token: String,
}

/// `POST /auth/register`. Its `Debug` hides the password.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub username: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub fullname: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub password: Option<String>,
}

/// What `Debug` shows of a password or token: whether there is one, never what it is.
fn redacted(secret: &Option<String>) -> &'static str {
    match secret {
        Some(_) => "Some(<redacted>)",
        None => "None",
    }
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &format_args!("{}", redacted(&self.password)))
            .finish()
    }
}

impl std::fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("username", &self.username)
            .field("fullname", &self.fullname)
            .field("password", &format_args!("{}", redacted(&self.password)))
            .finish()
    }
}

/// `POST /auth/token/refresh`. Its `Debug` hides the token.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// `Debug` leaves the tokens out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefreshResponse {
    pub message: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("message", &self.message)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshRequest")
            .field(
                "refresh_token",
                &format_args!("{}", redacted(&self.refresh_token)),
            )
            .finish()
    }
}

impl std::fmt::Debug for RefreshResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshResponse")
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

/// `POST /auth/token/validation`; the body is optional. With `resource`, any credential but a
/// token of that resource is refused (403).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ValidationRequest {
    #[serde(default)]
    pub resource: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ValidationResponse {
    pub message: String,
    pub user: UserInfo,
    /// `access`, `personal_token`, `resource_token` or `client` (a service client's own token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Who acts: the username, `Token <description>` for a resource token, or
    /// `client:<client_id>` for a client token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// A personal token's dataset scopes, as PlantDB writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasets: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

/// `GET /health`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HealthResponse {
    /// `healthy`, or `degraded` while revocations from other instances are not arriving.
    pub status: String,
    pub version: String,
    /// `live` or `down`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_feed: Option<String>,
    /// The database's clock minus this instance's, in milliseconds, as last measured (0 on
    /// SQLite, whose clock is the instance's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_skew_ms: Option<i64>,
}

pub mod apikeys;
pub mod sessions;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_passwords() {
        let login = LoginRequest {
            username: Some("alice".into()),
            password: Some("hunter2-secret".into()),
        };
        let shown = format!("{login:?}");
        assert!(
            shown.contains("alice") && shown.contains("<redacted>"),
            "{shown}"
        );
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        let register = RegisterRequest {
            username: Some("bob".into()),
            fullname: Some("Bob".into()),
            password: Some("hunter2-secret".into()),
        };
        let shown = format!("{register:#?}");
        assert!(
            shown.contains("bob") && !shown.contains("hunter2-secret"),
            "{shown}"
        );
        assert!(format!("{:?}", LoginRequest::default()).contains("password: None"));
    }

    #[test]
    fn debug_hides_tokens() {
        let user = UserInfo {
            username: "alice".into(),
            fullname: "Alice".into(),
        };
        let shown = [
            format!(
                "{:?}",
                LoginResponse {
                    message: "Login successful".into(),
                    user: user.clone(),
                    access_token: "eyJ.access-secret.sig".into(),
                    refresh_token: "tsr_rt_refresh-secret".into(),
                }
            ),
            format!(
                "{:#?}",
                RefreshRequest {
                    refresh_token: Some("tsr_rt_refresh-secret".into()),
                }
            ),
            format!(
                "{:?}",
                RefreshResponse {
                    message: "Token refreshed successfully".into(),
                    access_token: "eyJ.access-secret.sig".into(),
                    refresh_token: "tsr_rt_refresh-secret".into(),
                }
            ),
        ];
        for shown in &shown {
            assert!(!shown.contains("secret"), "{shown}");
        }
        assert!(shown[0].contains("alice") && shown[2].contains("refreshed"));
        assert!(shown[1].contains("<redacted>"), "{}", shown[1]);
    }
}
