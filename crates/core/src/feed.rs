//! Revocations crossing instances: what one instance revokes, the others learn within
//! milliseconds through a feed (PostgreSQL LISTEN/NOTIFY or Redis pub/sub).

use async_trait::async_trait;

use crate::error::Result;
use crate::revocation_key::RevocationKey;
use crate::Timestamp;

/// The channel name every feed uses.
pub const CHANNEL: &str = "tessera_revocations";

/// One revocation (or user change) as it crosses instances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub key: RevocationKey,
    pub revoked_at: Timestamp,
}

/// Sends revocations to the other instances.
#[async_trait]
pub trait RevocationPublisher: Send + Sync + 'static {
    async fn publish(&self, revoked: &Revocation) -> Result<()>;
}

/// `"<revoked_at> <key>"`: a revocation on the wire.
pub fn encode(r: &Revocation) -> String {
    format!("{} {}", r.revoked_at, r.key)
}

/// Reads a revocation; `None` for garbage and for kinds of keys this version does not know.
pub fn decode(message: &str) -> Option<Revocation> {
    let (at, id) = message.trim().split_once(' ')?;
    let id = id.trim();
    if id.is_empty() || id.len() > 128 {
        return None;
    }
    Some(Revocation {
        revoked_at: at.parse().ok()?,
        key: RevocationKey::parse(id)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_garbage_is_ignored() {
        let r = Revocation {
            key: RevocationKey::Session("abc_-1".into()),
            revoked_at: 1_800_000_000,
        };
        assert_eq!(encode(&r), "1800000000 abc_-1");
        assert_eq!(decode(&encode(&r)), Some(r));
        let r = Revocation {
            key: RevocationKey::ApiKey("k".into()),
            revoked_at: 12,
        };
        assert_eq!(encode(&r), "12 apikey:k");
        assert_eq!(decode("12 apikey:k"), Some(r));
        assert_eq!(decode("soon abc"), None);
        assert_eq!(decode("12"), None);
        assert_eq!(decode("12 "), None);
        assert_eq!(decode("12 newkind:x"), None);
    }
}
