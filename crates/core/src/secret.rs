//! Opaque secrets (refresh tokens and the like): prefixed, ≥ 256 random bits, shown once and
//! stored only as their SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of refresh tokens.
pub const REFRESH_PREFIX: &str = "tsr_rt_";

/// A freshly made secret and the hash the store keeps.
pub struct NewSecret {
    pub plain: String,
    pub hash: Vec<u8>,
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSecret(<redacted>)")
    }
}

/// 32 random bytes, URL-safe base64.
pub fn random_b64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    B64.encode(buf)
}

pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

pub fn new_secret(prefix: &str) -> NewSecret {
    let plain = format!("{prefix}{}", random_b64(32));
    let hash = hash(&plain);
    NewSecret { plain, hash }
}

/// Whether `token` looks like a secret with `prefix` (right length and alphabet).
pub fn has_shape(token: &str, prefix: &str) -> bool {
    token.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_unique_and_hashed() {
        let a = new_secret(REFRESH_PREFIX);
        let b = new_secret(REFRESH_PREFIX);
        assert!(has_shape(&a.plain, REFRESH_PREFIX));
        assert_ne!(a.plain, b.plain);
        assert_eq!(a.hash, hash(&a.plain));
        assert!(!has_shape("tsr_rt_short", REFRESH_PREFIX));
        assert!(!format!("{a:?}").contains(&a.plain));
    }
}
