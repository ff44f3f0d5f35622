//! Access tokens whose signature and claims were already verified, so that validating the same
//! token again skips the HMAC and the decoding. Only what passed verification is kept, each
//! entry is looked up by the exact token (compared in constant time) and the time-bound claims
//! are checked again on every hit, so a hit decides exactly what a fresh verification would;
//! revocation and the user's profile are checked after it either way. Each token is verified
//! again after a minute, and at most a fixed number are kept: memory stays bounded whatever is
//! presented.
//!
//! A token is kept only the second time it is verified within a while (a doorkeeper, as in
//! TinyLFU): a token presented once, or tokens streaming past in greater numbers than the cache
//! holds, cost one word written per verification instead of an entry made, then thrown away.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::ttl_cache::TtlCache;
use crate::jwt::Claims;
use crate::Timestamp;

/// Most tokens kept at once (a few MiB).
pub const VERIFIED_CAP: usize = 10_000;

/// How long a verified token is kept before it is verified again, seconds.
pub const VERIFIED_TTL: i64 = 60;

/// Slots of the doorkeeper: the key of the last token verified but not kept, per slot.
const DOORKEEPER_SLOTS: usize = 16_384;

/// How much of a token's end is hashed: within its signature, which differs for every token.
const KEYED_TAIL: usize = 64;

/// Whether two byte strings are equal, in a time that depends on their lengths only. (One
/// barrier on the result, where `subtle` puts one on every byte: this runs on every hit.)
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[derive(Debug)]
struct Entry {
    token: Box<str>,
    claims: Arc<Claims>,
}

#[derive(Debug)]
pub struct VerifiedTokens {
    /// By a keyed hash of the token's end (its signature); the whole token is compared on a hit.
    inner: TtlCache<u64, Arc<Entry>>,
    hasher: RandomState,
    /// Keys of tokens verified once and not kept yet, by their low bits.
    seen_once: Box<[AtomicU64]>,
}

impl Default for VerifiedTokens {
    fn default() -> Self {
        Self::with_cap(VERIFIED_CAP)
    }
}

impl VerifiedTokens {
    pub fn with_cap(cap: usize) -> Self {
        Self {
            inner: TtlCache::new(VERIFIED_TTL, cap),
            hasher: RandomState::new(),
            seen_once: (0..DOORKEEPER_SLOTS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn key(&self, token: &str) -> u64 {
        let bytes = token.as_bytes();
        self.hasher
            .hash_one(&bytes[bytes.len().saturating_sub(KEYED_TAIL)..])
    }

    /// The claims of `token`, when it was verified in the last [`VERIFIED_TTL`] seconds.
    pub fn get(&self, token: &str, now: Timestamp) -> Option<Arc<Claims>> {
        let entry = self.inner.get(&self.key(token), now)?;
        same(entry.token.as_bytes(), token.as_bytes()).then(|| entry.claims.clone())
    }

    /// Keeps `token`, verified at `now`, when it was verified once before and not kept then
    /// (and its doorkeeper slot was not taken by another token since).
    pub fn put(&self, token: &str, claims: Arc<Claims>, now: Timestamp) {
        let key = self.key(token);
        let slot = &self.seen_once[key as usize % DOORKEEPER_SLOTS];
        if slot.swap(key, Ordering::Relaxed) != key {
            return;
        }
        let token = token.into();
        self.inner.put(key, Arc::new(Entry { token, claims }), now);
    }

    /// Forgets every token (a signing key was retired).
    pub fn clear(&self) {
        self.inner.remove_where(|_| true);
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.inner.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(sid: &str, exp: Timestamp) -> Arc<Claims> {
        Arc::new(Claims {
            iss: "tessera".into(),
            sub: "alice".into(),
            aud: "tessera-client".into(),
            exp,
            iat: 0,
            nbf: 0,
            jti: "j".into(),
            kind: "access".into(),
            sid: sid.into(),
            pwc: false,
            scope: None,
            client_id: None,
        })
    }

    /// Verified twice: kept.
    fn twice(cache: &VerifiedTokens, token: &str, claims: Arc<Claims>, now: Timestamp) {
        cache.put(token, claims.clone(), now);
        cache.put(token, claims, now);
    }

    #[test]
    fn a_token_is_kept_the_second_time_it_is_verified() {
        let cache = VerifiedTokens::default();
        cache.put("t1", claims("s", 100), 0);
        assert!(cache.get("t1", 0).is_none(), "verified once");
        cache.put("t1", claims("s", 100), 0);
        assert_eq!(cache.get("t1", 0).unwrap().sid, "s");
    }

    #[test]
    fn tokens_streaming_past_are_not_kept() {
        let tokens = 8 * DOORKEEPER_SLOTS;
        let cache = VerifiedTokens::with_cap(tokens);
        for round in 0..2 {
            for i in 0..tokens {
                cache.put(&format!("t{i}"), claims("s", 100), round);
            }
        }
        assert!(
            cache.len() < tokens / 100,
            "{} of {tokens} tokens kept",
            cache.len()
        );
    }

    #[test]
    fn only_the_exact_token_hits() {
        let cache = VerifiedTokens::default();
        twice(&cache, "aaa.bbb.ccc", claims("s1", 100), 0);
        assert_eq!(cache.get("aaa.bbb.ccc", 0).unwrap().sid, "s1");
        assert!(cache.get("aaa.bbb.ccd", 0).is_none());
        assert!(cache.get("aaa.bbb.cc", 0).is_none());
        assert!(cache.get("", 0).is_none());
        let long = "x".repeat(200);
        twice(&cache, &long, claims("s2", 100), 0);
        let other = format!("y{}", &long[1..]);
        assert!(cache.get(&other, 0).is_none(), "same end, different token");
        assert_eq!(cache.get(&long, 0).unwrap().sid, "s2");
    }

    #[test]
    fn size_never_exceeds_the_cap() {
        let cache = VerifiedTokens::with_cap(4);
        for i in 0..1000 {
            twice(&cache, &format!("t{i}"), claims("s", 100), 0);
            assert!(cache.len() <= 4, "{} entries", cache.len());
        }
        assert!(cache.get("t999", 0).is_some(), "the newest is kept");
    }

    #[test]
    fn a_token_is_verified_again_after_the_ttl() {
        let cache = VerifiedTokens::default();
        twice(&cache, "t", claims("s", 1000), 100);
        assert!(cache.get("t", 100 + VERIFIED_TTL - 1).is_some());
        assert!(cache.get("t", 100 + VERIFIED_TTL).is_none());
    }
}
