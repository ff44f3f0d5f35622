//! The raw Argon2id rate: tessera's own verification function on every core at once, with no
//! HTTP, no store and no queue, each thread hashing in memory it keeps (as tessera's hashing
//! threads do). Login can come close to this, never above it.

use std::time::Duration;

use crate::cpu::Usage;
use crate::threads;
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
        let done = threads::run(threads, duration, 1, || {
            assert!(verify_in_kept_memory("admin", &phc, params));
        });
        Ok(HashRate {
            per_sec: done.per_sec,
            cpu_ms: done.cpu.generator_secs * 1e3 / done.count.max(1) as f64,
            cpu: done.cpu,
        })
    })
    .await
    .map_err(|e| e.to_string())?
}
