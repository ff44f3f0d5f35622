//! Per-client request limits: a one-minute window per client and route. A client is its IPv4
//! address, or its IPv6 network of `ipv6_prefix` bits (default /64: one subscriber's
//! addresses count as one client). With Redis, the count is shared by every instance (so N
//! instances do not give N times the attempts); without it, or while Redis is unreachable,
//! each instance counts on its own, in a map of bounded size (see `windows`).

mod windows;

use std::future::Future;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;

use redis::aio::ConnectionManager;
use tessera_core::{Clock, Error};
use tracing::warn;

use windows::{Windows, WINDOW};

/// How clients are told apart and how many are tracked.
#[derive(Debug, Clone, Copy)]
pub struct ClientKeys {
    /// IPv6 clients are counted by their network of this many bits.
    pub ipv6_prefix: u8,
    /// Most clients one limiter tracks on this instance.
    pub max_clients: usize,
}

impl Default for ClientKeys {
    fn default() -> Self {
        Self {
            ipv6_prefix: 64,
            max_clients: 100_000,
        }
    }
}

impl ClientKeys {
    /// The client `ip` counts as: itself (IPv4), or its IPv6 network's first address.
    pub fn key(&self, ip: IpAddr) -> IpAddr {
        match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let bits = u32::from(self.ipv6_prefix.min(128));
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
            }
            v4 => v4,
        }
    }

    /// The key as Redis and logs name it: `192.0.2.1`, `2001:db8:1:2::/64`.
    fn name(&self, key: IpAddr) -> String {
        match key {
            IpAddr::V6(_) => format!("{key}/{}", self.ipv6_prefix),
            IpAddr::V4(_) => key.to_string(),
        }
    }
}

/// Allows `per_minute` requests per client per window; 0 = unlimited.
pub struct RateLimiter {
    /// Prefix of this limiter's Redis keys (and its name in logs).
    name: String,
    per_minute: u32,
    clock: Arc<dyn Clock>,
    keys: ClientKeys,
    windows: Windows,
    redis: Option<ConnectionManager>,
}

impl RateLimiter {
    pub fn new(
        name: String,
        per_minute: u32,
        clock: Arc<dyn Clock>,
        keys: ClientKeys,
        redis: Option<ConnectionManager>,
    ) -> Self {
        Self {
            name,
            per_minute,
            clock,
            keys,
            windows: Windows::new(keys.max_clients),
            redis,
        }
    }

    /// Counts a request from `ip`, or says how long to wait.
    pub async fn check(&self, ip: IpAddr) -> Result<(), Error> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let key = self.keys.key(ip);
        if let Some(conn) = &self.redis {
            match self.check_shared(conn.clone(), key).await {
                Ok(verdict) => return verdict,
                Err(e) => {
                    warn!(error = %e, limiter = self.name, "Redis unreachable: counting on this instance");
                }
            }
        }
        let now = self.clock.now();
        self.windows
            .hit(key, now, self.per_minute)
            .map_err(|retry_after| Error::RateLimited { retry_after })
    }

    /// A window that starts at the client's first request, counted in Redis (whose clock all
    /// instances then share): `INCR`, an expiry set only by the first, and the time left.
    async fn check_shared(
        &self,
        mut conn: ConnectionManager,
        key: IpAddr,
    ) -> redis::RedisResult<Result<(), Error>> {
        let key = format!("{}:{}", self.name, self.keys.name(key));
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
}

/// Failed credential lookups per client (unknown refresh tokens, scoped tokens): once a client
/// has had `per_minute` in its window, its next ones are refused before any lookup. Counted
/// on each instance (no round trip to Redis on the way to a validation).
pub struct FailureLimiter {
    per_minute: u32,
    clock: Arc<dyn Clock>,
    keys: ClientKeys,
    windows: Windows,
}

impl FailureLimiter {
    pub fn new(per_minute: u32, clock: Arc<dyn Clock>, keys: ClientKeys) -> Self {
        Self {
            per_minute,
            clock,
            keys,
            windows: Windows::new(keys.max_clients),
        }
    }

    /// Refuses `ip` (429) if it has failed `per_minute` times in its window.
    pub fn admit(&self, ip: IpAddr) -> Result<(), Error> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        match self.windows.over(self.keys.key(ip), now, self.per_minute) {
            Some(retry_after) => Err(Error::RateLimited { retry_after }),
            None => Ok(()),
        }
    }

    /// Counts a failed lookup from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        if self.per_minute > 0 {
            self.windows.add(self.keys.key(ip), self.clock.now());
        }
    }

    /// Runs `lookup` for `ip` unless it is refused, and counts it if the credential was not
    /// good (unknown, forged, expired, revoked, reused; not a store failure).
    pub async fn guard<T>(
        &self,
        ip: IpAddr,
        lookup: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        self.admit(ip)?;
        let result = lookup.await;
        if let Err(
            Error::InvalidToken(_)
            | Error::TokenExpired
            | Error::Rejected(..)
            | Error::RefreshReuse
            | Error::InvalidCredentials,
        ) = &result
        {
            self.failed(ip);
        }
        result
    }
}

/// The limits of the routes that have one.
pub struct Limits {
    pub login: RateLimiter,
    pub register: RateLimiter,
    /// Registrations without a credential (`open_registration`).
    pub open_register: RateLimiter,
    pub username_check: RateLimiter,
    pub failed_lookups: FailureLimiter,
}

#[cfg(test)]
mod tests;
