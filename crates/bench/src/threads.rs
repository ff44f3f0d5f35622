//! An operation run again and again on every core at once, in this process, for the raw rates
//! (Argon2id, signatures): how many were done, how fast, and where the CPU went meanwhile.

use std::time::{Duration, Instant};

use crate::cpu::{self, Usage};

/// What `threads` threads together did in one measurement.
#[derive(Debug, Clone, Copy)]
pub struct OnThreads {
    pub count: u64,
    /// Operations per second, the threads' rates added up.
    pub per_sec: f64,
    pub cpu: Usage,
}

/// Runs `op` on `threads` threads for `duration`, checking the time every `batch` operations.
pub fn run(threads: usize, duration: Duration, batch: u64, op: impl Fn() + Sync) -> OnThreads {
    let before = cpu::sample();
    let (count, per_sec) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let started = Instant::now();
                    let mut n = 0u64;
                    while started.elapsed() < duration {
                        for _ in 0..batch {
                            op();
                        }
                        n += batch;
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
    OnThreads {
        count,
        per_sec,
        cpu: Usage::between(&before, &cpu::sample()),
    }
}
