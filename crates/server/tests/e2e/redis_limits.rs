use std::sync::Arc;

use serde_json::json;
use tessera_server::config::Secret;

use crate::common::{refused, TestServer, START};

fn redis_url() -> Option<String> {
    std::env::var("TESSERA_TEST_REDIS_URL").ok()
}

#[tokio::test]
async fn with_redis_the_login_limit_holds_across_instances() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("tessera-test-{}", tessera_core::secret::random_b64(9));
    let clock = Arc::new(tessera_core::ManualClock::new(START));
    let start = |url: String, prefix: String| {
        let clock = clock.clone();
        async move {
            let dir = Arc::new(tempfile::tempdir().unwrap());
            TestServer::start_in(dir, clock, move |c| {
                c.rate_login_per_minute = 2;
                c.redis_url = Some(url);
                c.redis_prefix = prefix;
                c.jwt_secret_key = Some(Secret::new("one key for every instance of this test"));
            })
            .await
        }
    };
    let a = start(url.clone(), prefix.clone()).await;
    let b = start(url, prefix).await;
    a.client().login("admin", "admin").await.unwrap();
    b.client().login("admin", "admin").await.unwrap();
    // Raw: the exact header.
    let resp = reqwest::Client::new()
        .post(a.api("/auth/login"))
        .json(&json!({"username": "admin", "password": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(
        refused(&b.client().login("admin", "admin").await),
        Some(429)
    );
}
