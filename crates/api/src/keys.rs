//! The public signing keys (`GET /.well-known/jwks.json`, RFC 7517, RFC 8037).

use serde::{Deserialize, Serialize};

/// One public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Jwk {
    /// `OKP` (an Ed25519 key, RFC 8037).
    pub kty: String,
    /// `Ed25519`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// The public key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// The key id, as JWTs it signed name it in their `kid` header.
    pub kid: String,
    /// `EdDSA`: the one algorithm tokens signed with the key use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// `sig`.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
}

/// `GET /.well-known/jwks.json`: every key that may have signed a live token, or is about to
/// sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}
