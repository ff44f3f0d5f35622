//! Accepting and serving connections: HTTP/1.1 by hyper's connection builder with a timer, so
//! that a client that does not finish its request's headers in time (a slow client, or an idle
//! kept-alive connection) is closed; at most `max_connections` at once (past that, new
//! connections wait in the listen queue); graceful shutdown by hyper-util.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;
use tower_http::add_extension::AddExtension;
use tracing::{debug, warn};

/// How connections are held.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From a connection's opening, or its previous answer, to the end of the next request's
    /// headers.
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// How long accepting pauses after an error (e.g. out of file descriptors) before retrying.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Serves `app` on `listener` until `stopped` turns true; then stops accepting, lets the open
/// connections finish their requests in flight, and returns.
pub fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        loop {
            let slot = tokio::select! {
                slot = slots.clone().acquire_owned() => slot,
                () = stopping(&mut stopped) => break,
            };
            let Ok(slot) = slot else { break };
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        warn!(error = %e, "cannot accept a connection");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                        continue;
                    }
                },
                () = stopping(&mut stopped) => break,
            };
            let service = AddExtension::new(app.clone(), ConnectInfo(peer));
            let connection =
                builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    debug!(error = %e, %peer, "connection closed");
                }
                drop(slot);
            });
        }
        drop(listener);
        graceful.shutdown().await;
    })
}

async fn stopping(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}
