//! The machine's ceiling for a small JSON answer: one route on the same HTTP stack as tessera
//! (axum 0.8 on tokio's multi-threaded runtime, served the same way), answering a fixed body.
//! It runs as a separate process (this program started with `--bare-server`), like tessera.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use axum::Router;

use crate::process::Process;

/// About the size of tessera's validation answer.
const BODY: &str = r#"{"message":"Token validation successful","user":{"username":"admin","fullname":"Demo Admin"},"kind":"access","actor":"admin"}"#;

/// The bare server's `main`: serves until killed.
pub fn serve() -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let app = Router::new().route(
            "/api/v1/auth/token/validation",
            post(|| async { ([(CONTENT_TYPE, "application/json")], BODY) }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("bare endpoint listening on http://{addr}");
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .await
            .map_err(|e| e.to_string())
    })
}

/// Starts the bare server as a child process.
pub fn start() -> Result<Process, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.arg("--bare-server");
    Process::start(cmd, Duration::from_secs(10), Stdio::inherit())
}
