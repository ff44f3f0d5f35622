//! The refresh tokens this store issued and that were not presented since: one presented from
//! this set is known to exist, so its rotation goes to the writer without the read that keeps
//! unknown tokens away from it (a token nobody was given is never in the set: only the store's
//! own inserts put one there). Bounded: two generations, the older dropped when the newer is
//! full, so tokens never presented are forgotten (theirs is the read again, as after a restart).

use std::collections::HashSet;
use std::mem;
use std::sync::Mutex;

/// Tokens per generation; at most twice as many are kept (32 bytes each, plus the table's).
const GENERATION: usize = 32 * 1024;

type Hash = [u8; 32];

#[derive(Default)]
pub struct Issued {
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    newer: HashSet<Hash>,
    older: HashSet<Hash>,
}

impl Issued {
    /// Remembers a token just issued (committed).
    pub fn add(&self, hash: &[u8]) {
        let Ok(hash) = Hash::try_from(hash) else {
            return;
        };
        let mut g = self.lock();
        g.newer.insert(hash);
        if g.newer.len() >= GENERATION {
            g.older = mem::take(&mut g.newer);
        }
    }

    /// Whether the token was issued here and not presented since; it is forgotten either way.
    pub fn take(&self, hash: &[u8]) -> bool {
        let Ok(hash) = Hash::try_from(hash) else {
            return false;
        };
        let mut g = self.lock();
        g.newer.remove(&hash) || g.older.remove(&hash)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        self.generations.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(n: usize) -> Vec<u8> {
        let mut h = vec![0; 32];
        h[..8].copy_from_slice(&(n as u64).to_le_bytes());
        h
    }

    #[test]
    fn a_token_is_taken_once_and_only_if_it_was_added() {
        let issued = Issued::default();
        issued.add(&hash(1));
        assert!(!issued.take(&hash(2)));
        assert!(issued.take(&hash(1)));
        assert!(!issued.take(&hash(1)));
        issued.add(b"not a hash");
        assert!(!issued.take(b"not a hash"));
    }

    #[test]
    fn it_holds_at_most_two_generations() {
        let issued = Issued::default();
        for n in 0..3 * GENERATION {
            issued.add(&hash(n));
        }
        let g = issued.lock();
        assert!(g.newer.len() + g.older.len() <= 2 * GENERATION);
        drop(g);
        assert!(!issued.take(&hash(0)), "the oldest generation is forgotten");
        assert!(issued.take(&hash(3 * GENERATION - 1)));
        assert!(issued.take(&hash(2 * GENERATION)));
    }
}
