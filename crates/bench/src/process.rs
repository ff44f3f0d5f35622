//! A server process started for a run: it prints `... listening on http://ADDR` when ready, and
//! is stopped (killed, if need be) when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Process {
    child: Child,
    pub addr: SocketAddr,
    /// From spawning to the listening line.
    pub startup: Duration,
    /// A directory that goes once the process is stopped (its data directory).
    dir: Option<tempfile::TempDir>,
    /// What its resident memory is held to, KiB, if anything.
    pub rss_bound_kib: Option<u64>,
}

impl Process {
    /// Spawns `cmd` and waits (at most `timeout`) for a stdout line containing
    /// `listening on http://ADDR`. Its stderr goes to `stderr`.
    pub fn start(mut cmd: Command, timeout: Duration, stderr: Stdio) -> Result<Self, String> {
        let what = cmd.get_program().to_string_lossy().into_owned();
        let started = Instant::now();
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        // Reads every line, so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some((_, rest)) = line.split_once("listening on http://") {
                    let _ = tx.send(rest.trim().to_string());
                }
            }
        });
        let line = rx.recv_timeout(timeout);
        let startup = started.elapsed();
        let mut process = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            startup,
            dir: None,
            rss_bound_kib: None,
        };
        let line = line.map_err(|_| match process.child.try_wait() {
            Ok(Some(status)) => format!("{what} exited before listening ({status})"),
            _ => format!("{what} did not start within {} s", timeout.as_secs()),
        })?;
        process.addr = line
            .parse()
            .map_err(|e| format!("{what}: bad address {line:?}: {e}"))?;
        if !process.addr.ip().is_loopback() {
            return Err(format!("{what} listens on {}, not loopback", process.addr));
        }
        Ok(process)
    }

    /// Keeps `dir` until the process is stopped.
    pub fn owning(mut self, dir: tempfile::TempDir) -> Self {
        self.dir = Some(dir);
        self
    }

    /// Resident memory of the process, KiB (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        crate::cpu::rss_kib(self.child.id())
    }

    /// Asks the process to stop (SIGTERM) and waits for it; kills it after 10 s.
    pub fn stop(mut self) {
        signal(self.child.id() as i32, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn crash(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.dir.take();
    }
}

/// Sends `sig` to a process (pid > 0) or a process group (pid < 0).
pub fn signal(pid: i32, sig: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid, sig);
    }
}
