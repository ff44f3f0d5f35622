//! How tessera is started for the benchmark: `tessera serve --demo` on a free loopback port,
//! with its rate limits and session cap switched off by configuration. It logs as it does by
//! default (INFO, an access line per request) into `tessera.log` in its data directory, as a
//! service's log goes to a file or the journal rather than to a terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tessera_core::password::HashParams;

use crate::process::Process;

pub struct Tessera {
    pub binary: PathBuf,
    /// Argon2 parameters for new hashes (the demo users are hashed with them at start-up).
    pub params: HashParams,
    /// Argon2 threads (`TESSERA_HASH_WORKERS`), each holding `params.memory_kib` for good.
    pub hash_workers: usize,
    /// More environment for the server (its database, its signing key).
    pub env: Vec<(&'static str, String)>,
}

impl Tessera {
    pub fn start(&self, data_dir: &Path) -> Result<Process, String> {
        let mut cmd = Command::new(&self.binary);
        cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("TESSERA_RATE_LOGIN_PER_MINUTE", "0")
            .env("TESSERA_RATE_REGISTER_PER_MINUTE", "0")
            .env("TESSERA_RATE_USERNAME_CHECK_PER_MINUTE", "0")
            .env("MAX_SESSION", "0")
            .env("TESSERA_LOGINS_IN_FLIGHT_PER_ACCOUNT", "0")
            .env("TESSERA_LOCKOUT_THRESHOLD", "0")
            .env("TESSERA_UNFAMILIAR_FAILURES_PER_HOUR", "0")
            .env("SESSION_TIMEOUT", "3600")
            .env(
                "TESSERA_ARGON2_MEMORY_KIB",
                self.params.memory_kib.to_string(),
            )
            .env(
                "TESSERA_ARGON2_ITERATIONS",
                self.params.iterations.to_string(),
            )
            .env(
                "TESSERA_ARGON2_PARALLELISM",
                self.params.parallelism.to_string(),
            )
            .env("TESSERA_HASH_WORKERS", self.hash_workers.to_string())
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        let log_path = data_dir.join("tessera.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| format!("cannot open {}: {e}", log_path.display()))?;
        let mut process =
            Process::start(cmd, Duration::from_secs(120), Stdio::from(log)).map_err(|e| {
                format!(
                    "{e} (build it with `cargo build --release -p tessera-server`; its log: {})",
                    log_path.display()
                )
            })?;
        process.rss_bound_kib = Some(self.rss_bound_kib());
        Ok(process)
    }

    /// The resident memory this server is held to after any workload: 64 MiB plus Argon2's
    /// working set (the memory parameter on each hashing thread), KiB.
    pub fn rss_bound_kib(&self) -> u64 {
        RSS_BASE_KIB + u64::from(self.params.memory_kib) * self.hash_workers as u64
    }
}

/// The resident memory allowed besides Argon2's, KiB.
pub const RSS_BASE_KIB: u64 = 64 * 1024;

/// "m=19 MiB t=2 p=1"
pub fn describe(p: HashParams) -> String {
    format!(
        "m={} MiB t={} p={}",
        p.memory_kib / 1024,
        p.iterations,
        p.parallelism
    )
}
