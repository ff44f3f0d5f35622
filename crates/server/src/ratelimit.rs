//! Per-client request limits: a fixed one-minute window per client address and route.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tessera_core::{Clock, Error, Timestamp};

const WINDOW: i64 = 60;
/// Above this many tracked clients, finished windows are swept out.
const SWEEP_AT: usize = 100_000;

/// Allows `per_minute` requests per client address per window; 0 = unlimited.
pub struct RateLimiter {
    per_minute: u32,
    clock: Arc<dyn Clock>,
    windows: Mutex<HashMap<IpAddr, (Timestamp, u32)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32, clock: Arc<dyn Clock>) -> Self {
        Self {
            per_minute,
            clock,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `ip`, or says how long to wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Error> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now < *start + WINDOW);
        }
        let (start, count) = windows.entry(ip).or_insert((now, 0));
        if now >= *start + WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_minute {
            return Err(Error::RateLimited {
                retry_after: (*start + WINDOW - now).max(1) as u64,
            });
        }
        *count += 1;
        Ok(())
    }
}

/// The limits of the routes that have one.
pub struct Limits {
    pub login: RateLimiter,
    pub register: RateLimiter,
    pub username_check: RateLimiter,
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::ManualClock;

    #[test]
    fn limits_per_address_and_resets_after_the_window() {
        let clock = Arc::new(ManualClock::new(1_000));
        let limiter = RateLimiter::new(2, clock.clone());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        clock.advance(20);
        match limiter.check(a) {
            Err(Error::RateLimited { retry_after }) => assert_eq!(retry_after, 40),
            other => panic!("expected a limit, got {other:?}"),
        }
        assert!(limiter.check(b).is_ok());
        clock.advance(40);
        assert!(limiter.check(a).is_ok());
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0, Arc::new(ManualClock::new(0)));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..1000 {
            assert!(limiter.check(a).is_ok());
        }
    }
}
