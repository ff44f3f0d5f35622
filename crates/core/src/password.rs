//! Argon2id password hashing, run off the async threads on a bounded pool.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use argon2::password_hash::PasswordHash;
use argon2::Params;
use tokio::sync::Semaphore;

use crate::argon2_memory::{self, Keep};
use crate::error::{Error, Result};
use crate::stats::Histogram;
use crate::workers::Workers;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl HashParams {
    /// OWASP's recommendation: m=19 MiB, t=2, p=1.
    pub const OWASP: HashParams = HashParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    /// PlantDB's: m=64 MiB, t=3, p=4.
    pub const PLANTDB: HashParams = HashParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 4,
    };

    /// Whether Argon2 accepts these parameters.
    pub fn check(self) -> Result<()> {
        self.argon2().map(drop)
    }

    fn argon2(self) -> Result<Params> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| Error::BadRequest(format!("invalid Argon2 parameters: {e}")))
    }

    /// How many Argon2 blocks (1 KiB each) a hash at these parameters fills.
    fn blocks(self) -> Keep {
        self.argon2().ok().map(|p| p.block_count())
    }
}

fn hash_in(password: &str, params: HashParams, keep: Keep) -> Result<String> {
    argon2_memory::hash(password.as_bytes(), params.argon2()?, keep)
        .map_err(|e| Error::Internal(format!("hashing failed: {e}")))
}

fn verify_in(password: &str, phc: &str, keep: Keep) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|parsed| argon2_memory::verify(password.as_bytes(), &parsed, keep))
}

/// Hashes a password now, on this thread (for the CLI and tests), in memory of its own.
pub fn hash_blocking(password: &str, params: HashParams) -> Result<String> {
    hash_in(password, params, None)
}

/// Verifies a password against any Argon2 PHC string, on this thread, in memory of its own. A
/// malformed hash never verifies.
pub fn verify_blocking(password: &str, phc: &str) -> bool {
    verify_in(password, phc, None)
}

/// As [`verify_blocking`], in memory this thread keeps between hashes, sized for hashes at
/// `kept` (as the pool's threads hash): allocated at the first call, reused after.
pub fn verify_in_kept_memory(password: &str, phc: &str, kept: HashParams) -> bool {
    verify_in(password, phc, kept.blocks())
}

/// Checks that `phc` is an Argon2 PHC string (argon2id, argon2i or argon2d, with its version,
/// parameters, salt and hash) that [`verify_blocking`] can verify: for hashes taken as they are
/// (an import), which go through no password policy.
pub fn check_phc(phc: &str) -> Result<()> {
    let refuse = |why: &str| Err(Error::BadRequest(format!("the password hash {why}")));
    let Ok(parsed) = PasswordHash::new(phc) else {
        return refuse("is not a PHC string");
    };
    if !matches!(
        parsed.algorithm.as_str(),
        "argon2id" | "argon2i" | "argon2d"
    ) {
        return refuse("is not an Argon2 hash");
    }
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return refuse("has no salt or no hash");
    }
    if let Err(e) = Params::try_from(&parsed) {
        return refuse(&format!("has invalid Argon2 parameters ({e})"));
    }
    Ok(())
}

/// Whether a stored hash uses other parameters than the current ones (and so is upgraded at the
/// next successful login).
pub fn needs_rehash(phc: &str, current: HashParams) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm.as_str() != "argon2id"
        || params.m_cost() != current.memory_kib
        || params.t_cost() != current.iterations
        || params.p_cost() != current.parallelism
}

/// How much lower than the rest of the server the hashing threads are scheduled: a login flood
/// then slows logins, not token validation.
const HASH_NICE: i32 = 10;

/// The outcome of a verification on the pool. `Debug` leaves the new hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    pub ok: bool,
    /// A new hash at the current parameters, when the stored one was weaker and matched.
    pub upgraded: Option<String>,
}

impl std::fmt::Debug for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified")
            .field("ok", &self.ok)
            .field("upgraded", &self.upgraded.is_some())
            .finish()
    }
}

/// A bounded pool for Argon2 work: `workers` threads hash, at most `queue` callers wait;
/// beyond that callers get [`Error::Unavailable`] at once instead of piling up. Each thread
/// hashes in memory it keeps for hashes at the pool's parameters, so Argon2 holds
/// `memory × workers` from the first logins on and allocates nothing per hash.
#[derive(Clone)]
pub struct PasswordPool {
    params: HashParams,
    threads: Workers,
    /// One permit per caller allowed in at once: `workers` hashing plus `queue` waiting.
    admitted: Arc<Semaphore>,
    workers: usize,
    queue: usize,
    dummy_hash: Arc<String>,
    /// Verifications started, for tests and metrics.
    verifications: Arc<AtomicU64>,
    stats: Arc<PoolStats>,
}

/// The queue in front of the hashing threads, for the metrics.
#[derive(Debug, Default)]
pub struct PoolStats {
    /// Callers admitted whose work has not started yet.
    pub waiting: AtomicU64,
    /// How long admitted work waited for a thread.
    pub wait: Histogram,
    /// Callers turned away because the queue was full.
    pub turned_away: AtomicU64,
}

/// One caller in the queue: leaves it when its work starts (or is dropped unstarted).
struct Queued {
    stats: Arc<PoolStats>,
    since: Instant,
}

impl Queued {
    fn enter(stats: &Arc<PoolStats>) -> Self {
        stats.waiting.fetch_add(1, Ordering::Relaxed);
        // A duration measured for the metrics, not a time anything is decided by.
        #[allow(clippy::disallowed_methods)]
        let since = Instant::now();
        Self {
            stats: stats.clone(),
            since,
        }
    }

    /// The work starts: how long it waited is recorded.
    fn start(self) {
        self.stats.wait.observe(self.since.elapsed());
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.stats.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for PasswordPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordPool")
            .field("params", &self.params)
            .field("workers", &self.workers)
            .field("queue", &self.queue)
            .finish_non_exhaustive()
    }
}

impl PasswordPool {
    pub fn new(params: HashParams, workers: usize, queue: usize) -> Result<Self> {
        let dummy_hash = hash_blocking("tessera dummy password", params)?;
        Ok(Self {
            params,
            threads: Workers::new("argon2", workers, HASH_NICE)?,
            admitted: Arc::new(Semaphore::new(
                workers
                    .max(1)
                    .saturating_add(queue)
                    .min(Semaphore::MAX_PERMITS),
            )),
            workers: workers.max(1),
            queue,
            dummy_hash: Arc::new(dummy_hash),
            verifications: Arc::new(AtomicU64::new(0)),
            stats: Arc::default(),
        })
    }

    pub fn params(&self) -> HashParams {
        self.params
    }

    /// How many verifications this pool has started (admitted ones, real or dummy).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// The queue's counts.
    pub fn stats(&self) -> &PoolStats {
        &self.stats
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let Ok(_permit) = self.admitted.try_acquire() else {
            self.stats.turned_away.fetch_add(1, Ordering::Relaxed);
            return Err(Error::Unavailable("too many logins in progress".into()));
        };
        let queued = Queued::enter(&self.stats);
        self.threads
            .run(move || {
                queued.start();
                work()
            })
            .await
    }

    /// Hashes a password at the current parameters.
    pub async fn hash(&self, password: String) -> Result<String> {
        let params = self.params;
        self.run(move || hash_in(&password, params, params.blocks()))
            .await?
    }

    /// Spends exactly what a wrong password against `phc` costs, and tells nothing: for answers
    /// that must take the same time as a wrong password (a locked account). Never rehashes.
    pub async fn verify_and_forget(&self, password: String, phc: String) -> Result<()> {
        let started = self.verifications.clone();
        let keep = self.params.blocks();
        self.run(move || {
            started.fetch_add(1, Ordering::Relaxed);
            verify_in(&password, &phc, keep);
        })
        .await
    }

    /// Verifies `password` against `phc`, or against a dummy hash when there is no user, so
    /// that unknown users cost the same time as known ones.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<Verified> {
        let params = self.params;
        let dummy = self.dummy_hash.clone();
        let started = self.verifications.clone();
        let keep = params.blocks();
        self.run(move || {
            started.fetch_add(1, Ordering::Relaxed);
            let Some(phc) = phc else {
                verify_in(&password, &dummy, keep);
                return Ok(Verified {
                    ok: false,
                    upgraded: None,
                });
            };
            if !verify_in(&password, &phc, keep) {
                return Ok(Verified {
                    ok: false,
                    upgraded: None,
                });
            }
            let upgraded = if needs_rehash(&phc, params) {
                Some(hash_in(&password, params, keep)?)
            } else {
                None
            };
            Ok(Verified { ok: true, upgraded })
        })
        .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: HashParams = HashParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn only_argon2_phc_strings_are_taken_as_hashes() {
        // As PlantDB's argon2-cffi writes them (m=64 MiB, t=3, p=4).
        let plantdb = "$argon2id$v=19$m=65536,t=3,p=4$c5m8KzAJ+ftyPIAujcAkMQ$\
                       jPsJARMVJOppb9bcuANqqAmfM11+QLOe/WW4So8y6rA";
        assert!(check_phc(plantdb).is_ok());
        assert!(needs_rehash(plantdb, HashParams::OWASP));
        assert!(!needs_rehash(plantdb, HashParams::PLANTDB));
        assert!(check_phc(&hash_blocking("pw", CHEAP).unwrap()).is_ok());
        for bad in [
            "",
            "hunter2",
            "$2b$12$abcdefghijklmnopqrstuuMq7GcFkZQ8z2wYdVbAqIvLhE6yD4o0y",
            "$scrypt$ln=16,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=65536,t=3,p=4",
            "$argon2id$v=19$m=1,t=3,p=4$c5m8KzAJ+ftyPIAujcAkMQ$jPsJARMVJOppb9bcuANqqA",
        ] {
            assert!(check_phc(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn callers_beyond_the_workers_and_the_queue_are_turned_away_at_once() {
        let pool = PasswordPool::new(CHEAP, 1, 1).unwrap();
        let mut held = Vec::new();
        let mut releases = Vec::new();
        for _ in 0..2 {
            let (started_tx, started_rx) = tokio::sync::oneshot::channel();
            let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
            let p = pool.clone();
            held.push(tokio::spawn(async move {
                p.run(move || {
                    let _ = started_tx.send(());
                    release_rx.recv().ok();
                })
                .await
            }));
            releases.push(release_tx);
            if held.len() == 1 {
                started_rx.await.unwrap();
            } else {
                // The second caller waits for the only thread; let it take its place in line.
                drop(started_rx);
                while pool.admitted.available_permits() > 0 {
                    tokio::task::yield_now().await;
                }
            }
        }
        let refused = pool.run(|| ()).await;
        assert!(matches!(refused, Err(Error::Unavailable(_))), "{refused:?}");
        assert_eq!(pool.stats().waiting.load(Ordering::Relaxed), 1, "one waits");
        assert_eq!(pool.stats().turned_away.load(Ordering::Relaxed), 1);
        for release in releases {
            release.send(()).unwrap();
        }
        for h in held {
            h.await.unwrap().unwrap();
        }
        assert!(pool.run(|| ()).await.is_ok());
        assert_eq!(pool.stats().waiting.load(Ordering::Relaxed), 0);
        assert_eq!(pool.stats().wait.snapshot().count, 3);
        assert!(pool.verify("pw".into(), None).await.is_ok_and(|v| !v.ok));
    }
}
