//! A cap on the logins of one account being decided at once on this instance, so that a burst
//! aimed at one account cannot take the whole Argon2 pool.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Logins in progress, by key (an account, or an account and a client).
#[derive(Debug, Default)]
pub struct InFlight {
    counts: Arc<Mutex<HashMap<String, u32>>>,
}

/// One login in progress; it leaves when dropped.
#[derive(Debug)]
pub struct Slot {
    counts: Arc<Mutex<HashMap<String, u32>>>,
    key: String,
}

impl InFlight {
    /// A slot for `key`, or `None` when `cap` logins for it are already in progress (a cap
    /// of 0 = no cap).
    pub fn enter(&self, key: String, cap: u32) -> Option<Slot> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let count = counts.entry(key.clone()).or_insert(0);
        if cap > 0 && *count >= cap {
            return None;
        }
        *count += 1;
        Some(Slot {
            counts: Arc::clone(&self.counts),
            key,
        })
    }

    /// Keys with a login in progress.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.counts.lock().unwrap().len()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_cap_slots_per_key_and_leaving_frees_them() {
        let in_flight = InFlight::default();
        let a1 = in_flight.enter("anna".into(), 2).unwrap();
        let _a2 = in_flight.enter("anna".into(), 2).unwrap();
        assert!(in_flight.enter("anna".into(), 2).is_none());
        let _b = in_flight.enter("bob".into(), 2).expect("another account");
        drop(a1);
        let _a3 = in_flight.enter("anna".into(), 2).expect("a slot was freed");
        assert!(in_flight.enter("anna".into(), 0).is_some(), "0 = no cap");
    }

    #[test]
    fn keys_without_logins_are_forgotten() {
        let in_flight = InFlight::default();
        drop(in_flight.enter("anna".into(), 1));
        assert_eq!(in_flight.len(), 0);
    }
}
