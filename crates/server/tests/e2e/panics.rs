//! A handler that panics gets the API's 500, and the server carries on.

use std::sync::Arc;

use axum::routing::post;
use axum::Router;
use tessera_core::ManualClock;
use tessera_server::Server;
use tokio::net::TcpListener;

use crate::common::{assert_error, http, test_config, TestServer, START};

#[tokio::test]
async fn a_panicking_handler_answers_500_json_and_the_server_carries_on() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let clock = Arc::new(ManualClock::new(START));
    let server = Server {
        config: test_config(&dir),
        clock: clock.clone(),
        demo: true,
    };
    // An injected fault: a route whose handler panics.
    let faulty = Router::new().route(
        "/api/v1/test/panic",
        post(|| async { panic!("injected fault") as &'static str }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running = server.start_with_routes(listener, faulty).await.unwrap();
    let s = TestServer {
        url: format!("http://{}", running.addr),
        clock,
        running: Some(running),
        dir,
    };
    for _ in 0..3 {
        let request = reqwest::Client::new().post(s.api("/test/panic"));
        let (status, headers, body) = http::send_request(request).await;
        assert_error(&(status, body.clone()), 500, "internal_error");
        assert!(!body.to_string().contains("injected"), "{body}");
        assert!(headers.contains_key("x-request-id"));
        assert_eq!(headers["cache-control"], "no-store");
    }
    let (access, _) = s.login("admin", "admin").await;
    s.validate(&access).await.unwrap();
    s.stop().await;
}
