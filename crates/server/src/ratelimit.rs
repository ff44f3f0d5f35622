//! Per-client request limits: a one-minute window per client address and route. With Redis,
//! the count is shared by every instance (so N instances do not give N times the attempts);
//! without it, or while Redis is unreachable, each instance counts on its own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use redis::aio::ConnectionManager;
use tessera_core::{Clock, Error, Timestamp};
use tracing::warn;

const WINDOW: i64 = 60;
/// Above this many tracked clients, finished windows are swept out.
const SWEEP_AT: usize = 100_000;

/// Allows `per_minute` requests per client address per window; 0 = unlimited.
pub struct RateLimiter {
    /// Prefix of this limiter's Redis keys (and its name in logs).
    name: String,
    per_minute: u32,
    clock: Arc<dyn Clock>,
    windows: Mutex<HashMap<IpAddr, (Timestamp, u32)>>,
    redis: Option<ConnectionManager>,
}

impl RateLimiter {
    pub fn new(
        name: String,
        per_minute: u32,
        clock: Arc<dyn Clock>,
        redis: Option<ConnectionManager>,
    ) -> Self {
        Self {
            name,
            per_minute,
            clock,
            windows: Mutex::new(HashMap::new()),
            redis,
        }
    }

    /// Counts a request from `ip`, or says how long to wait.
    pub async fn check(&self, ip: IpAddr) -> Result<(), Error> {
        if self.per_minute == 0 {
            return Ok(());
        }
        if let Some(conn) = &self.redis {
            match self.check_shared(conn.clone(), ip).await {
                Ok(verdict) => return verdict,
                Err(e) => {
                    warn!(error = %e, limiter = self.name, "Redis unreachable: counting on this instance");
                }
            }
        }
        self.check_local(ip)
    }

    /// A window that starts at the client's first request, counted in Redis (whose clock all
    /// instances then share): `INCR`, an expiry set only by the first, and the time left.
    async fn check_shared(
        &self,
        mut conn: ConnectionManager,
        ip: IpAddr,
    ) -> redis::RedisResult<Result<(), Error>> {
        let key = format!("{}:{ip}", self.name);
        let (count, ttl): (u64, i64) = redis::pipe()
            .atomic()
            .incr(&key, 1)
            .cmd("EXPIRE")
            .arg(&key)
            .arg(WINDOW)
            .arg("NX")
            .ignore()
            .ttl(&key)
            .query_async(&mut conn)
            .await?;
        if count > self.per_minute as u64 {
            return Ok(Err(Error::RateLimited {
                retry_after: ttl.clamp(1, WINDOW) as u64,
            }));
        }
        Ok(Ok(()))
    }

    fn check_local(&self, ip: IpAddr) -> Result<(), Error> {
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
        let limiter = RateLimiter::new("test".into(), 2, clock.clone(), None);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limiter.check_local(a).is_ok());
        assert!(limiter.check_local(a).is_ok());
        clock.advance(20);
        match limiter.check_local(a) {
            Err(Error::RateLimited { retry_after }) => assert_eq!(retry_after, 40),
            other => panic!("expected a limit, got {other:?}"),
        }
        assert!(limiter.check_local(b).is_ok());
        clock.advance(40);
        assert!(limiter.check_local(a).is_ok());
    }

    #[tokio::test]
    async fn zero_means_unlimited() {
        let limiter = RateLimiter::new("test".into(), 0, Arc::new(ManualClock::new(0)), None);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..1000 {
            assert!(limiter.check(a).await.is_ok());
        }
    }
}
