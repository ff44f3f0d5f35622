//! Starting a real tessera on a free port with a manual clock and a temporary data directory.

use std::sync::Arc;

use reqwest::Method;
use serde_json::Value;
use tempfile::TempDir;
use tessera_api::{RefreshResponse, ValidationResponse};
use tessera_client::{Client, ClientError};
use tessera_core::ManualClock;
use tessera_server::{Config, Running, Server};
use tokio::net::TcpListener;

pub use crate::support::client::{assert_refusal, assert_refused, reason, refused};
pub use crate::support::http::{self, assert_error, Answer};

pub const START: i64 = 1_800_000_000;

pub struct TestServer {
    pub url: String,
    pub clock: Arc<ManualClock>,
    pub running: Option<Running>,
    pub dir: Arc<TempDir>,
}

/// Fast Argon2 and no rate limits unless a test asks for them.
pub fn test_config(dir: &TempDir) -> Config {
    Config {
        data_dir: dir.path().to_path_buf(),
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        argon2_parallelism: 1,
        rate_login_per_minute: 0,
        rate_register_per_minute: 0,
        rate_username_check_per_minute: 0,
        rate_failed_lookups_per_minute: 0,
        ..Config::default()
    }
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Self::start_in(dir, Arc::new(ManualClock::new(START)), tweak).await
    }

    /// Starts on an existing data directory and clock (to test restarts).
    pub async fn start_in(
        dir: Arc<TempDir>,
        clock: Arc<ManualClock>,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = test_config(&dir);
        tweak(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server {
            config,
            clock: clock.clone(),
            demo: true,
        };
        let running = server.start_on(listener).await.unwrap();
        Self {
            url: running.url(),
            clock,
            running: Some(running),
            dir,
        }
    }

    pub async fn stop(mut self) -> (Arc<TempDir>, Arc<ManualClock>) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        (self.dir.clone(), self.clock.clone())
    }

    pub fn client(&self) -> Client {
        Client::new(&self.url)
    }

    /// A client whose every call says it was forwarded for `xff` (`X-Forwarded-For`).
    pub fn forwarded_client(&self, xff: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", xff.parse().unwrap());
        let http = reqwest::Client::builder().default_headers(headers);
        Client::with_http(&self.url, http.build().unwrap())
    }

    pub async fn admin(&self) -> Client {
        let c = self.client();
        c.login("admin", "admin").await.unwrap();
        c
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.url)
    }

    /// A raw POST with an optional bearer and JSON body: (status, body).
    pub async fn post(&self, path: &str, bearer: Option<&str>, body: Option<Value>) -> Answer {
        http::send(Method::POST, &self.api(path), bearer, body.as_ref()).await
    }

    /// A client authenticated by `token`, as it is (never refreshed).
    pub async fn bearer(&self, token: &str) -> Client {
        let client = self.client();
        client.use_token(token).await;
        client
    }

    /// Validates a token as a service does, through the client.
    pub async fn validate(&self, token: &str) -> Result<ValidationResponse, ClientError> {
        self.client().validate_token(token, None).await
    }

    /// Spends a refresh token through the client.
    pub async fn refresh(&self, refresh_token: &str) -> Result<RefreshResponse, ClientError> {
        self.client().refresh_token(refresh_token).await
    }

    /// Logs in through the client: (access, refresh).
    pub async fn login(&self, username: &str, password: &str) -> (String, String) {
        let client = self.client();
        if let Err(e) = client.login(username, password).await {
            panic!("login of {username}: {e}");
        }
        let tokens = client.tokens().await.unwrap();
        (tokens.access_token, tokens.refresh_token)
    }
}
