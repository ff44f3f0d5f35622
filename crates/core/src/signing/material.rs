//! New keys, and the id of the HS512 key the configuration gives.

use rand::RngCore;
use ring::signature::KeyPair;
use zeroize::Zeroizing;

use super::{Kek, KeyAlg, StoredKey};
use crate::error::{Error, Result};
use crate::keys::{SigningKey, MIN_KEY_BYTES};
use crate::Timestamp;

/// A new key of `alg`, its private part sealed under `kek`, published at `now` and signing
/// from `active_at`.
pub fn generate(alg: KeyAlg, kek: &Kek, now: Timestamp, active_at: Timestamp) -> Result<StoredKey> {
    let kid = new_kid(alg);
    let (public_key, private) = match alg {
        KeyAlg::EdDsa => {
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng)
                .map_err(|_| Error::Internal("cannot generate an Ed25519 key".into()))?;
            let pair = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
                .map_err(|_| Error::Internal("cannot read a new Ed25519 key".into()))?;
            (
                Some(pair.public_key().as_ref().to_vec()),
                Zeroizing::new(pkcs8.as_ref().to_vec()),
            )
        }
        KeyAlg::Hs512 => (
            None,
            Zeroizing::new(SigningKey::generate().expose().to_vec()),
        ),
    };
    Ok(StoredKey {
        private_key: Some(kek.seal(&kid, &private)),
        kid,
        alg,
        public_key,
        created_at: now,
        active_at,
        superseded_at: None,
        retired_at: None,
    })
}

/// A random key id: the algorithm's name and 96 random bits.
fn new_kid(alg: KeyAlg) -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let prefix = match alg {
        KeyAlg::EdDsa => "ed",
        KeyAlg::Hs512 => "hs",
    };
    format!("{prefix}-{}", hex::encode(bytes))
}

/// The id of the HS512 key the configuration gives: derived from the key, so every instance
/// with the same key names it alike, and nothing of the key can be learnt from it.
pub fn installation_kid(key: &SigningKey) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<sha2::Sha512>::new_from_slice(key.expose()).expect("HMAC takes any key size");
    mac.update(b"\0tessera/kid\0");
    let digest = mac.finalize().into_bytes();
    format!("hs-{}", hex::encode(&digest[..12]))
}

/// The raw key a stored HS512 key opens to.
pub(super) fn hs512_bytes(bytes: &[u8]) -> Result<SigningKey> {
    if bytes.len() < MIN_KEY_BYTES {
        return Err(Error::Internal("a stored HS512 key is too short".into()));
    }
    SigningKey::from_bytes(bytes.to_vec())
}
