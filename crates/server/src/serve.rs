//! Start-up: data directory, store, signing key, users, background work, the listener.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use axum::Router;
use tessera_core::jwt::JwtCodec;
use tessera_core::keys::SigningKey;
use tessera_core::password::PasswordPool;
use tessera_core::{Auth, Clock, Error, Role, SystemClock};
use tessera_store::SqliteOptions;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::config::Config;
use crate::feed::Feed;
use crate::ratelimit::{FailureLimiter, Limits, RateLimiter};
use crate::state::AppState;

/// How often the last uses of scoped tokens are written to the store, in one batch.
const TOKEN_USES_FLUSH: Duration = Duration::from_secs(5);

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
    pub auth: Arc<Auth>,
    /// The first admin's password, when this start created it at random.
    pub initial_admin_password: Option<String>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
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

/// Opens the store and builds the auth service a configuration describes.
pub async fn build_auth(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Arc<Auth>> {
    let problems = config.problems();
    if !problems.is_empty() {
        bail!(problems.join("; "));
    }
    let settings = config.auth_settings().map_err(anyhow::Error::msg)?;
    create_data_dir(config)?;
    crate::private_files::tighten(config)?;
    let sqlite = SqliteOptions {
        write_queue: config.sqlite_write_queue,
    };
    let store = tessera_store::open_with(&config.database_url(), sqlite)
        .await
        .context("cannot open the database")?;
    if config.jwt_secret_key.is_none() && feed(config) != Feed::None {
        bail!(
            "several instances must sign with one key: set JWT_SECRET_KEY (or JWT_SECRET_KEY_FILE) \
             when the database is PostgreSQL or Redis is configured"
        );
    }
    let key = match &config.jwt_secret_key {
        Some(secret) => SigningKey::from_setting(secret.expose()).context("JWT_SECRET_KEY")?,
        None => crate::keyfile::load_or_create(&config.data_dir)?,
    };
    let jwt = JwtCodec::new(&key, &config.issuer, &config.audience, settings.leeway);
    let pool = PasswordPool::new(
        config.hash_params(),
        config.hash_workers(),
        config.hash_queue,
    )
    .context("Argon2 parameters")?;
    let mut auth = Auth::new(store, clock, pool, jwt, settings)
        .with_apikey_settings(config.apikey_settings().map_err(anyhow::Error::msg)?);
    if let Some(publisher) = feed(config).publisher().await.map_err(anyhow::Error::msg)? {
        auth = auth.with_publisher(publisher);
    }
    let auth = Arc::new(auth);
    auth.sync_revocations()
        .await
        .context("cannot load revocations")?;
    Ok(auth)
}

fn feed(config: &Config) -> Feed {
    Feed::choose(
        &config.database_url(),
        config.redis_url.as_deref(),
        &config.redis_prefix,
    )
}

fn create_data_dir(config: &Config) -> anyhow::Result<()> {
    if config.database_url.is_some() && config.jwt_secret_key.is_some() {
        return Ok(());
    }
    let dir = &config.data_dir;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))
}

/// Creates the demo users, or on an empty database the first admin. Returns a generated
/// admin password, to be shown once.
async fn seed_users(auth: &Auth, config: &Config, demo: bool) -> anyhow::Result<Option<String>> {
    let tolerate = |r: Result<_, Error>| match r {
        Ok(_) | Err(Error::Conflict(_)) => Ok(()),
        Err(e) => Err(anyhow!(e).context("cannot create a user")),
    };
    if demo {
        tolerate(
            auth.create_user("admin", "Demo Admin", "admin", Role::Admin, true)
                .await,
        )?;
        tolerate(
            auth.create_user("guest", "Demo Guest", "guest", Role::Reader, true)
                .await,
        )?;
        return Ok(None);
    }
    if auth.store().count_users().await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.expose().to_string(), false),
        None => (tessera_core::secret::random_b64(18), true),
    };
    auth.create_user("admin", "Administrator", &password, Role::Admin, false)
        .await
        .context("cannot create the admin user")?;
    Ok(generated.then_some(password))
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
        let state = AppState {
            auth: auth.clone(),
            limits: Arc::new(Limits {
                login: limiter("login", config.rate_login_per_minute),
                register: limiter("register", config.rate_register_per_minute),
                username_check: limiter("username_check", config.rate_username_check_per_minute),
                failed_lookups: FailureLimiter::new(
                    config.rate_failed_lookups_per_minute,
                    self.clock.clone(),
                    config.client_keys(),
                ),
            }),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        };
        let app = crate::app::build(state, &config, extra);
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = watch::channel(false);
        let stopped_feed = stopped.clone();
        let stopped_flush = stopped.clone();
        let server =
            crate::connections::serve(listener, app, config.connection_limits(), stopped.clone());
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
        tasks.extend(feed(&config).listen(auth.clone(), stopped_feed));
        info!(%addr, "tessera listening");
        Ok(Running {
            addr,
            auth,
            initial_admin_password,
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
