//! Revocation propagation between instances: PostgreSQL LISTEN/NOTIFY, or Redis pub/sub when
//! Redis is configured. A single instance on SQLite needs neither.
//!
//! A listener marks the feed live only after it has subscribed and re-read the revocations it
//! may have missed; while it is down, validation asks the store (and fails closed without it).
//!
//! The feed is fast, not complete: a publish that fails is only logged, and pub/sub drops what
//! is sent while a connection is re-made. The catch-up poll of the store's revocation log
//! (`Auth::sync_revocations`, every `revocation_poll_ms`) reads every revocation, so those
//! losses delay a revocation by at most one poll.

mod postgres;
mod redis;

use std::sync::Arc;
use std::time::Duration;

use tessera_core::feed::RevocationPublisher;
use tessera_core::Auth;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{info, warn};

/// Which feed this instance uses. No `Debug`: the URLs may hold passwords.
#[derive(Clone, PartialEq, Eq)]
pub enum Feed {
    None,
    Postgres(String),
    Redis { url: String, channel: String },
}

impl Feed {
    /// Redis when configured, else PostgreSQL when the store is on it.
    pub fn choose(database_url: &str, redis_url: Option<&str>, redis_prefix: &str) -> Self {
        if let Some(url) = redis_url {
            return Feed::Redis {
                url: url.to_string(),
                channel: format!("{redis_prefix}:revocations"),
            };
        }
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            return Feed::Postgres(database_url.to_string());
        }
        Feed::None
    }

    pub async fn publisher(&self) -> Result<Option<Arc<dyn RevocationPublisher>>, String> {
        Ok(match self {
            Feed::None => None,
            Feed::Postgres(url) => Some(Arc::new(postgres::Publisher::new(url)?)),
            Feed::Redis { url, channel } => {
                Some(Arc::new(redis::Publisher::new(url, channel).await?))
            }
        })
    }

    /// Starts the listener; the feed counts as down until it has connected once.
    pub fn listen(
        &self,
        auth: Arc<Auth>,
        stopped: watch::Receiver<bool>,
    ) -> Option<JoinHandle<()>> {
        let feed = self.clone();
        if feed == Feed::None {
            return None;
        }
        auth.set_feed_live(false);
        Some(tokio::spawn(async move {
            let mut backoff = Duration::from_millis(50);
            loop {
                let result = match &feed {
                    Feed::Postgres(url) => postgres::listen(url, &auth, stopped.clone()).await,
                    Feed::Redis { url, channel } => {
                        redis::listen(url, channel, &auth, stopped.clone()).await
                    }
                    Feed::None => return,
                };
                auth.set_feed_live(false);
                if *stopped.borrow() {
                    return;
                }
                match result {
                    Ok(()) => backoff = Duration::from_millis(50),
                    Err(e) => {
                        warn!(error = %e, "revocation feed down; validation reads the store until it is back");
                    }
                }
                let mut stop = stopped.clone();
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        }))
    }
}

/// Once subscribed: catch up from the store, then go live.
async fn connected(auth: &Auth, what: &str) -> Result<(), String> {
    let missed = auth
        .sync_revocations()
        .await
        .map_err(|e| format!("cannot catch up on revocations: {e}"))?;
    auth.set_feed_live(true);
    info!(feed = what, caught_up = missed, "revocation feed live");
    Ok(())
}
