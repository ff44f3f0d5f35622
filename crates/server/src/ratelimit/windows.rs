//! The local count: a one-minute window per client key, in a map of bounded size.
//!
//! At most `max_clients` keys are tracked. Windows that have ended are swept out once a window,
//! and when the map is full (at most once a second, so a full map does not make every request a
//! sweep); if it is still full, the clients not yet tracked share one overflow window with the same limit: a
//! flood of addresses neither grows memory nor escapes the limit, though during it new clients
//! may be limited together until windows end.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use tessera_core::Timestamp;

pub const WINDOW: i64 = 60;

pub struct Windows {
    max_clients: usize,
    state: Mutex<State>,
    /// How many keys the map holds, read without the lock.
    tracked: AtomicUsize,
}

#[derive(Default)]
struct State {
    windows: HashMap<IpAddr, Window>,
    overflow: Window,
    last_sweep: Timestamp,
}

#[derive(Default, Clone, Copy)]
struct Window {
    start: Timestamp,
    count: u32,
}

impl Window {
    fn current(&mut self, now: Timestamp) -> &mut Self {
        if now >= self.start + WINDOW {
            *self = Window {
                start: now,
                count: 0,
            };
        }
        self
    }

    fn retry_after(&self, now: Timestamp) -> u64 {
        (self.start + WINDOW - now).max(1) as u64
    }
}

impl Windows {
    pub fn new(max_clients: usize) -> Self {
        Self {
            max_clients: max_clients.max(1),
            state: Mutex::default(),
            tracked: AtomicUsize::new(0),
        }
    }

    /// Counts one for `key` if it is under `limit`; otherwise the seconds until it may retry.
    pub fn hit(&self, key: IpAddr, now: Timestamp, limit: u32) -> Result<(), u64> {
        self.with(key, now, true, |w| {
            if w.count >= limit {
                return Err(w.retry_after(now));
            }
            w.count += 1;
            Ok(())
        })
    }

    /// Counts one for `key`, whatever its count.
    pub fn add(&self, key: IpAddr, now: Timestamp) {
        self.with(key, now, true, |w| w.count = w.count.saturating_add(1));
    }

    /// The seconds until `key` may retry, if it has reached `limit`; counts nothing. Without
    /// any key tracked, it answers without taking the lock.
    pub fn over(&self, key: IpAddr, now: Timestamp, limit: u32) -> Option<u64> {
        if self.tracked.load(Ordering::Relaxed) == 0 {
            return None;
        }
        self.with(key, now, false, |w| {
            (w.count >= limit).then(|| w.retry_after(now))
        })
    }

    /// Runs `f` on `key`'s current window (the overflow one when the map is full); a key not
    /// tracked is added only when `track`.
    fn with<T>(
        &self,
        key: IpAddr,
        now: Timestamp,
        track: bool,
        f: impl FnOnce(&mut Window) -> T,
    ) -> T {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let state = &mut *state;
        // Ended windows go at least once a window (so an idle map empties, and `over` goes
        // back to answering without the lock), and at most once a second when the map is full.
        let full = state.windows.len() >= self.max_clients;
        if now >= state.last_sweep + WINDOW || (full && now > state.last_sweep) {
            state.last_sweep = now;
            state.windows.retain(|_, w| now < w.start + WINDOW);
            self.tracked.store(state.windows.len(), Ordering::Relaxed);
        }
        if !state.windows.contains_key(&key) {
            if !track {
                if state.windows.len() >= self.max_clients {
                    return f(state.overflow.current(now));
                }
                return f(Window::default().current(now));
            }
            if state.windows.len() >= self.max_clients {
                return f(state.overflow.current(now));
            }
            self.tracked.fetch_add(1, Ordering::Relaxed);
        }
        f(state.windows.entry(key).or_default().current(now))
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().windows.len()
    }
}
