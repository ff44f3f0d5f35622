//! Wire types of the no-session API-key routes (`/auth/apikeys…`). Times are ISO-8601 UTC.

use serde::{Deserialize, Serialize};

use crate::UserInfo;

/// `POST /auth/apikeys`. `api_version` may be a string or a number; `bind_ip` is `true` (bind
/// to the caller's address), an address, or `false`/absent (unbound). Durations are seconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateApiKeyRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1, max_length = 256)]
    pub audience: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1, max_length = 256)]
    pub subject: Option<String>,
    #[serde(default)]
    #[schema(schema_with = crate::schema::string_or_number)]
    pub api_version: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(schema_with = crate::schema::bind_ip)]
    pub bind_ip: Option<serde_json::Value>,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub not_before: Option<i64>,
    #[serde(default)]
    pub refresh_expires_in: Option<i64>,
    #[serde(default)]
    pub refresh_not_before: Option<i64>,
}

/// A key and its refresh token: the answer to creation and to refresh (shown once).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyResponse {
    pub message: String,
    pub apikey: String,
    pub apikey_id: String,
    pub expires: String,
    pub refresh_token: String,
    pub refresh_token_expires: String,
}

impl std::fmt::Debug for ApiKeyResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyResponse")
            .field("apikey_id", &self.apikey_id)
            .field("expires", &self.expires)
            .field("refresh_token_expires", &self.refresh_token_expires)
            .finish_non_exhaustive()
    }
}

/// `POST /auth/apikeys/refresh`: unlike a session's refresh (PlantDB's, which answers 401 to
/// `{}`), a body without `refresh_token` is refused as incomplete (400). Its `Debug` hides the
/// token.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyRefreshRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for ApiKeyRefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyRefreshRequest")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// `POST /auth/apikeys/verify`, sent by the audience service. Its `Debug` hides the key.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VerifyApiKeyRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub apikey: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub audience: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub subject: Option<String>,
    /// Where the key was presented from.
    #[serde(default)]
    pub ip: Option<String>,
}

impl std::fmt::Debug for VerifyApiKeyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyApiKeyRequest")
            .field("apikey", &self.apikey.as_ref().map(|_| "<redacted>"))
            .field("audience", &self.audience)
            .field("subject", &self.subject)
            .field("ip", &self.ip)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VerifyApiKeyResponse {
    pub message: String,
    pub valid: bool,
    pub user: UserInfo,
    pub audience: String,
    pub subject: String,
    pub api_version: String,
    pub expires: String,
    pub apikey_id: String,
}

/// A key as listed: no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyInfo {
    pub id: String,
    pub audience: String,
    pub subject: String,
    pub api_version: String,
    pub bound_ip: Option<String>,
    pub created: String,
    pub expires: String,
    pub refresh_token_expires: String,
}

/// `GET /auth/apikeys`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyList {
    pub apikeys: Vec<ApiKeyInfo>,
}

/// `POST /auth/apikeys/revoke-all`; admins may name another user.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RevokeAllApiKeysRequest {
    #[serde(default)]
    pub username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RevokeAllApiKeysResponse {
    pub message: String,
    pub revoked: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let req = VerifyApiKeyRequest {
            apikey: Some("eyJ.secret-key.sig".into()),
            audience: Some("svc".into()),
            subject: None,
            ip: Some("10.0.0.7".into()),
        };
        let shown = format!("{req:?}");
        assert!(!shown.contains("secret-key"), "{shown}");
        assert!(
            shown.contains("<redacted>") && shown.contains("svc") && shown.contains("10.0.0.7")
        );
        let response = ApiKeyResponse {
            message: "ok".into(),
            apikey: "eyJ.another-key.sig".into(),
            apikey_id: "id1".into(),
            expires: "e".into(),
            refresh_token: "tsr_ak_refresh-secret".into(),
            refresh_token_expires: "r".into(),
        };
        let shown = format!("{response:?}");
        assert!(!shown.contains("another-key") && !shown.contains("refresh-secret"));
    }
}
