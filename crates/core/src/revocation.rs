//! The in-memory set of revocations that validation checks instead of the database.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::revocation_key::RevocationKey;
use crate::Timestamp;

/// Revoked sessions, API keys and scoped tokens, each kept until no credential it revoked can
/// still be valid (or cached).
#[derive(Debug, Default)]
pub struct RevocationSet {
    inner: RwLock<HashMap<RevocationKey, Timestamp>>,
}

impl RevocationSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `key` as revoked until `until` (after which its tokens are expired anyway).
    pub fn insert(&self, key: RevocationKey, until: Timestamp) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(key).or_insert(until);
        *entry = (*entry).max(until);
    }

    pub fn contains(&self, key: &RevocationKey) -> bool {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(key)
    }

    /// Forgets entries that no longer matter.
    pub fn prune(&self, now: Timestamp) -> usize {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let before = map.len();
        map.retain(|_, until| *until >= now);
        before - map.len()
    }

    pub fn len(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_live_until_their_tokens_expire() {
        let key = |id: &str| RevocationKey::Session(id.into());
        let set = RevocationSet::new();
        set.insert(key("a"), 100);
        set.insert(key("b"), 200);
        assert!(set.contains(&key("a")) && set.contains(&key("b")) && !set.contains(&key("c")));
        assert!(!set.contains(&RevocationKey::ApiKey("a".into())));
        assert_eq!(set.prune(150), 1);
        assert!(!set.contains(&key("a")) && set.contains(&key("b")));
    }
}
