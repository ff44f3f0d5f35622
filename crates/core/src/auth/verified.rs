//! Access tokens whose signature and claims were already verified, so that validating the same
//! token again skips the HMAC and the decoding. Only what passed verification is kept, each
//! entry is looked up by the exact token (compared in constant time) and the time-bound claims
//! are checked again on every hit, so a hit decides exactly what a fresh verification would;
//! revocation and the user's profile are checked after it either way. At most a fixed number of
//! tokens are kept: memory stays bounded whatever is presented.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, RwLock};

use crate::jwt::Claims;
use crate::Timestamp;

/// Most tokens kept at once (a few MiB).
pub const VERIFIED_CAP: usize = 10_000;

/// How much of a token's end is hashed: within its signature, which differs for every token.
const KEYED_TAIL: usize = 64;

/// Whether two byte strings are equal, in a time that depends on their lengths only.
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
    inner: RwLock<HashMap<u64, Entry>>,
    hasher: RandomState,
    cap: usize,
}

impl Default for VerifiedTokens {
    fn default() -> Self {
        Self::with_cap(VERIFIED_CAP)
    }
}

impl VerifiedTokens {
    pub fn with_cap(cap: usize) -> Self {
        Self {
            inner: RwLock::new(HashMap::new()),
            hasher: RandomState::new(),
            cap: cap.max(1),
        }
    }

    fn key(&self, token: &str) -> u64 {
        let bytes = token.as_bytes();
        self.hasher
            .hash_one(&bytes[bytes.len().saturating_sub(KEYED_TAIL)..])
    }

    /// The claims of `token`, when it was verified before.
    pub fn get(&self, token: &str) -> Option<Arc<Claims>> {
        let key = self.key(token);
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let entry = map.get(&key)?;
        same(entry.token.as_bytes(), token.as_bytes()).then(|| entry.claims.clone())
    }

    /// Keeps `token`, just verified. A new token at the cap first drops the expired ones (by
    /// `exp`, as of `now`); if that frees less than half, everything goes.
    pub fn put(&self, token: &str, claims: Arc<Claims>, now: Timestamp) {
        let key = self.key(token);
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.cap && !map.contains_key(&key) {
            map.retain(|_, e| e.claims.exp > now);
            if map.len() > self.cap / 2 {
                map.clear();
            }
        }
        let token = token.into();
        map.insert(key, Entry { token, claims });
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).len()
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
        })
    }

    #[test]
    fn only_the_exact_token_hits() {
        let cache = VerifiedTokens::default();
        cache.put("aaa.bbb.ccc", claims("s1", 100), 0);
        assert_eq!(cache.get("aaa.bbb.ccc").unwrap().sid, "s1");
        assert!(cache.get("aaa.bbb.ccd").is_none());
        assert!(cache.get("aaa.bbb.cc").is_none());
        assert!(cache.get("").is_none());
        let long = "x".repeat(200);
        cache.put(&long, claims("s2", 100), 0);
        let other = format!("y{}", &long[1..]);
        assert!(cache.get(&other).is_none(), "same end, different token");
        assert_eq!(cache.get(&long).unwrap().sid, "s2");
    }

    #[test]
    fn size_never_exceeds_the_cap() {
        let cache = VerifiedTokens::with_cap(4);
        for i in 0..1000 {
            cache.put(&format!("t{i}"), claims("s", 100), 0);
            assert!(cache.len() <= 4, "{} entries", cache.len());
        }
        assert!(cache.get("t999").is_some(), "the newest is kept");
    }

    #[test]
    fn at_the_cap_expired_tokens_go_first() {
        let cache = VerifiedTokens::with_cap(4);
        cache.put("old1", claims("s", 10), 0);
        cache.put("old2", claims("s", 10), 0);
        cache.put("old3", claims("s", 10), 0);
        cache.put("live", claims("s", 100), 0);
        cache.put("new", claims("s", 100), 50);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("live").is_some() && cache.get("new").is_some());
        assert!(cache.get("old1").is_none());
    }
}
