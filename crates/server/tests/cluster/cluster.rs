//! Several `tessera serve` processes on one PostgreSQL database (and Redis), each reaching
//! them through its own cuttable proxy.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;
use tessera_api::ValidationResponse;
use tessera_client::{Client, ClientError};

pub use crate::options::Options;
use crate::proxy::Proxy;

pub struct Instance {
    child: Child,
    pub url: String,
    /// A client with no credential, for calls that need none.
    pub anonymous: Client,
    pub pg: Proxy,
    pub redis: Option<Proxy>,
    _dir: tempfile::TempDir,
}

pub struct Cluster {
    pub nodes: Vec<Instance>,
    admin_url: String,
    database: String,
    /// The settings of a command run on the cluster's database (directly, not through a proxy).
    cli_env: Vec<(String, String)>,
}

fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn host_port(url: &str, default_port: u16) -> SocketAddr {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let hostport = rest.split('/').next().unwrap();
    let hostport = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:{default_port}")
    };
    hostport.replace("localhost", "127.0.0.1").parse().unwrap()
}

impl Cluster {
    /// Starts the cluster on a fresh database, or `None` when PostgreSQL (or Redis, if asked
    /// for) is not configured for tests.
    pub async fn start(opts: Options) -> Option<Self> {
        let admin_url = env_url("TESSERA_TEST_POSTGRES_URL")?;
        let redis_url = if opts.redis {
            Some(env_url("TESSERA_TEST_REDIS_URL")?)
        } else {
            None
        };
        let suffix = tessera_core::secret::random_b64(9)
            .to_lowercase()
            .replace(['-', '_'], "x");
        let database = format!("tessera_cluster_{suffix}");
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {database}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let pg_target = host_port(&admin_url, 5432);
        let user = admin_url
            .split_once("://")
            .unwrap()
            .1
            .rsplit_once('@')
            .map_or("postgres", |(u, _)| u)
            .to_string();
        let shared = vec![
            (
                "JWT_SECRET_KEY".to_string(),
                format!("hex:{}", "ab".repeat(64)),
            ),
            ("TESSERA_KEY_ENCRYPTION_KEY".into(), "cd".repeat(32)),
        ];
        let mut cli_env = shared.clone();
        cli_env.push((
            "TESSERA_DATABASE_URL".into(),
            format!("postgres://{user}@{pg_target}/{database}"),
        ));
        if let Some(url) = &redis_url {
            cli_env.push(("TESSERA_REDIS_URL".into(), url.clone()));
            cli_env.push(("TESSERA_REDIS_PREFIX".into(), database.clone()));
        }
        cli_env.extend(opts.env.iter().cloned());
        let mut nodes = Vec::new();
        for i in 0..opts.nodes {
            let pg = Proxy::start(pg_target).await;
            let redis = match &redis_url {
                Some(url) => Some(Proxy::start(host_port(url, 6379)).await),
                None => None,
            };
            let mut env = vec![
                (
                    "TESSERA_DATABASE_URL".to_string(),
                    format!("postgres://{user}@{}/{database}", pg.addr),
                ),
                ("TESSERA_ARGON2_MEMORY_KIB".into(), "1024".into()),
                ("TESSERA_ARGON2_ITERATIONS".into(), "1".into()),
                (
                    "TESSERA_RATE_LOGIN_PER_MINUTE".into(),
                    opts.login_per_minute.to_string(),
                ),
                ("TESSERA_RATE_REGISTER_PER_MINUTE".into(), "0".into()),
                ("TESSERA_RATE_USERNAME_CHECK_PER_MINUTE".into(), "0".into()),
                ("TESSERA_LOG".into(), "error".into()),
            ];
            if let Some(proxy) = &redis {
                env.push((
                    "TESSERA_REDIS_URL".into(),
                    format!("redis://{}", proxy.addr),
                ));
                let prefix = if opts.isolated_feeds {
                    format!("{database}_{i}")
                } else {
                    database.clone()
                };
                env.push(("TESSERA_REDIS_PREFIX".into(), prefix));
            }
            if let Some(ms) = opts.poll_ms {
                env.push(("TESSERA_REVOCATION_POLL_MS".into(), ms.to_string()));
            }
            env.extend(shared.iter().cloned());
            env.extend(opts.env.iter().cloned());
            nodes.push(Instance::start(env, pg, redis));
        }
        Some(Self {
            nodes,
            admin_url,
            database,
            cli_env,
        })
    }

    /// Runs `tessera <args>` on the cluster's database, as an operator would beside the
    /// running instances; its output (it must succeed).
    pub fn cli(&self, args: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(args)
            .env("TESSERA_DATA_DIR", dir.path())
            .envs(self.cli_env.iter().cloned())
            .env("TESSERA_LOG", "error")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "tessera {args:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// `path` under `/api/v1` on every instance.
    pub fn urls(&self, path: &str) -> Vec<String> {
        self.nodes.iter().map(|node| node.api(path)).collect()
    }

    /// A pool of connections to the cluster's database, for a test to act on it directly.
    pub async fn database(&self) -> sqlx::PgPool {
        let (server, _) = self.admin_url.rsplit_once('/').unwrap();
        sqlx::PgPool::connect(&format!("{server}/{}", self.database))
            .await
            .unwrap()
    }

    /// Drops the cluster's database.
    pub async fn finish(mut self) {
        for node in &mut self.nodes {
            node.kill();
        }
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
            let _ = sqlx::raw_sql(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.database
            ))
            .execute(&mut admin)
            .await;
        }
    }
}

/// A failing test unwinds through here, so it leaves no `tessera serve` process behind.
impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

impl Instance {
    fn start(env: Vec<(String, String)>, pg: Proxy, redis: Option<Proxy>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .envs(env)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("tessera exited before listening")
                .unwrap();
            if let Some(addr) = line.strip_prefix("tessera listening on ") {
                break addr.trim().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Self {
            anonymous: Client::new(&url),
            child,
            url,
            pg,
            redis,
            _dir: dir,
        }
    }

    /// Kills the process and reaps it (again harmlessly if it is already gone).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.url)
    }

    /// A client of this instance with no credential.
    pub fn client(&self) -> Client {
        Client::new(&self.url)
    }

    /// A client of this instance authenticated by `token`, as it is.
    pub async fn bearer(&self, token: &str) -> Client {
        let client = self.client();
        client.use_token(token).await;
        client
    }

    /// Logs in through the client: (access, refresh).
    pub async fn login(&self, user: &str, password: &str) -> (String, String) {
        let client = self.client();
        client.login(user, password).await.unwrap();
        let tokens = client.tokens().await.unwrap();
        (tokens.access_token, tokens.refresh_token)
    }

    pub async fn validate(&self, token: &str) -> Result<ValidationResponse, ClientError> {
        self.anonymous.validate_token(token, None).await
    }

    pub async fn feed(&self) -> String {
        let health = self.anonymous.health().await.unwrap();
        health.revocation_feed.unwrap_or_default()
    }
}

/// Polls until `check` holds, for at most `limit`; returns how long it took.
pub async fn wait_until<F, Fut>(limit: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    // Separate server processes propagate a revocation in real time; no injected clock reaches them.
    #[allow(clippy::disallowed_methods)]
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::task::yield_now().await;
    }
    None
}
