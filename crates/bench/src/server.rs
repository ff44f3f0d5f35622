//! A tessera process started for a benchmark run, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Process {
    child: Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Process {
    /// Starts `tessera serve --demo` on a free loopback port with `env` set, and waits for its
    /// "listening" line.
    pub fn start(binary: &Path, env: &[(&str, String)]) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(binary);
        cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env("TESSERA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("tessera did not start in time".into());
            }
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line.strip_prefix("tessera listening on http://") {
                        break rest.trim().parse().map_err(|e| format!("{e}"))?;
                    }
                }
                _ => {
                    let _ = child.kill();
                    return Err("tessera exited before listening".into());
                }
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(Self {
            child,
            addr,
            _dir: dir,
        })
    }

    /// Resident memory of the process, KiB (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
