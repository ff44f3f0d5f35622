//! Renewed certificates: the files are read again every `TLS_POLL` and on SIGHUP; a changed,
//! good pair is served to new connections, a bad one is logged once and the current
//! certificate stays.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::connection::stopping;
use crate::tls::Certificate;

/// How often the certificate files are compared with what is served.
pub const TLS_POLL: Duration = Duration::from_secs(5);

/// Watches the files (and SIGHUP) until shutdown.
pub fn watch(cert: Arc<Certificate>, mut stopped: watch::Receiver<bool>) -> JoinHandle<()> {
    // Installed before the start returns: a SIGHUP after it never meets the default action
    // (which ends the process).
    let mut hangups = hangups();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(TLS_POLL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        let mut last_problem = None;
        loop {
            let always = tokio::select! {
                _ = ticker.tick() => false,
                Some(()) = next(&mut hangups) => true,
                () = stopping(&mut stopped) => return,
            };
            match cert.reload(always) {
                Ok(true) => {
                    info!("TLS certificate reloaded");
                    last_problem = None;
                }
                Ok(false) => last_problem = None,
                Err(problem) => {
                    // A poll reports a lasting problem once; a SIGHUP always answers.
                    if always || last_problem.as_ref() != Some(&problem) {
                        warn!(%problem, "TLS certificate not reloaded; the current one stays");
                    }
                    last_problem = Some(problem);
                }
            }
        }
    })
}

#[cfg(unix)]
type Hangups = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangups = Option<()>;

fn hangups() -> Hangups {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::hangup()) {
            Ok(s) => Some(s),
            Err(e) => {
                warn!(error = %e, "no SIGHUP handler: the certificate is reloaded by polling only");
                None
            }
        }
    }
    #[cfg(not(unix))]
    None
}

/// The next SIGHUP; never, without a handler.
async fn next(hangups: &mut Hangups) -> Option<()> {
    #[cfg(unix)]
    if let Some(s) = hangups {
        return s.recv().await;
    }
    let _ = hangups;
    std::future::pending().await
}
