//! Wire types of scoped long-lived tokens: personal tokens (`create-api-token`, `/auth/tokens`)
//! and resources with their maintainers and tokens (`/resources`). Times are Unix seconds,
//! except PlantDB's `"expiration date"`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /auth/token/create-api-token`. The values are checked by the server, so they are
/// taken as any JSON here.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateApiTokenRequest {
    #[serde(default)]
    #[schema(required = true, schema_with = crate::schema::datasets)]
    pub datasets: Option<Value>,
    #[serde(default)]
    #[schema(required = true, schema_with = crate::schema::seconds)]
    pub token_exp: Option<Value>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `Debug` leaves the token out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateApiTokenResponse {
    pub message: String,
    pub api_token: String,
    /// ISO-8601, UTC.
    #[serde(rename = "expiration date")]
    pub expiration_date: String,
    pub id: String,
}

impl std::fmt::Debug for CreateApiTokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateApiTokenResponse")
            .field("id", &self.id)
            .field("expiration_date", &self.expiration_date)
            .finish_non_exhaustive()
    }
}

/// A token's metadata; never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub description: String,
    /// `perm`, or `pattern:perm` for a personal token's dataset scopes.
    pub scopes: Vec<String>,
    /// A personal token's scopes as PlantDB writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasets: Option<BTreeMap<String, Vec<String>>>,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
}

/// `GET /auth/tokens`, `GET /resources/{name}/tokens`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenInfo>,
}

/// `POST /resources`
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateResourceRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, pattern = "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")]
    pub name: Option<String>,
    #[serde(default)]
    pub maintainers: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResourceInfo {
    pub name: String,
    pub maintainers: Vec<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResourceResponse {
    pub message: String,
    pub resource: ResourceInfo,
}

/// `GET /resources`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResourceList {
    pub resources: Vec<ResourceInfo>,
}

/// `POST /resources/{name}/maintainers`
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MaintainerRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub username: Option<String>,
}

/// `POST /resources/{name}/tokens`; `expires_in` absent or `null`: until revoked.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateResourceTokenRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(required = true, schema_with = crate::schema::permissions)]
    pub scopes: Option<Value>,
    /// Seconds above 0; absent or `null`: until revoked.
    #[serde(default)]
    #[schema(schema_with = crate::schema::seconds, nullable)]
    pub expires_in: Option<Value>,
}

/// `Debug` leaves the token out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResourceTokenCreated {
    pub message: String,
    /// The secret: shown here only.
    pub token: String,
    pub id: String,
    pub description: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<i64>,
}

impl std::fmt::Debug for ResourceTokenCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceTokenCreated")
            .field("id", &self.id)
            .field("description", &self.description)
            .field("scopes", &self.scopes)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let personal = CreateApiTokenResponse {
            message: "m".into(),
            api_token: "tsk_secret-value".into(),
            expiration_date: "2027-01-15T08:00:00+00:00".into(),
            id: "abc".into(),
        };
        let resource = ResourceTokenCreated {
            message: "m".into(),
            token: "tsk_secret-value".into(),
            id: "abc".into(),
            description: "d".into(),
            scopes: vec!["read".into()],
            expires_at: None,
        };
        for shown in [format!("{personal:?}"), format!("{resource:?}")] {
            assert!(!shown.contains("secret-value"), "{shown}");
            assert!(shown.contains("abc"), "{shown}");
        }
    }
}

/// `PATCH /resources/{name}/tokens/{id}`
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DescriptionRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub description: Option<String>,
}
