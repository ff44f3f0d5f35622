//! Serving one connection until it ends: graceful shutdown when the server stops, and (for
//! TLS connections, HTTP/2 among them) an idle bound: a connection with no request in progress
//! for the header timeout is asked to close (HTTP/2 GOAWAY, HTTP/1.1 closes at once), and
//! dropped if it is still open and idle after another header timeout.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// Counts the requests in progress on a connection; the service holds it.
#[derive(Clone)]
pub struct Activity(Arc<watch::Sender<usize>>);

/// A request in progress, until dropped.
pub struct Busy(Arc<watch::Sender<usize>>);

impl Activity {
    /// A counter, and the idle bound that watches it.
    pub fn new(period: Duration) -> (Self, Idle) {
        let (tx, rx) = watch::channel(0);
        (Self(Arc::new(tx)), Idle { period, busy: rx })
    }

    pub fn start(&self) -> Busy {
        self.0.send_modify(|n| *n += 1);
        Busy(self.0.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}

/// How long a connection may go without a request in progress.
pub struct Idle {
    period: Duration,
    busy: watch::Receiver<usize>,
}

impl Idle {
    /// Returns once no request has been in progress for `period` (any request that starts or
    /// ends restarts the wait).
    async fn elapsed(&mut self) {
        loop {
            let idle = *self.busy.borrow_and_update() == 0;
            let changed = tokio::select! {
                () = tokio::time::sleep(self.period), if idle => return,
                changed = self.busy.changed() => changed,
            };
            if changed.is_err() {
                // The service is gone: the connection is ending by itself.
                return std::future::pending().await;
            }
        }
    }
}

/// Drives `conn` to its end. `shutdown` starts its graceful shutdown (hyper's).
pub async fn drive<C, E>(
    conn: C,
    shutdown: fn(Pin<&mut C>),
    mut stopped: watch::Receiver<bool>,
    mut idle: Option<Idle>,
) -> Result<(), E>
where
    C: Future<Output = Result<(), E>>,
{
    let mut conn = std::pin::pin!(conn);
    let mut closing = false;
    let mut idle_closing = false;
    loop {
        tokio::select! {
            ended = conn.as_mut() => return ended,
            () = stopping(&mut stopped), if !closing => {
                closing = true;
                shutdown(conn.as_mut());
            }
            () = idle_elapsed(&mut idle) => {
                if idle_closing {
                    // Asked to close, and still idle: dropped.
                    return Ok(());
                }
                idle_closing = true;
                if !closing {
                    closing = true;
                    shutdown(conn.as_mut());
                }
            }
        }
    }
}

async fn idle_elapsed(idle: &mut Option<Idle>) {
    match idle {
        Some(idle) => idle.elapsed().await,
        None => std::future::pending().await,
    }
}

/// Returns once the server stops (or is gone).
pub async fn stopping(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}
