//! Accepting and serving connections, with hyper's connection builders and a timer: at most
//! `max_connections` at once (past that, new connections wait in the listen queue); graceful
//! shutdown (`connection::drive`).
//!
//! Plain HTTP is HTTP/1.1 only: a client that does not finish its request's headers in time (a
//! slow client, or an idle kept-alive connection) is closed. Over TLS (see `tls`), the
//! handshake must end within the same header timeout; then ALPN picks HTTP/2 or HTTP/1.1 (the
//! latter as above), and either is closed after a header timeout without a request in
//! progress. HTTP/2 also pings a connection whose peer has said nothing for a header timeout,
//! and closes it if the answer takes longer than that; each connection has at most
//! `H2_MAX_STREAMS` requests in progress.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tessera_core::PiiLog;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tower_http::add_extension::AddExtension;
use tracing::{debug, warn};

use crate::connection::{drive, stopping, Activity};

/// How connections are held.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From a connection's opening, or its previous answer, to the end of the next request's
    /// headers (and the longest TLS handshake).
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// How long accepting pauses after an error (e.g. out of file descriptors) before retrying.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Requests in progress at once on one HTTP/2 connection.
pub const H2_MAX_STREAMS: u32 = 100;

/// What every connection is served with.
#[derive(Clone)]
struct Serving {
    app: Router,
    h1: http1::Builder,
    h2: http2::Builder<TokioExecutor>,
    tls: Option<TlsAcceptor>,
    header_timeout: Duration,
    stopped: watch::Receiver<bool>,
    /// Names client addresses in log lines (hashed unless `log_pii`).
    log: PiiLog,
}

/// Serves `app` on `listener` (over TLS with `tls`) until `stopped` turns true; then stops
/// accepting, lets the open connections finish their requests in flight, and returns.
pub fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    tls: Option<TlsAcceptor>,
    mut stopped: watch::Receiver<bool>,
    log: PiiLog,
) -> JoinHandle<()> {
    let mut h1 = http1::Builder::new();
    h1.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let mut h2 = http2::Builder::new(TokioExecutor::new());
    h2.timer(TokioTimer::new())
        .keep_alive_interval(limits.header_timeout)
        .keep_alive_timeout(limits.header_timeout)
        .max_concurrent_streams(H2_MAX_STREAMS);
    let serving = Serving {
        app,
        h1,
        h2,
        tls,
        header_timeout: limits.header_timeout,
        stopped: stopped.clone(),
        log,
    };
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    tokio::spawn(async move {
        // Every connection's task holds a sender: when all are gone, all connections ended.
        let (open, mut all_closed) = mpsc::channel::<()>(1);
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
            let serving = serving.clone();
            let open = open.clone();
            tokio::spawn(async move {
                serving.connection(stream, peer).await;
                drop((slot, open));
            });
        }
        drop(listener);
        drop(open);
        let _ = all_closed.recv().await;
    })
}

impl Serving {
    async fn connection(self, stream: TcpStream, peer: SocketAddr) {
        // As log lines name it (an IPv4 client of a `[::]` listener as its IPv4 address).
        let client = peer.ip().to_canonical();
        let service = AddExtension::new(self.app.clone(), ConnectInfo(peer));
        let service = TowerToHyperService::new(service);
        let Some(acceptor) = self.tls.clone() else {
            let conn = self.h1.serve_connection(TokioIo::new(stream), service);
            let ended = drive(conn, |c| c.graceful_shutdown(), self.stopped, None).await;
            if let Err(e) = ended {
                debug!(error = %e, peer = %self.log.name(&client), "connection closed");
            }
            return;
        };
        let mut stopped = self.stopped.clone();
        let handshake = tokio::time::timeout(self.header_timeout, acceptor.accept(stream));
        let stream = tokio::select! {
            done = handshake => match done {
                Ok(Ok(stream)) => stream,
                Ok(Err(e)) => {
                    return debug!(error = %e, peer = %self.log.name(&client), "TLS handshake failed")
                }
                Err(_) => return debug!(peer = %self.log.name(&client), "TLS handshake too slow"),
            },
            () = stopping(&mut stopped) => return,
        };
        let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
        let (activity, idle) = Activity::new(self.header_timeout);
        let service = hyper::service::service_fn(move |request| {
            let busy = activity.start();
            let answer = hyper::service::Service::call(&service, request);
            async move {
                let answer = answer.await;
                drop(busy);
                answer
            }
        });
        let io = TokioIo::new(stream);
        let ended = if h2 {
            let conn = self.h2.serve_connection(io, service);
            drive(conn, |c| c.graceful_shutdown(), self.stopped, Some(idle)).await
        } else {
            let conn = self.h1.serve_connection(io, service);
            drive(conn, |c| c.graceful_shutdown(), self.stopped, Some(idle)).await
        };
        if let Err(e) = ended {
            debug!(error = %e, peer = %self.log.name(&client), "connection closed");
        }
    }
}
