//! PlantDB, the system tessera is measured against: installed by the peer's `setup.sh` and run by
//! its `serve.sh` (gunicorn, 1 worker x 8 threads) on a free loopback port. serve.sh runs in the
//! foreground and gunicorn forks, so it gets its own process group, and the whole group is
//! stopped when this is dropped.

use std::net::{SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::Request;

use crate::load;
use crate::process::signal;

pub struct PlantDb {
    group: Child,
    pub addr: SocketAddr,
    pub startup: Duration,
    logs: tempfile::TempDir,
}

/// Installs (or reuses) a peer with its `setup.sh`, bounded by `setup_timeout`; returns the
/// folder it printed last (PlantDB's venv). `option` names the option that gives the scripts.
pub fn setup(scripts: &Path, setup_timeout: Duration, option: &str) -> Result<PathBuf, String> {
    let script = scripts.join("setup.sh");
    if !script.exists() {
        return Err(format!("{} not found (see {option})", script.display()));
    }
    let out = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    let mut child = Command::new("bash")
        .arg(&script)
        .stdin(Stdio::null())
        .stdout(out.reopen().map_err(|e| e.to_string())?)
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run setup.sh: {e}"))?;
    let deadline = Instant::now() + setup_timeout;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            signal(-(child.id() as i32), libc::SIGKILL);
            let _ = child.wait();
            return Err(format!(
                "setup.sh did not finish within {} s (run it once by hand, or use --full)",
                setup_timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let printed = std::fs::read_to_string(out.path()).unwrap_or_default();
    let venv = printed.lines().last().unwrap_or("").trim();
    if !status.success() || venv.is_empty() {
        return Err(format!("setup.sh failed ({status})"));
    }
    Ok(PathBuf::from(venv))
}

pub fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

fn health() -> Request<Full<Bytes>> {
    Request::get("/api/v1/health")
        .header("host", "127.0.0.1")
        .body(Full::new(Bytes::new()))
        .expect("valid request")
}

impl PlantDb {
    /// Sets PlantDB up and starts it; waits (bounded) until it answers its health route.
    pub async fn start(scripts: &Path, setup_timeout: Duration) -> Result<Self, String> {
        let scripts = scripts.to_path_buf();
        let venv = tokio::task::spawn_blocking({
            let scripts = scripts.clone();
            move || setup(&scripts, setup_timeout, "--plantdb")
        })
        .await
        .map_err(|e| e.to_string())??;
        let port = free_port()?;
        let logs = tempfile::tempdir().map_err(|e| e.to_string())?;
        let log =
            std::fs::File::create(logs.path().join("plantdb.log")).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let group = Command::new("bash")
            .arg(scripts.join("serve.sh"))
            .arg(&venv)
            .arg(port.to_string())
            .arg("gunicorn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot run serve.sh: {e}"))?;
        let mut peer = Self {
            group,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            startup: Duration::ZERO,
            logs,
        };
        let deadline = started + Duration::from_secs(90);
        loop {
            if let Ok((200, _)) = load::request_once(peer.addr, health()).await {
                peer.startup = started.elapsed();
                return Ok(peer);
            }
            if let Ok(Some(status)) = peer.group.try_wait() {
                return Err(format!("serve.sh exited ({status}): {}", peer.log_tail()));
            }
            if Instant::now() > deadline {
                return Err("PlantDB did not answer within 90 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Resident memory of serve.sh's whole process group (gunicorn master and worker), KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        crate::cpu::group_rss_kib(self.group.id())
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.logs.path().join("plantdb.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(3)..].join(" | ")
    }

    /// The last error lines PlantDB logged, if any (for a failure report).
    pub fn last_errors(&self) -> String {
        let log = std::fs::read_to_string(self.logs.path().join("plantdb.log")).unwrap_or_default();
        let errors: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("Error") || l.contains("ERROR") || l.contains("Traceback"))
            .collect();
        errors[errors.len().saturating_sub(3)..].join(" | ")
    }
}

impl Drop for PlantDb {
    fn drop(&mut self) {
        let group = -(self.group.id() as i32);
        signal(group, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.group.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The gunicorn worker may outlive its master by a moment: end the whole group.
        signal(group, libc::SIGKILL);
        let _ = self.group.wait();
    }
}
