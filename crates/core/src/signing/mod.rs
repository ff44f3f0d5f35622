//! Signing keys: the set that signs and verifies tessera's JWTs, as kept in the store (private
//! parts sealed under the key-encryption key) and as held in memory.
//!
//! Access tokens (and other JWTs whose keys are published) are signed by the newest key that
//! has started signing; every key stays able to verify until the last token it can have signed
//! has expired. An Ed25519 key is published in the JWKS from the moment it is added, and only
//! starts signing one JWKS max-age later, so a verifier that cached the JWKS already holds it.
//! HS512 keys are never published.

mod kek;
mod keyset;
mod material;

pub use kek::{Kek, KEK_BYTES};
pub use keyset::{state_of, KeySet, KeyState, LiveKey};
pub(crate) use keyset::{PrivateKey, VerifyingKey};
pub use material::{generate, installation_kid};

use crate::Timestamp;

/// The algorithms a signing key can have: one per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlg {
    /// Ed25519 (RFC 8037), published in the JWKS.
    EdDsa,
    /// HMAC-SHA-512, a shared secret: never published.
    Hs512,
}

impl KeyAlg {
    /// The JOSE name (`alg`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Hs512 => "HS512",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "EdDSA" | "eddsa" | "Ed25519" | "ed25519" => Some(Self::EdDsa),
            "HS512" | "hs512" => Some(Self::Hs512),
            _ => None,
        }
    }

    pub(crate) fn jose(self) -> jsonwebtoken::Algorithm {
        match self {
            Self::EdDsa => jsonwebtoken::Algorithm::EdDSA,
            Self::Hs512 => jsonwebtoken::Algorithm::HS512,
        }
    }
}

impl std::fmt::Display for KeyAlg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signing key as the store keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub kid: String,
    pub alg: KeyAlg,
    /// The raw public key (Ed25519: 32 bytes); none for HS512.
    pub public_key: Option<Vec<u8>>,
    /// The private key sealed under the key-encryption key; none for the HS512 key that comes
    /// from the configuration (`JWT_SECRET_KEY` or the data directory's key file).
    pub private_key: Option<Vec<u8>>,
    /// When it was added (and, for Ed25519, published).
    pub created_at: Timestamp,
    /// When it starts signing.
    pub active_at: Timestamp,
    /// When the next key took over signing; none while it is the newest.
    pub superseded_at: Option<Timestamp>,
    /// When an operator retired it: from then on nothing it signed verifies.
    pub retired_at: Option<Timestamp>,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("created_at", &self.created_at)
            .field("active_at", &self.active_at)
            .field("superseded_at", &self.superseded_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// How long keys are published before they sign and kept after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPolicy {
    /// `Cache-Control: max-age` of the JWKS, seconds: a new key is published this long before
    /// it signs.
    pub jwks_max_age: i64,
    /// The longest lifetime of a token a published key signs, seconds (plus the leeway): a
    /// superseded key verifies (and is published) this long after it stopped signing.
    pub token_lifetime: i64,
    /// A key signs for this long before a scheduled rotation replaces it; 0 = never.
    pub rotation_days: u32,
}

impl Default for KeyPolicy {
    fn default() -> Self {
        Self {
            jwks_max_age: 300,
            token_lifetime: 900,
            rotation_days: 90,
        }
    }
}
