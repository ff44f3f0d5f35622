//! The log of a request: its lines carry its id and route template, never its query string;
//! an access line ends it; users and client addresses are named by a keyed hash unless
//! `log_pii`. A server in-process, its tracing output captured (a test binary of its own, as
//! the subscriber is global; its tests tell their lines apart by request id).

mod access;
mod pii;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use tessera_core::ManualClock;
use tessera_server::{Config, Running, Server};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines_with(&self, needle: &str) -> Vec<String> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| l.contains(needle))
            .map(str::to_string)
            .collect()
    }
}

/// The log of this test binary, captured from its first call on.
fn log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        // The access lines as the binary writes them: to the log's writer, not through tracing.
        let access = log.clone();
        tessera_server::access_log::install(move || access.clone());
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("info,tower_http=debug"))
            .with_ansi(false)
            .event_format(tessera_server::log_format::LineFormat)
            .with_writer(move || writer.clone())
            .init();
        log
    })
}

/// A demo server (admin/admin) on a free port, its log captured.
async fn start(tweak: impl FnOnce(&mut Config)) -> (Running, tempfile::TempDir) {
    log();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        argon2_parallelism: 1,
        rate_login_per_minute: 0,
        rate_username_check_per_minute: 0,
        ..Config::default()
    };
    tweak(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server {
        config,
        clock: Arc::new(ManualClock::new(1_800_000_000)),
        demo: true,
    };
    (server.start_on(listener).await.unwrap(), dir)
}

#[tokio::test]
async fn log_lines_carry_the_request_id_and_route_but_not_the_query() {
    let (running, _dir) = start(|_| {}).await;
    let log = log();
    let api = format!("http://{}/api/v1", running.addr);
    let http = reqwest::Client::new();

    // A line the handler writes itself.
    let resp = http
        .post(format!("{api}/auth/login"))
        .header("x-request-id", "req-login-1")
        .json(&serde_json::json!({"username": "admin", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let lines: Vec<String> = log
        .lines_with("login failed: wrong password")
        .into_iter()
        .filter(|l| l.contains("req-login-1"))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("request_id=req-login-1"), "{}", lines[0]);
    assert!(
        lines[0].contains("route=/api/v1/auth/login"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("method=POST"), "{}", lines[0]);

    // A request with a query string: its lines name the route, never the query.
    let resp = http
        .get(format!("{api}/auth/login?username=secret-looking-name"))
        .header("x-request-id", "req-check-2")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let lines = log.lines_with("req-check-2");
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.contains("route=/api/v1/auth/login"), "{line}");
    }
    assert!(log.lines_with("secret-looking-name").is_empty());

    // A route with a parameter is logged by its template.
    let resp = http
        .delete(format!("{api}/auth/tokens/some-token-id"))
        .header("x-request-id", "req-param-3")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let lines = log.lines_with("req-param-3");
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.contains("route=/api/v1/auth/tokens/{id}"), "{line}");
        assert!(!line.contains("some-token-id"), "{line}");
    }
    running.stop().await;
}
