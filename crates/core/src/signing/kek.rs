//! The key-encryption key: seals the private signing keys kept in the store (XChaCha20-Poly1305,
//! a random 192-bit nonce per seal, the key id as associated data so a sealed key cannot be
//! passed off as another's). Without it a copy of the database cannot mint tokens.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::SigningKey;

/// The key-encryption key's length.
pub const KEK_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// What the installation's HS512 key is derived from, when the configuration gives none on a
/// shared database.
const INSTALLATION_KEY_LABEL: &[u8] = b"tessera/installation-signing-key/v1";

/// 256 bits whose `Debug` never shows them, and the HS512 key derived from them.
#[derive(Clone)]
pub struct Kek(XChaCha20Poly1305, SigningKey);

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
        Ok(Self(XChaCha20Poly1305::new(bytes.into()), derive(bytes)))
    }

    /// 32 random bytes, and the key they make.
    pub fn generate() -> (Self, [u8; KEK_BYTES]) {
        let mut bytes = [0u8; KEK_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let kek = Self(XChaCha20Poly1305::new(&bytes.into()), derive(&bytes));
        (kek, bytes)
    }

    /// The installation's HS512 key (it signs API keys) where the configuration gives none and
    /// the database is shared: HMAC-SHA512 of a fixed label under this key, so every instance
    /// given the same key-encryption key derives the same one, and nothing in the database
    /// alone gives it away.
    pub fn installation_key(&self) -> SigningKey {
        self.1.clone()
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

    /// Opens what `seal` made for `kid`; an error when the key-encryption key is another. The
    /// opened bytes are wiped when dropped.
    pub fn open(&self, kid: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
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
            .map(Zeroizing::new)
            .map_err(|_| cannot_open(kid))
    }
}

fn derive(kek: &[u8]) -> SigningKey {
    let mut mac =
        <Hmac<sha2::Sha512> as Mac>::new_from_slice(kek).expect("HMAC takes any key size");
    mac.update(INSTALLATION_KEY_LABEL);
    SigningKey::from_bytes(mac.finalize().into_bytes().to_vec())
        .expect("HMAC-SHA512 gives 64 bytes")
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
        assert_eq!(kek.open("k1", &sealed).unwrap().as_slice(), b"private");
        assert!(kek.open("k2", &sealed).is_err(), "bound to its kid");
        let (other, _) = Kek::generate();
        assert!(other.open("k1", &sealed).is_err());
        let again = Kek::from_setting(&hex::encode(bytes)).unwrap();
        assert_eq!(again.open("k1", &sealed).unwrap().as_slice(), b"private");
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(Kek::from_setting(&format!("base64:{b64}")).is_ok());
        assert!(Kek::from_setting("abcd").is_err());
        assert!(format!("{kek:?}").contains("redacted"));
        // The derived key: the same from the same key-encryption key, another from another.
        assert_eq!(
            again.installation_key().expose(),
            kek.installation_key().expose()
        );
        assert_ne!(
            other.installation_key().expose(),
            kek.installation_key().expose()
        );
        assert_ne!(&kek.installation_key().expose()[..KEK_BYTES], &bytes[..]);
    }
}
