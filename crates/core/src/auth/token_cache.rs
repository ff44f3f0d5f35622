//! Scoped tokens by hash, for a bounded time, so that validating one keeps off the database.
//! Only tokens the store knows are cached: an unknown token costs a read each time, but never
//! memory, and the cache holds at most `TOKEN_CACHE_CAP` entries.

use super::ttl_cache::TtlCache;
use crate::store::TokenRecord;
use crate::Timestamp;

/// How long a cached token is trusted, seconds. Revocations do not wait for it (they go
/// through the revocation set); it bounds how stale a description can be on other instances.
pub const TOKEN_CACHE_TTL: i64 = 30;

/// Most tokens cached at once.
pub const TOKEN_CACHE_CAP: usize = 100_000;

#[derive(Debug)]
pub struct TokenCache {
    inner: TtlCache<Vec<u8>, TokenRecord>,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::with_cap(TOKEN_CACHE_CAP)
    }
}

impl TokenCache {
    pub fn with_cap(cap: usize) -> Self {
        Self {
            inner: TtlCache::new(TOKEN_CACHE_TTL, cap),
        }
    }

    /// The token with this hash, when cached and fresh.
    pub fn get(&self, hash: &[u8], now: Timestamp) -> Option<TokenRecord> {
        self.inner.get(hash, now)
    }

    /// Caches what the store said at `fetched_at` (taken before it was asked).
    pub fn put(&self, hash: &[u8], record: TokenRecord, fetched_at: Timestamp) {
        self.inner.put(hash.to_vec(), record, fetched_at);
    }

    /// Drops the token with this id, whose stored content changed. A full scan: revocations
    /// do not need it (the revocation set is checked first and outlives any cached copy).
    pub fn forget_id(&self, id: &str) {
        self.inner.remove_where(|r| r.id == id);
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.inner.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::TokenOwner;

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
    fn entries_last_for_the_ttl_and_go_by_id() {
        let cache = TokenCache::default();
        cache.put(b"a", record("ida"), 100);
        cache.put(b"b", record("idb"), 100);
        assert_eq!(
            cache.get(b"a", 100 + TOKEN_CACHE_TTL - 1),
            Some(record("ida"))
        );
        assert_eq!(cache.get(b"a", 100 + TOKEN_CACHE_TTL), None, "stale");
        assert_eq!(cache.get(b"a", 99), None, "from the future");
        assert_eq!(cache.get(b"x", 100), None);
        cache.forget_id("ida");
        assert_eq!(cache.get(b"a", 100), None);
        assert_eq!(cache.get(b"b", 100), Some(record("idb")));
    }

    #[test]
    fn the_cache_is_capped() {
        let cache = TokenCache::with_cap(8);
        for i in 0..100u32 {
            cache.put(&i.to_be_bytes(), record(&i.to_string()), 100);
        }
        assert!(cache.len() <= 8);
    }
}
