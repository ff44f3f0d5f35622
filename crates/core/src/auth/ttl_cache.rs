//! A small map whose entries are trusted for a fixed time, with a hard cap on its size, so
//! that memory stays bounded whatever is looked up.
//!
//! Hand-made on purpose: every call takes `now` from the caller's injected `Clock`, so expiry is
//! tested by advancing a `ManualClock`, with no sleeps. The usual crates (moka, mini-moka,
//! quick_cache) read `Instant::now` themselves or need a clock adapter of their own, and bring
//! background eviction and far more code than these ~80 lines.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

use crate::Timestamp;

#[derive(Debug)]
pub struct TtlCache<K, V> {
    inner: RwLock<HashMap<K, (V, Timestamp)>>,
    ttl: i64,
    cap: usize,
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    /// Entries live `ttl` seconds; at most `cap` are kept.
    pub fn new(ttl: i64, cap: usize) -> Self {
        Self {
            inner: RwLock::new(HashMap::new()),
            ttl,
            cap: cap.max(1),
        }
    }

    fn fresh(&self, fetched_at: Timestamp, now: Timestamp) -> bool {
        fetched_at <= now && now - fetched_at < self.ttl
    }

    /// The value, if cached and fresh.
    pub fn get<Q>(&self, key: &Q, now: Timestamp) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(_, at)| self.fresh(*at, now))
            .map(|(v, _)| v.clone())
    }

    /// Caches what was true at `fetched_at`. A new key at the cap first sweeps the stale
    /// entries; if that frees less than half, everything goes. So a sweep happens at most once
    /// per `cap / 2` inserts, and the map never holds more than `cap` entries.
    pub fn put(&self, key: K, value: V, fetched_at: Timestamp) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.cap && !map.contains_key(&key) {
            map.retain(|_, (_, at)| self.fresh(*at, fetched_at));
            if map.len() > self.cap / 2 {
                map.clear();
            }
        }
        map.insert(key, (value, fetched_at));
    }

    pub fn remove<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    /// Drops every entry `matches` selects: a full scan, for rare changes only.
    pub fn remove_where(&self, matches: impl Fn(&V) -> bool) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, (v, _)| !matches(v));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_last_for_the_ttl() {
        let cache = TtlCache::new(30, 10);
        cache.put("a".to_string(), 1, 100);
        assert_eq!(cache.get("a", 129), Some(1));
        assert_eq!(cache.get("a", 130), None, "stale");
        assert_eq!(cache.get("a", 99), None, "from the future");
        cache.remove("a");
        assert_eq!(cache.get("a", 100), None);
    }

    #[test]
    fn size_never_exceeds_the_cap() {
        let cache = TtlCache::new(30, 4);
        for i in 0..1000 {
            cache.put(i, i, 100);
            assert!(cache.len() <= 4, "{} entries", cache.len());
        }
        assert_eq!(cache.get(&999, 100), Some(999), "the newest is kept");
    }

    #[test]
    fn a_sweep_keeps_fresh_entries_when_enough_are_stale() {
        let cache = TtlCache::new(30, 4);
        cache.put(1, 1, 100);
        cache.put(2, 2, 100);
        cache.put(3, 3, 100);
        cache.put(4, 4, 120);
        cache.put(5, 5, 131);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&4, 131), Some(4));
        assert_eq!(cache.get(&5, 131), Some(5));
    }

    #[test]
    fn updating_a_key_at_the_cap_sweeps_nothing() {
        let cache = TtlCache::new(30, 2);
        cache.put(1, 1, 100);
        cache.put(2, 2, 100);
        cache.put(2, 20, 101);
        assert_eq!(
            (cache.get(&1, 101), cache.get(&2, 101)),
            (Some(1), Some(20))
        );
    }
}
