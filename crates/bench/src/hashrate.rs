//! The raw Argon2id rate: tessera's own verification function on every core at once, with no
//! HTTP, no store and no queue, each thread hashing in memory it keeps (as tessera's hashing
//! threads do). Login can come close to this, never above it.

use std::time::{Duration, Instant};

use crate::cpu::{self, Usage};
use tessera_core::password::{hash_blocking, verify_in_kept_memory, HashParams};

/// The raw rate at one parameter set.
#[derive(Debug, Clone, Copy)]
pub struct HashRate {
    pub per_sec: f64,
    /// CPU time per verification, milliseconds.
    pub cpu_ms: f64,
    pub cpu: Usage,
}

/// Verifications per second with `threads` threads verifying for `duration`, and where the
/// CPU went meanwhile.
pub async fn rate(
    params: HashParams,
    threads: usize,
    duration: Duration,
) -> Result<HashRate, String> {
    tokio::task::spawn_blocking(move || {
        let phc = hash_blocking("admin", params).map_err(|e| e.to_string())?;
        let before = cpu::sample();
        let rates = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let started = Instant::now();
                        let mut n = 0u64;
                        while started.elapsed() < duration {
                            assert!(verify_in_kept_memory("admin", &phc, params));
                            n += 1;
                        }
                        (n, n as f64 / started.elapsed().as_secs_f64())
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or((0, 0.0)))
                .fold((0, 0.0), |(n, r), (wn, wr)| (n + wn, r + wr))
        });
        let cpu = Usage::between(&before, &cpu::sample());
        let (count, per_sec) = rates;
        Ok(HashRate {
            per_sec,
            cpu_ms: cpu.generator_secs * 1e3 / count.max(1) as f64,
            cpu,
        })
    })
    .await
    .map_err(|e| e.to_string())?
}
