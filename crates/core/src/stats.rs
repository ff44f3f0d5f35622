//! Counts and timings for the server's metrics: plain atomics, bumped without a lock or an
//! allocation, read only when the metrics are scraped. No label here ever holds a username,
//! an address or a token: every one is a fixed name.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{Error, Rejection};

/// Upper bounds of the latency buckets, in seconds (from 25 µs, where a validation lands, to
/// 10 s, where a request times out).
pub const LATENCY_BOUNDS: [f64; 18] = [
    0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
    0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The same bounds in nanoseconds, compared with each observation.
const BOUNDS_NS: [u64; 18] = {
    let mut ns = [0u64; 18];
    let mut i = 0;
    while i < ns.len() {
        ns[i] = (LATENCY_BOUNDS[i] * 1e9) as u64;
        i += 1;
    }
    ns
};

/// A latency histogram with the fixed [`LATENCY_BOUNDS`]: an observation is two atomic adds
/// (its bucket and the sum), the count being the buckets' total.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Per bucket (not cumulative); the last is above every bound.
    buckets: [AtomicU64; LATENCY_BOUNDS.len() + 1],
    sum_ns: AtomicU64,
}

/// A histogram as read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot {
    pub count: u64,
    pub sum_seconds: f64,
    /// `(upper bound, observations in that bucket)`, not cumulative; the last bound is +Inf.
    pub buckets: Vec<(f64, u64)>,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let bucket = BOUNDS_NS.iter().position(|&b| ns <= b);
        self.buckets[bucket.unwrap_or(BOUNDS_NS.len())].fetch_add(1, Ordering::Relaxed);
        self.sum_ns.fetch_add(ns, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> HistogramSnapshot {
        let bounds = LATENCY_BOUNDS.iter().copied().chain([f64::INFINITY]);
        let buckets: Vec<(f64, u64)> = bounds
            .zip(&self.buckets)
            .map(|(bound, n)| (bound, n.load(Ordering::Relaxed)))
            .collect();
        HistogramSnapshot {
            count: buckets.iter().map(|(_, n)| n).sum(),
            sum_seconds: self.sum_ns.load(Ordering::Relaxed) as f64 / 1e9,
            buckets,
        }
    }
}

/// Most operations timed apart; the store's are about fifty.
const OP_SLOTS: usize = 128;

/// A latency histogram per operation name (a method of the store port), each made at its
/// operation's first call; then a look-up is a short hash and a comparison, no lock.
#[derive(Debug)]
pub struct OpTimings {
    slots: Box<[OnceLock<(&'static str, Histogram)>]>,
}

impl Default for OpTimings {
    fn default() -> Self {
        Self {
            slots: (0..OP_SLOTS).map(|_| OnceLock::new()).collect(),
        }
    }
}

impl OpTimings {
    pub fn observe(&self, operation: &'static str, elapsed: Duration) {
        let start = operation.bytes().fold(operation.len(), |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(b))
        });
        for i in 0..OP_SLOTS {
            let (name, histogram) = self.slots[(start + i) % OP_SLOTS]
                .get_or_init(|| (operation, Histogram::default()));
            if *name == operation {
                histogram.observe(elapsed);
                return;
            }
        }
    }

    /// Every operation called so far, by name.
    pub fn read(&self) -> Vec<(&'static str, HistogramSnapshot)> {
        let mut read: Vec<_> = self
            .slots
            .iter()
            .filter_map(OnceLock::get)
            .map(|(name, h)| (*name, h.snapshot()))
            .collect();
        read.sort_by_key(|(name, _)| *name);
        read
    }
}

/// A set of fixed names (the outcomes of something), each with a number.
pub trait Names: Copy + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    fn index(self) -> usize;
}

/// Defines an enum of outcomes with their metric label values.
macro_rules! names {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $label:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),* }

        impl Names for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),*];
            fn name(self) -> &'static str {
                match self { $(Self::$variant => $label),* }
            }
            fn index(self) -> usize {
                self as usize
            }
        }
    };
}

/// One counter per name of `N`.
#[derive(Debug)]
pub struct Tally<N: Names> {
    counts: Box<[AtomicU64]>,
    names: PhantomData<N>,
}

impl<N: Names> Default for Tally<N> {
    fn default() -> Self {
        Self {
            counts: N::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            names: PhantomData,
        }
    }
}

impl<N: Names> Tally<N> {
    pub fn add(&self, name: N) {
        self.counts[name.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Every name with its count, in the order of `N::ALL`.
    pub fn read(&self) -> Vec<(&'static str, u64)> {
        N::ALL
            .iter()
            .map(|n| (n.name(), self.counts[n.index()].load(Ordering::Relaxed)))
            .collect()
    }

    pub fn get(&self, name: N) -> u64 {
        self.counts[name.index()].load(Ordering::Relaxed)
    }
}

names!(
    /// How a login ended. Unknown users, wrong passwords, disabled and locked accounts are one
    /// outcome, as they are one answer: a metric must not tell them apart either.
    LoginResult {
        Success => "success",
        InvalidCredentials => "invalid_credentials",
        RateLimited => "rate_limited",
        Unavailable => "unavailable",
        Refused => "refused",
        Error => "error",
    }
);

names!(
    /// How a refresh (of a session or of an API key) ended.
    RefreshResult {
        Rotated => "rotated",
        Retried => "retried",
        Reused => "reused",
        Expired => "expired",
        Invalid => "invalid",
        Refused => "refused",
        Error => "error",
    }
);

impl RefreshResult {
    /// The outcome a refused refresh had.
    pub fn of_error(e: &Error) -> Self {
        match e {
            Error::RefreshReuse | Error::Rejected(Rejection::Reused, _) => Self::Reused,
            Error::TokenExpired => Self::Expired,
            Error::InvalidToken(_) => Self::Invalid,
            Error::Rejected(..) | Error::Forbidden(_) => Self::Refused,
            _ => Self::Error,
        }
    }
}

names!(
    /// Which kind of credential a refresh rotated.
    RefreshKind {
        Session => "session",
        ApiKey => "apikey",
    }
);

names!(
    /// Whether a revocation reached the feed.
    Published {
        Ok => "ok",
        Failed => "error",
    }
);

names!(
    /// How this instance learnt of another's revocation.
    Received {
        Feed => "feed",
        CatchUp => "catchup",
    }
);

/// Hits and misses of a cache.
#[derive(Debug, Default)]
pub struct HitMiss {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl HitMiss {
    /// Counts a lookup, and gives its result back.
    pub fn count<T>(&self, found: Option<T>) -> Option<T> {
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// `(hits, misses)`.
    pub fn read(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// What the auth service counts, for the metrics.
#[derive(Debug, Default)]
pub struct AuthStats {
    pub logins: Tally<LoginResult>,
    pub session_refreshes: Tally<RefreshResult>,
    pub apikey_refreshes: Tally<RefreshResult>,
    /// Revocations this instance made, by whether the feed took them.
    pub published: Tally<Published>,
    /// Revocations of other instances this one learnt.
    pub received: Tally<Received>,
    /// Lookups of already verified access tokens, of profiles and of scoped tokens.
    pub verified_tokens: HitMiss,
    pub profiles: HitMiss,
    pub scoped_tokens: HitMiss,
    /// How long the last catch-up read of the revocation log took, milliseconds.
    pub catchup_ms: AtomicU64,
    /// When the last catch-up read succeeded, seconds since the epoch (0: never).
    pub catchup_at: AtomicI64,
}

impl AuthStats {
    pub fn refreshes(&self, kind: RefreshKind) -> &Tally<RefreshResult> {
        match kind {
            RefreshKind::Session => &self.session_refreshes,
            RefreshKind::ApiKey => &self.apikey_refreshes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_land_in_their_bucket_and_add_up() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(10));
        h.observe(Duration::from_micros(25));
        h.observe(Duration::from_millis(3));
        h.observe(Duration::from_secs(60));
        let s = h.snapshot();
        assert_eq!(s.count, 4);
        assert!(
            (s.sum_seconds - 60.003_035).abs() < 1e-9,
            "{}",
            s.sum_seconds
        );
        assert_eq!(s.buckets[0], (0.000_025, 2));
        assert_eq!(s.buckets[6], (0.002_5, 0));
        assert_eq!(s.buckets[7], (0.005, 1));
        assert_eq!(s.buckets.last(), Some(&(f64::INFINITY, 1)));
        assert_eq!(s.buckets.len(), LATENCY_BOUNDS.len() + 1);
    }

    #[test]
    fn each_operation_has_its_histogram() {
        let t = OpTimings::default();
        t.observe("user", Duration::from_millis(1));
        t.observe("user", Duration::from_millis(2));
        t.observe("create_session", Duration::from_millis(3));
        let read: Vec<_> = t.read().into_iter().map(|(n, h)| (n, h.count)).collect();
        assert_eq!(read, [("create_session", 1), ("user", 2)]);
    }

    #[test]
    fn a_tally_counts_each_name() {
        let t = Tally::<LoginResult>::default();
        t.add(LoginResult::Success);
        t.add(LoginResult::Success);
        t.add(LoginResult::Error);
        assert_eq!(t.get(LoginResult::Success), 2);
        let read = t.read();
        assert_eq!(read[0], ("success", 2));
        assert_eq!(read.len(), LoginResult::ALL.len());
        assert_eq!(read.last(), Some(&("error", 1)));
    }
}
