//! Names of people and client addresses in log lines: by a keyed hash unless `log_pii` is on.
//!
//! The hash is HMAC-SHA-256 under a per-deployment key, cut to 16 hex characters: the same
//! user (or address) has the same name in every line and on every instance sharing the key, so
//! lines can be followed and grepped, while the log alone does not say who it was. Whoever
//! holds the key can check a guess (hash a username and grep for it); nobody else can.

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Hex characters of a hashed name (64 bits: collisions are rare among a deployment's users).
const SHOWN_HEX: usize = 16;

/// The label under which the log key is derived from its source (`log_salt`, or the signing
/// key's material), so that the log key is never the signing key itself.
const KEY_LABEL: &[u8] = b"tessera/log-pii-key/v1";

/// How log lines name people and client addresses. Cheap to clone.
#[derive(Clone)]
pub struct PiiLog {
    /// `None`: `log_pii` is on, names are written in clear.
    key: Option<Arc<[u8; 32]>>,
}

impl fmt::Debug for PiiLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.key.is_some() {
            "PiiLog(hashed)"
        } else {
            "PiiLog(clear)"
        })
    }
}

impl PiiLog {
    /// Names in clear (`log_pii = true`).
    pub fn clear() -> Self {
        Self { key: None }
    }

    /// Names hashed under a key derived from `source` (the `log_salt` setting, or the signing
    /// key's bytes, which every instance of a deployment shares).
    pub fn hashed(source: &[u8]) -> Self {
        let mut mac = HmacSha256::new_from_slice(KEY_LABEL).expect("HMAC takes any key length");
        mac.update(source);
        Self {
            key: Some(Arc::new(mac.finalize().into_bytes().into())),
        }
    }

    /// Names hashed under a random key: stable for this process only (tests, and an `Auth`
    /// built without a configuration).
    pub fn random() -> Self {
        Self::hashed(&rand::random::<[u8; 32]>())
    }

    /// Whether names are written in clear.
    pub fn is_clear(&self) -> bool {
        self.key.is_none()
    }

    /// `value` as a log line shows it: hashed, or in clear. Nothing is computed unless the line
    /// is written.
    pub fn name<'a, T: fmt::Display + ?Sized>(&'a self, value: &'a T) -> Pii<'a, T> {
        Pii {
            value,
            key: self.key.as_deref(),
        }
    }

    /// The hashed name of `value`, as a log line shows it when `log_pii` is off.
    pub fn hash(&self, value: &str) -> Option<String> {
        self.key.as_deref().map(|key| digest(key, value))
    }
}

fn digest(key: &[u8; 32], value: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(value.as_bytes());
    let bytes = mac.finalize().into_bytes();
    hex::encode(&bytes[..SHOWN_HEX / 2])
}

/// A username or address in a log field: `username = %log.name(&name)`.
pub struct Pii<'a, T: ?Sized> {
    value: &'a T,
    key: Option<&'a [u8; 32]>,
}

impl<T: fmt::Display + ?Sized> fmt::Display for Pii<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key {
            None => self.value.fmt(f),
            Some(key) => f.write_str(&digest(key, &self.value.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    #[test]
    fn hashed_names_are_stable_per_key_and_hide_the_name() {
        let a = PiiLog::hashed(b"deployment one");
        let b = PiiLog::hashed(b"deployment one");
        let other = PiiLog::hashed(b"deployment two");
        let shown = a.name("alice").to_string();
        assert_eq!(shown.len(), 16);
        assert!(shown.bytes().all(|c| c.is_ascii_hexdigit()));
        assert!(!shown.contains("alice"));
        assert_eq!(shown, b.name("alice").to_string());
        assert_ne!(shown, other.name("alice").to_string());
        assert_ne!(shown, a.name("bob").to_string());
        assert_eq!(a.hash("alice"), Some(shown));
    }

    #[test]
    fn addresses_hash_by_their_text_and_clear_shows_them() {
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let log = PiiLog::hashed(b"k");
        assert_eq!(log.name(&ip).to_string(), log.name("192.0.2.7").to_string());
        assert_eq!(PiiLog::clear().name(&ip).to_string(), "192.0.2.7");
        assert_eq!(PiiLog::clear().name("alice").to_string(), "alice");
        assert!(PiiLog::clear().hash("alice").is_none());
    }
}
