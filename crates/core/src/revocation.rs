//! The in-memory set of revoked sessions that validation checks instead of the database.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::Timestamp;

/// Revoked session ids, each kept until no access token of it can still be valid.
#[derive(Debug, Default)]
pub struct RevocationSet {
    inner: RwLock<HashMap<String, Timestamp>>,
}

impl RevocationSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `session_id` as revoked until `until` (after which its tokens are expired anyway).
    pub fn insert(&self, session_id: &str, until: Timestamp) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(session_id.to_string()).or_insert(until);
        *entry = (*entry).max(until);
    }

    pub fn contains(&self, session_id: &str) -> bool {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(session_id)
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
        let set = RevocationSet::new();
        set.insert("a", 100);
        set.insert("b", 200);
        assert!(set.contains("a") && set.contains("b") && !set.contains("c"));
        assert_eq!(set.prune(150), 1);
        assert!(!set.contains("a") && set.contains("b"));
    }
}
