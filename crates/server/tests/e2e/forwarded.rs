//! Who the real server takes the caller to be, behind trusted proxies: the address a key bound
//! to the caller (`bind_ip: true`) is bound to.

use std::sync::Arc;

use serde_json::json;
use tessera_api::apikeys::CreateApiKeyRequest;
use tessera_core::ManualClock;
use tessera_server::Server;
use tokio::net::TcpListener;

use crate::common::{test_config, TestServer, START};

/// The caller's address as the server saw it, through a client whose calls say they were
/// forwarded for `xff` (if given).
async fn seen_as(s: &TestServer, xff: Option<&str>) -> String {
    let (bearer, _) = s.login("admin", "admin").await;
    let client = match xff {
        Some(xff) => s.forwarded_client(xff),
        None => s.client(),
    };
    client.use_token(&bearer).await;
    let request = CreateApiKeyRequest {
        audience: Some("svc".into()),
        subject: Some("/data".into()),
        bind_ip: Some(json!(true)),
        ..CreateApiKeyRequest::default()
    };
    let made = client.create_apikey(&request).await.unwrap();
    let keys = client.list_apikeys().await.unwrap().apikeys;
    let key = keys.into_iter().find(|k| k.id == made.apikey_id).unwrap();
    key.bound_ip.unwrap()
}

#[tokio::test]
async fn the_walk_stops_at_the_first_untrusted_or_unparsable_hop() {
    let s = TestServer::start_with(|c| {
        c.trusted_proxies = vec![
            "127.0.0.0/8".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
    })
    .await;
    for (xff, client) in [
        ("198.51.100.4, 203.0.113.9", "203.0.113.9"),
        ("198.51.100.4, 203.0.113.9, 10.1.2.3", "203.0.113.9"),
        // Skipping the hop that is not an address would believe the client's own entry.
        ("198.51.100.4, garbage, 10.1.2.3", "10.1.2.3"),
        ("198.51.100.4, 203.0.113.9:443", "127.0.0.1"),
        ("198.51.100.4,, 10.1.2.3", "10.1.2.3"),
    ] {
        assert_eq!(seen_as(&s, Some(xff)).await, client, "{xff}");
    }
}

/// A server listening on `[::]` sees an IPv4 caller as `::ffff:127.0.0.1`.
#[tokio::test]
async fn ipv4_mapped_peers_are_their_ipv4_address() {
    let Ok(listener) = TcpListener::bind("[::]:0").await else {
        return; // no IPv6 on this machine
    };
    let port = listener.local_addr().unwrap().port();
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let clock = Arc::new(ManualClock::new(START));
    let mut config = test_config(&dir);
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let server = Server {
        config,
        clock: clock.clone(),
        demo: true,
    };
    let running = server.start_on(listener).await.unwrap();
    let s = TestServer {
        url: format!("http://127.0.0.1:{port}"),
        clock,
        running: Some(running),
        dir,
    };
    assert_eq!(seen_as(&s, None).await, "127.0.0.1");
    assert_eq!(seen_as(&s, Some("203.0.113.9")).await, "203.0.113.9");
    s.stop().await;
}
