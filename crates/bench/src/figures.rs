//! What one run measured: the raw counts and latencies, and the figures they give.

use std::time::{Duration, Instant};

use crate::cpu::Usage;

/// Latency percentiles of one run, milliseconds (NaN when nothing was answered).
#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    /// Latencies measured.
    pub samples: usize,
}

/// An open-loop run after a closed-loop one: requests offered at a fixed rate (a fraction of
/// the closed loop's), latency counted from each request's scheduled send time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Open {
    /// Requests per second offered, all connections together.
    pub offered: f64,
    /// Successful answers per second.
    pub rps: f64,
    pub errors: u64,
    pub latency: Latency,
    pub cpu: Usage,
}

/// Requests per second, latency percentiles and errors of one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub latency: Latency,
    /// The open-loop run that followed this closed-loop one, if any.
    pub open: Option<Open>,
    pub errors: u64,
    /// Answers received in the window, successful or not.
    pub answers: u64,
    pub cpu: Usage,
    /// The server's resident memory after the run, KiB.
    pub rss_kib: Option<u64>,
    /// What that memory is held to, KiB (tessera: 64 MiB plus Argon2's working set).
    pub rss_bound_kib: Option<u64>,
}

impl Figures {
    /// The servers' CPU time per answer, microseconds.
    pub fn server_us_per_answer(&self) -> f64 {
        self.cpu.server_secs * 1e6 / self.answers.max(1) as f64
    }

    /// This process's CPU time per answer, microseconds (for work done in this process).
    pub fn own_us_per_answer(&self) -> f64 {
        self.cpu.generator_secs * 1e6 / self.answers.max(1) as f64
    }

    /// This run taken as an open-loop run offered at `offered` requests per second.
    pub fn as_open(&self, offered: f64) -> Open {
        Open {
            offered,
            rps: self.rps,
            errors: self.errors,
            latency: self.latency,
            cpu: self.cpu,
        }
    }
}

#[derive(Debug, Default)]
pub struct Stats {
    pub ok: u64,
    pub errors: u64,
    pub answers: u64,
    pub latencies_us: Vec<u32>,
}

impl Stats {
    pub fn record(&mut self, since: Instant, ok: bool) {
        let us = since.elapsed().as_micros().min(u32::MAX as u128) as u32;
        self.latencies_us.push(us);
        self.answers += 1;
        if ok {
            self.ok += 1;
        } else {
            self.errors += 1;
        }
    }

    pub fn merge(&mut self, other: Stats) {
        self.ok += other.ok;
        self.errors += other.errors;
        self.answers += other.answers;
        self.latencies_us.extend(other.latencies_us);
    }

    pub fn figures(mut self, window: Duration) -> Figures {
        self.latencies_us.sort_unstable();
        let pct = |p: f64| match self.latencies_us.len() {
            0 => f64::NAN,
            n => self.latencies_us[((n as f64 - 1.0) * p).round() as usize] as f64 / 1000.0,
        };
        let latency = Latency {
            p50_ms: pct(0.50),
            p90_ms: pct(0.90),
            p99_ms: pct(0.99),
            p999_ms: pct(0.999),
            max_ms: pct(1.0),
            samples: self.latencies_us.len(),
        };
        Figures {
            rps: self.ok as f64 / window.as_secs_f64(),
            p50_ms: latency.p50_ms,
            p99_ms: latency.p99_ms,
            latency,
            open: None,
            errors: self.errors,
            answers: self.answers,
            cpu: Usage::default(),
            rss_kib: None,
            rss_bound_kib: None,
        }
    }
}
