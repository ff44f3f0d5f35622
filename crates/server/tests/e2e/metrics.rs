//! `GET /metrics`: the counters move with what the server did, labelled by route template and
//! fixed names only (never a username, an address or a token); with `metrics_bind` they are
//! served on that listener alone.

use serde_json::json;

use crate::common::TestServer;

/// The Prometheus text of `url`, checking its content type.
async fn scrape(url: &str) -> String {
    let resp = reqwest::get(format!("{url}/metrics")).await.unwrap();
    assert_eq!(resp.status(), 200);
    let kind = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    resp.text().await.unwrap()
}

/// The value of the sample `series` (name and labels, exactly as written), if present.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.parse().unwrap())
}

fn assert_value(text: &str, series: &str, expected: f64) {
    assert_eq!(value(text, series), Some(expected), "{series} in\n{text}");
}

/// Every label value of every sample.
fn label_values(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (Some(open), Some(close)) = (line.find('{'), line.rfind('}')) else {
            continue;
        };
        for pair in line[open + 1..close].split("\",") {
            let (_, v) = pair.split_once("=\"").expect("name=\"value\"");
            values.push(v.trim_end_matches('"').to_string());
        }
    }
    values
}

#[tokio::test]
async fn counters_move_with_logins_validations_and_refreshes() {
    let s = TestServer::start_with(|c| c.refresh_reuse_grace_seconds = 0).await;
    let wrong = s
        .post(
            "/auth/login",
            None,
            Some(json!({"username": "admin", "password": "wrong"})),
        )
        .await;
    assert_eq!(wrong.0, 401);
    let (access, refresh) = s.login("admin", "admin").await;
    // Verified in full twice (kept the second time), then found.
    for _ in 0..3 {
        s.validate(&access).await.unwrap();
    }
    let next = s.refresh(&refresh).await.unwrap();
    assert!(s.refresh(&refresh).await.is_err(), "a spent refresh token");
    let lookup = reqwest::get(s.api("/auth/login?username=admin"))
        .await
        .unwrap();
    assert_eq!(lookup.status(), 200);
    let nowhere = reqwest::get(s.api("/nowhere/admin")).await.unwrap();
    assert_eq!(nowhere.status(), 404);

    let text = scrape(&s.url).await;
    assert_value(&text, "tessera_logins_total{outcome=\"success\"}", 1.0);
    assert_value(
        &text,
        "tessera_logins_total{outcome=\"invalid_credentials\"}",
        1.0,
    );
    let login = "method=\"POST\",route=\"/api/v1/auth/login\"";
    assert_value(
        &text,
        &format!("tessera_http_requests_total{{{login},status=\"200\"}}"),
        1.0,
    );
    assert_value(
        &text,
        &format!("tessera_http_requests_total{{{login},status=\"401\"}}"),
        1.0,
    );
    let validation = "method=\"POST\",route=\"/api/v1/auth/token/validation\",status=\"200\"";
    assert_value(
        &text,
        &format!("tessera_http_requests_total{{{validation}}}"),
        3.0,
    );
    assert_value(
        &text,
        &format!("tessera_http_request_duration_seconds_count{{{validation}}}"),
        3.0,
    );
    assert_value(
        &text,
        &format!("tessera_http_request_duration_seconds_bucket{{{validation},le=\"+Inf\"}}"),
        3.0,
    );
    assert_value(
        &text,
        "tessera_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}",
        1.0,
    );
    assert_value(
        &text,
        "tessera_refreshes_total{kind=\"session\",outcome=\"rotated\"}",
        1.0,
    );
    assert_value(
        &text,
        "tessera_refreshes_total{kind=\"session\",outcome=\"reused\"}",
        1.0,
    );
    assert_value(
        &text,
        "tessera_refresh_reuse_detected_total{kind=\"session\"}",
        1.0,
    );
    assert_value(
        &text,
        "tessera_cache_hits_total{cache=\"verified_tokens\"}",
        1.0,
    );
    assert_value(
        &text,
        "tessera_cache_misses_total{cache=\"verified_tokens\"}",
        2.0,
    );
    assert_value(&text, "tessera_revocation_feed_connected", 1.0);
    assert!(value(&text, "tessera_live_sessions").is_some(), "{text}");
    assert!(
        value(&text, "tessera_argon2_queue_wait_seconds_count").unwrap() >= 2.0,
        "{text}"
    );
    assert!(
        text.contains(
            "tessera_store_operation_duration_seconds_count{operation=\"rotate_refresh\"}"
        ),
        "{text}"
    );

    let secrets = [
        "admin",
        "127.0.0.1",
        access.as_str(),
        refresh.as_str(),
        next.access_token.as_str(),
        next.refresh_token.as_str(),
    ];
    for label in label_values(&text) {
        for secret in secrets {
            assert!(!label.contains(secret), "label {label:?} holds {secret:?}");
        }
    }
}

#[tokio::test]
async fn with_metrics_bind_only_the_metrics_listener_serves_them() {
    let s = TestServer::start_with(|c| c.metrics_bind = Some(([127, 0, 0, 1], 0).into())).await;
    let metrics_addr = s.running.as_ref().unwrap().metrics_addr.unwrap();
    assert_ne!(s.url, format!("http://{metrics_addr}"));
    let health = reqwest::get(s.api("/health")).await.unwrap();
    assert_eq!(health.status(), 200);

    let main = reqwest::get(format!("{}/metrics", s.url)).await.unwrap();
    assert_eq!(main.status(), 404);
    let text = scrape(&format!("http://{metrics_addr}")).await;
    assert_value(
        &text,
        "tessera_http_requests_total{method=\"GET\",route=\"/api/v1/health\",status=\"200\"}",
        1.0,
    );
    assert_value(
        &text,
        "tessera_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}",
        1.0,
    );
    let elsewhere = reqwest::get(format!("http://{metrics_addr}/api/v1/health"))
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
}
