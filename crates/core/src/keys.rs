//! The HS512 signing key: derived from `JWT_SECRET_KEY`, given raw, or generated and kept.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// Raw keys must be at least this long (the HS512 block size).
pub const MIN_KEY_BYTES: usize = 64;

/// A fixed salt: the same passphrase gives the same key on every start and every instance.
const DERIVATION_SALT: &[u8] = b"tessera/jwt-signing-key/v1";

/// Secret key bytes whose `Debug` never shows them.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// The bytes are wiped when the key is dropped.
impl Drop for SigningKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl SigningKey {
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(Error::BadRequest(format!(
                "a raw signing key must be at least {MIN_KEY_BYTES} bytes"
            )));
        }
        Ok(Self(bytes))
    }

    pub fn generate() -> Self {
        let mut bytes = vec![0u8; MIN_KEY_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Interprets a `JWT_SECRET_KEY` value: `base64:…` or `hex:…` raw bytes (≥ 64), anything
    /// else a passphrase stretched with Argon2id (m=64 MiB, t=3, p=4) into 64 bytes.
    pub fn from_setting(value: &str) -> Result<Self> {
        if let Some(b64) = value.strip_prefix("base64:") {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| Error::BadRequest("JWT_SECRET_KEY: invalid base64".into()))?;
            return Self::from_bytes(bytes);
        }
        if let Some(h) = value.strip_prefix("hex:") {
            let bytes = hex::decode(h.trim())
                .map_err(|_| Error::BadRequest("JWT_SECRET_KEY: invalid hex".into()))?;
            return Self::from_bytes(bytes);
        }
        if value.is_empty() {
            return Err(Error::BadRequest("JWT_SECRET_KEY must not be empty".into()));
        }
        let params = Params::new(64 * 1024, 3, 4, Some(MIN_KEY_BYTES))
            .map_err(|e| Error::Internal(e.to_string()))?;
        let mut out = vec![0u8; MIN_KEY_BYTES];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(value.as_bytes(), DERIVATION_SALT, &mut out)
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Self(out))
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_derivation_is_stable() {
        let a = SigningKey::from_setting("correct horse").unwrap();
        let b = SigningKey::from_setting("correct horse").unwrap();
        let c = SigningKey::from_setting("battery staple").unwrap();
        assert_eq!(a.expose(), b.expose());
        assert_ne!(a.expose(), c.expose());
        assert_eq!(a.expose().len(), 64);
    }

    #[test]
    fn raw_keys_must_be_long_enough() {
        assert!(SigningKey::from_setting(&format!("hex:{}", "ab".repeat(63))).is_err());
        let key = SigningKey::from_setting(&format!("hex:{}", "ab".repeat(64))).unwrap();
        assert_eq!(key.expose(), &[0xab; 64][..]);
        assert!(format!("{key:?}").contains("redacted"));
    }
}
