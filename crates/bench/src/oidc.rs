//! oidc-provider, the OpenID-certified OAuth 2.0 server (Node.js) tessera's standard endpoints
//! are measured against: installed by the peer's `setup.sh` and run by its `serve.sh` on a free
//! loopback port, with opaque access tokens and one confidential client, `bench`. serve.sh
//! `exec`s node, which prints `listening on http://ADDR` when ready, so it is started and
//! stopped as tessera is.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::plantdb::{free_port, setup};
use crate::process::Process;

/// The client serve.sh configures (HTTP Basic, `client_credentials`).
pub const CLIENT_ID: &str = "bench";
pub const CLIENT_SECRET: &str = "bench-secret";

/// Sets oidc-provider up and starts it; waits (bounded) until it listens. The process keeps
/// its log folder, and its log's last lines are in the error when it does not start.
pub async fn start(scripts: &Path, setup_timeout: Duration) -> Result<Process, String> {
    let folder = tokio::task::spawn_blocking({
        let scripts = scripts.to_path_buf();
        move || setup(&scripts, setup_timeout, "--oidc")
    })
    .await
    .map_err(|e| e.to_string())??;
    let port = free_port()?;
    let logs = tempfile::tempdir().map_err(|e| e.to_string())?;
    let log_path = logs.path().join("oidc-provider.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let mut cmd = Command::new("bash");
    cmd.arg(scripts.join("serve.sh"))
        .arg(&folder)
        .arg(port.to_string())
        .arg("opaque")
        .stdin(Stdio::null());
    let started = tokio::task::spawn_blocking(move || {
        Process::start(cmd, Duration::from_secs(60), Stdio::from(log))
    })
    .await
    .map_err(|e| e.to_string())?;
    match started {
        Ok(p) => Ok(p.owning(logs)),
        Err(e) => {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
            Err(format!("{e}: {tail}"))
        }
    }
}
