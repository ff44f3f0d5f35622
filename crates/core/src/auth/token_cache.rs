//! Scoped tokens by hash, for a bounded time, so that validating one keeps off the database.
//! A miss is cached too: a token nobody has created yet cannot be presented by anyone, so
//! "unknown" stays true until it expires here.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::token_store::TokenRecord;
use crate::Timestamp;

/// How long a cached token is trusted, seconds. Revocations do not wait for it (they go
/// through the revocation set); it bounds how stale a description can be on other instances.
pub const TOKEN_CACHE_TTL: i64 = 30;

/// Entries kept before the stale ones are swept.
const SWEEP_AT: usize = 100_000;

#[derive(Debug, Clone)]
struct Entry {
    record: Option<TokenRecord>,
    fetched_at: Timestamp,
}

#[derive(Debug, Default)]
pub struct TokenCache {
    inner: RwLock<HashMap<Vec<u8>, Entry>>,
}

impl TokenCache {
    /// `Some(found)` when cached and fresh (`found` is `None` for an unknown token).
    pub fn get(&self, hash: &[u8], now: Timestamp) -> Option<Option<TokenRecord>> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(hash)
            .filter(|e| now - e.fetched_at < TOKEN_CACHE_TTL && e.fetched_at <= now)
            .map(|e| e.record.clone())
    }

    /// Caches what the store said at `fetched_at` (taken before it was asked).
    pub fn put(&self, hash: &[u8], record: Option<TokenRecord>, fetched_at: Timestamp) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SWEEP_AT {
            map.retain(|_, e| fetched_at - e.fetched_at < TOKEN_CACHE_TTL);
        }
        map.insert(hash.to_vec(), Entry { record, fetched_at });
    }

    /// Drops the token with this id (revoked or changed).
    pub fn forget_id(&self, id: &str) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, e| e.record.as_ref().is_none_or(|r| r.id != id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token_store::TokenOwner;

    fn record(id: &str) -> TokenRecord {
        TokenRecord {
            id: id.into(),
            owner: TokenOwner::Resource("r".into()),
            description: "d".into(),
            scopes: "{}".into(),
            created_by: "anna".into(),
            created_at: 0,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
            last_used_ip: None,
        }
    }

    #[test]
    fn entries_and_misses_last_for_the_ttl_and_go_by_id() {
        let cache = TokenCache::default();
        cache.put(b"a", Some(record("ida")), 100);
        cache.put(b"x", None, 100);
        assert_eq!(
            cache.get(b"a", 100 + TOKEN_CACHE_TTL - 1),
            Some(Some(record("ida")))
        );
        assert_eq!(cache.get(b"x", 101), Some(None), "a miss is remembered");
        assert_eq!(cache.get(b"a", 100 + TOKEN_CACHE_TTL), None, "stale");
        assert_eq!(cache.get(b"a", 99), None, "from the future");
        assert_eq!(cache.get(b"b", 100), None);
        cache.forget_id("ida");
        assert_eq!(cache.get(b"a", 100), None);
        assert_eq!(cache.get(b"x", 100), Some(None));
    }
}
