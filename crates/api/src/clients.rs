//! Wire types of service clients (`/clients`, admins only). Times are ISO-8601, UTC.

use serde::{Deserialize, Serialize};

/// `POST /clients`. Checked by the server, so every field is optional here.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateClientRequest {
    #[serde(default)]
    #[schema(required = true)]
    pub name: Option<String>,
    /// Scopes the client may ask tokens for (RFC 6749 scope tokens).
    #[serde(default)]
    #[schema(required = true)]
    pub scopes: Option<Vec<String>>,
    /// `introspect`: may call `POST /oauth2/introspect`.
    #[serde(default)]
    pub rights: Option<Vec<String>>,
}

/// A client's metadata; never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClientInfo {
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub rights: Vec<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// `GET /clients`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClientList {
    pub clients: Vec<ClientInfo>,
}

/// `POST /clients`: the only answer that shows the secret. `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClientCreated {
    pub message: String,
    pub client_id: String,
    pub client_secret: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub rights: Vec<String>,
    pub created_at: String,
}

impl std::fmt::Debug for ClientCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCreated")
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// `POST /clients/{client_id}/secret`: the new secret, shown only here. `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClientSecret {
    pub message: String,
    pub client_secret: String,
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSecret").finish_non_exhaustive()
    }
}
