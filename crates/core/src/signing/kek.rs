//! The key-encryption key: seals the private signing keys kept in the store (XChaCha20-Poly1305,
//! a random 192-bit nonce per seal, the key id as associated data so a sealed key cannot be
//! passed off as another's). Without it a copy of the database cannot mint tokens.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::error::{Error, Result};

/// The key-encryption key's length.
pub const KEK_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// 256 bits whose `Debug` never shows them.
#[derive(Clone)]
pub struct Kek(XChaCha20Poly1305);

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(<redacted>)")
    }
}

impl Kek {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != KEK_BYTES {
            return Err(Error::BadRequest(format!(
                "the key-encryption key must be {KEK_BYTES} bytes"
            )));
        }
        Ok(Self(XChaCha20Poly1305::new(bytes.into())))
    }

    /// 32 random bytes, and the key they make.
    pub fn generate() -> (Self, [u8; KEK_BYTES]) {
        let mut bytes = [0u8; KEK_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        (Self(XChaCha20Poly1305::new(&bytes.into())), bytes)
    }

    /// Reads a setting: 64 hex digits (`hex:` optional) or `base64:` and 32 bytes in base64.
    pub fn from_setting(value: &str) -> Result<Self> {
        let value = value.trim();
        let bytes = if let Some(b64) = value.strip_prefix("base64:") {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| bad_setting())?
        } else {
            hex::decode(value.strip_prefix("hex:").unwrap_or(value)).map_err(|_| bad_setting())?
        };
        Self::from_bytes(&bytes).map_err(|_| bad_setting())
    }

    /// `nonce || ciphertext` of `plain`, bound to `kid`.
    pub fn seal(&self, kid: &str, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: kid.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any length tessera uses");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what `seal` made for `kid`; an error when the key-encryption key is another.
    pub fn open(&self, kid: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < NONCE_BYTES {
            return Err(cannot_open(kid));
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        self.0
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: kid.as_bytes(),
                },
            )
            .map_err(|_| cannot_open(kid))
    }
}

fn bad_setting() -> Error {
    Error::BadRequest(format!(
        "the key-encryption key must be {KEK_BYTES} bytes, as 64 hex digits or base64:…"
    ))
}

fn cannot_open(kid: &str) -> Error {
    Error::Internal(format!(
        "cannot decrypt signing key {kid}: the key-encryption key is not the one it was stored with"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_open_only_with_the_same_key_and_kid() {
        let (kek, bytes) = Kek::generate();
        let sealed = kek.seal("k1", b"private");
        assert_ne!(&sealed[NONCE_BYTES..], b"private");
        assert_eq!(kek.open("k1", &sealed).unwrap(), b"private");
        assert!(kek.open("k2", &sealed).is_err(), "bound to its kid");
        let (other, _) = Kek::generate();
        assert!(other.open("k1", &sealed).is_err());
        let again = Kek::from_setting(&hex::encode(bytes)).unwrap();
        assert_eq!(again.open("k1", &sealed).unwrap(), b"private");
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(Kek::from_setting(&format!("base64:{b64}")).is_ok());
        assert!(Kek::from_setting("abcd").is_err());
        assert!(format!("{kek:?}").contains("redacted"));
    }
}
