//! What the real server checks and repairs when it starts.

use std::sync::Arc;

use tessera_core::ManualClock;
use tessera_server::config::Secret;
use tessera_server::Server;
use tokio::net::TcpListener;

use crate::common::{test_config, TestServer, START};

/// Starts on a fresh data directory with `tweak`: the start's error, if any.
async fn start_error(tweak: impl FnOnce(&mut tessera_server::Config)) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    tweak(&mut config);
    let server = Server {
        config,
        clock: Arc::new(ManualClock::new(START)),
        demo: true,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    match server.start_on(listener).await {
        Ok(running) => {
            running.stop().await;
            None
        }
        Err(e) => Some(format!("{e:#}")),
    }
}

#[tokio::test]
async fn a_short_or_example_passphrase_stops_the_start() {
    let err = start_error(|c| c.jwt_secret_key = Some(Secret::new("too short"))).await;
    let err = err.expect("a short passphrase was accepted");
    assert!(err.contains("at least 32 characters"), "{err}");
    assert!(!err.contains("too short"), "{err}");
    let example = "a long passphrase shared by every instance";
    let err = start_error(|c| c.jwt_secret_key = Some(Secret::new(example))).await;
    assert!(err
        .expect("the example was accepted")
        .contains("example passphrase"));
    let long = "thirty-two characters, or longer";
    assert_eq!(
        start_error(|c| c.jwt_secret_key = Some(Secret::new(long))).await,
        None
    );
}

#[tokio::test]
async fn any_origin_is_allowed_without_credentials() {
    let s = TestServer::start_with(|c| c.cors_origins = vec!["*".into()]).await;
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, s.api("/auth/login"))
        .header("origin", "https://anywhere.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(!headers.contains_key("access-control-allow-credentials"));
    let answer = reqwest::Client::new()
        .get(s.api("/health"))
        .header("origin", "https://anywhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["access-control-allow-origin"], "*");
    // Mixed with named origins it is refused, with a reason.
    let err = start_error(|c| c.cors_origins = vec!["*".into(), "https://a.example".into()]).await;
    assert!(err.unwrap().contains("must be the only entry"));
}

#[cfg(unix)]
#[tokio::test]
async fn loose_permissions_of_existing_files_are_tightened_at_start() {
    use std::os::unix::fs::PermissionsExt;

    let s = TestServer::start().await;
    let (dir, clock) = s.stop().await;
    let data = dir.path().to_path_buf();
    let files = [
        (data.clone(), 0o755, 0o700),
        (data.join("tessera.db"), 0o644, 0o600),
        (data.join("tessera.db-wal"), 0o666, 0o600),
        (data.join("tessera.db-shm"), 0o644, 0o600),
        (data.join("jwt-signing.key"), 0o644, 0o600),
    ];
    for (path, loose, _) in &files {
        if !path.exists() {
            std::fs::write(path, b"").unwrap();
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(*loose)).unwrap();
    }
    let s = TestServer::start_in(dir, clock, |_| {}).await;
    for (path, _, private) in &files {
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, *private, "{}", path.display());
    }
    s.client().login("admin", "admin").await.unwrap();
}
