//! Start-up: the auth service (see `startup`), the rate limits, the listener and background
//! work; and stopping.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use tessera_core::{Auth, Clock, SystemClock};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::config::Config;
use crate::metrics::Metrics;
use crate::ratelimit::{FailureLimiter, Limits, RateLimiter};
pub use crate::startup::build_auth;
use crate::startup::{feed, seed_users};
use crate::state::{AppState, Shared};
use crate::tls::Certificate;

/// How often the last uses of scoped tokens are written to the store, in one batch.
const TOKEN_USES_FLUSH: Duration = Duration::from_secs(5);

/// How often the live sessions are counted in the store, for the metrics.
const LIVE_SESSIONS_COUNT: Duration = Duration::from_secs(15);

/// How long a stopping server waits for its connections and background work.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A server to start: its configuration, clock and whether to seed the demo users.
pub struct Server {
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub demo: bool,
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    /// Where `/metrics` is served, when `metrics_bind` moved it off `addr`.
    pub metrics_addr: Option<SocketAddr>,
    pub auth: Arc<Auth>,
    /// The first admin's password, when this start created it at random.
    pub initial_admin_password: Option<String>,
    /// The served certificate, over HTTPS.
    tls: Option<Arc<Certificate>>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// `https://ADDR` over TLS, else `http://ADDR`.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Reads the certificate files again now (as SIGHUP does) and serves the pair to new
    /// connections; on an error the current certificate stays. `Ok(false)` without TLS.
    pub fn reload_tls(&self) -> anyhow::Result<bool> {
        match &self.tls {
            Some(cert) => cert.reload(true).map_err(anyhow::Error::msg),
            None => Ok(false),
        }
    }

    /// The leaf certificate served to new connections (DER), over HTTPS.
    pub fn tls_certificate(&self) -> Option<Vec<u8>> {
        self.tls.as_ref().map(|c| c.current().to_vec())
    }

    /// Stops accepting, lets requests in flight finish (for at most `SHUTDOWN_GRACE`), stops
    /// background work, and writes the scoped-token uses not yet recorded.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        // The grace period is real time by design: it bounds how long shutdown waits.
        #[allow(clippy::disallowed_methods)]
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        for task in self.tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                warn!("work still running at shutdown was dropped");
                abort.abort();
            }
        }
        if let Err(e) = self.auth.flush_token_uses().await {
            warn!(error = %e, "token uses not recorded at shutdown");
        }
    }
}

impl Server {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            clock: Arc::new(SystemClock),
            demo: false,
        }
    }

    /// Binds `config.bind` and starts serving.
    pub async fn start(self) -> anyhow::Result<Running> {
        let listener = TcpListener::bind(self.config.bind)
            .await
            .with_context(|| format!("cannot listen on {}", self.config.bind))?;
        self.start_on(listener).await
    }

    pub async fn start_on(self, listener: TcpListener) -> anyhow::Result<Running> {
        self.start_with_routes(listener, Router::new()).await
    }

    /// Starts serving on `listener`, with `extra` routes merged into the API.
    pub async fn start_with_routes(
        self,
        listener: TcpListener,
        extra: Router<AppState>,
    ) -> anyhow::Result<Running> {
        let config = self.config;
        let tls = match config.tls_files() {
            Some(files) => Some(Arc::new(
                Certificate::load(files).map_err(anyhow::Error::msg)?,
            )),
            None => None,
        };
        let acceptor = tls.as_ref().map(|c| c.acceptor()).transpose();
        let acceptor = acceptor.map_err(anyhow::Error::msg)?;
        let auth = build_auth(&config, self.clock.clone()).await?;
        let initial_admin_password = seed_users(&auth, &config, self.demo).await?;
        let redis = match &config.redis_url {
            Some(url) => Some(redis_connection(url).await?),
            None => None,
        };
        let limiter = |name, per_minute| {
            let key = format!("{}:ratelimit:{name}", config.redis_prefix);
            let keys = config.client_keys();
            RateLimiter::new(key, per_minute, self.clock.clone(), keys, redis.clone())
        };
        let metrics = Arc::new(Metrics::new(auth.clone()));
        metrics.count_live_sessions().await;
        let state = AppState::new(Shared {
            metrics: metrics.clone(),
            auth: auth.clone(),
            limits: Limits {
                login: limiter("login", config.rate_login_per_minute),
                register: limiter("register", config.rate_register_per_minute),
                open_register: limiter("open_register", config.rate_open_register_per_minute),
                username_check: limiter("username_check", config.rate_username_check_per_minute),
                failed_lookups: FailureLimiter::new(
                    config.rate_failed_lookups_per_minute,
                    self.clock.clone(),
                    config.client_keys(),
                ),
            },
            trusted_proxies: config.trusted_proxies.clone(),
            web: crate::web::WebState {
                https: tls.is_some(),
                ..Default::default()
            },
            oauth_password_grant: config.oauth_password_grant,
            public_url: config
                .public_url
                .as_deref()
                .and_then(|u| crate::public_url::parse(u).ok())
                .or_else(|| crate::public_url::parse(&config.issuer).ok()),
            issuer_url: crate::public_url::parse(&config.issuer)
                .ok()
                .filter(|u| *u == config.issuer),
        });
        let metrics_listener = match config.metrics_bind {
            Some(at) => Some(
                TcpListener::bind(at)
                    .await
                    .with_context(|| format!("cannot listen on {at} (metrics_bind)"))?,
            ),
            None => None,
        };
        let metrics_app = crate::metrics::app(state.clone());
        let app = crate::app::build(state, &config, extra);
        let addr = listener.local_addr()?;
        let metrics_addr = metrics_listener.as_ref().map(TcpListener::local_addr);
        let metrics_addr = metrics_addr.transpose()?;
        let (shutdown, stopped) = watch::channel(false);
        let stopped_feed = stopped.clone();
        let stopped_flush = stopped.clone();
        let limits = config.connection_limits();
        let log = auth.pii_log().clone();
        let server =
            crate::connections::serve(listener, app, limits, acceptor, stopped.clone(), log);
        let mut tasks = vec![
            server,
            every(
                Duration::from_millis(config.revocation_poll_ms.max(10)),
                stopped.clone(),
                {
                    let auth = auth.clone();
                    move || {
                        let auth = auth.clone();
                        async move {
                            if let Err(e) = auth.sync_revocations().await {
                                warn!(error = %e, "revocation sync failed");
                            }
                        }
                    }
                },
            ),
            every(
                Duration::from_secs(config.purge_interval_seconds.max(1)),
                stopped,
                {
                    let auth = auth.clone();
                    move || {
                        let auth = auth.clone();
                        async move {
                            match auth.purge_expired().await {
                                Ok(n) if n > 0 => info!(sessions = n, "expired sessions purged"),
                                Ok(_) => {}
                                Err(e) => warn!(error = %e, "purge failed"),
                            }
                            match auth.rotate_keys_if_due().await {
                                Ok(Some(key)) => {
                                    info!(kid = %key.kid, "signing key rotated on schedule");
                                }
                                Ok(None) => {}
                                Err(e) => warn!(error = %e, "scheduled key rotation failed"),
                            }
                        }
                    }
                },
            ),
        ];
        tasks.push(every(TOKEN_USES_FLUSH, stopped_flush, {
            let auth = auth.clone();
            move || {
                let auth = auth.clone();
                async move {
                    let _ = auth.flush_token_uses().await;
                }
            }
        }));
        tasks.push(every(LIVE_SESSIONS_COUNT, stopped_feed.clone(), {
            let metrics = metrics.clone();
            move || {
                let metrics = metrics.clone();
                async move { metrics.count_live_sessions().await }
            }
        }));
        if let Some(listener) = metrics_listener {
            let (limits, stopped) = (config.connection_limits(), stopped_feed.clone());
            tasks.push(crate::connections::serve(
                listener,
                metrics_app,
                limits,
                None,
                stopped,
                auth.pii_log().clone(),
            ));
        }
        tasks.extend(feed(&config).listen(auth.clone(), stopped_feed.clone()));
        if let Some(cert) = &tls {
            tasks.push(crate::tls_reload::watch(cert.clone(), stopped_feed));
        }
        info!(%addr, tls = tls.is_some(), "tessera listening");
        if let Some(at) = metrics_addr {
            info!(addr = %at, "metrics served at http://{at}{}", crate::metrics::PATH);
        }
        Ok(Running {
            addr,
            metrics_addr,
            auth,
            initial_admin_password,
            tls,
            shutdown,
            tasks,
        })
    }
}

async fn redis_connection(url: &str) -> anyhow::Result<redis::aio::ConnectionManager> {
    let client = redis::Client::open(url).context("Redis URL")?;
    redis::aio::ConnectionManager::new(client)
        .await
        .context("cannot connect to Redis")
}

/// Runs `work` every `period` until shutdown.
fn every<F, Fut>(period: Duration, mut stopped: watch::Receiver<bool>, work: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            tokio::select! {
                _ = ticker.tick() => work().await,
                changed = stopped.changed() => {
                    if changed.is_err() || *stopped.borrow() {
                        return;
                    }
                }
            }
        }
    })
}
