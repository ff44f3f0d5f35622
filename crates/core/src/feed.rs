//! Revocations crossing instances: what one instance revokes, the others learn within
//! milliseconds through a feed (PostgreSQL LISTEN/NOTIFY or Redis pub/sub).

use async_trait::async_trait;

use crate::error::Result;
use crate::store::RevokedSession;

/// The channel name every feed uses.
pub const CHANNEL: &str = "tessera_revocations";

/// Sends revocations to the other instances.
#[async_trait]
pub trait RevocationPublisher: Send + Sync + 'static {
    async fn publish(&self, revoked: &RevokedSession) -> Result<()>;
}

/// `"<revoked_at> <session_id>"`: a revocation on the wire.
pub fn encode(r: &RevokedSession) -> String {
    format!("{} {}", r.revoked_at, r.session_id)
}

pub fn decode(message: &str) -> Option<RevokedSession> {
    let (at, id) = message.trim().split_once(' ')?;
    let id = id.trim();
    if id.is_empty() || id.len() > 128 {
        return None;
    }
    Some(RevokedSession {
        session_id: id.to_string(),
        revoked_at: at.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_garbage_is_ignored() {
        let r = RevokedSession {
            session_id: "abc_-1".into(),
            revoked_at: 1_800_000_000,
        };
        assert_eq!(decode(&encode(&r)), Some(r));
        assert_eq!(decode("soon abc"), None);
        assert_eq!(decode("12"), None);
        assert_eq!(decode("12 "), None);
    }
}
