use std::sync::Arc;

use serde_json::json;
use tessera_core::ManualClock;
use tessera_server::config::Secret;

use crate::common::TestServer;

fn redis_url() -> Option<String> {
    std::env::var("TESSERA_TEST_REDIS_URL").ok()
}

/// A start time in a minute no other run uses, so Redis windows do not collide.
fn fresh_minute() -> i64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64;
    1_900_000_000 + (nanos % 1_000_000_000) * 60
}

#[tokio::test]
async fn with_redis_the_login_limit_holds_across_instances() {
    let Some(url) = redis_url() else { return };
    let clock = Arc::new(ManualClock::new(fresh_minute()));
    let start = |clock: Arc<ManualClock>, url: String| async move {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        TestServer::start_in(dir, clock, move |c| {
            c.rate_login_per_minute = 2;
            c.redis_url = Some(url);
            c.jwt_secret_key = Some(Secret::new("one key for every instance"));
        })
        .await
    };
    let a = start(clock.clone(), url.clone()).await;
    let b = start(clock.clone(), url).await;
    let body = || Some(json!({"username": "admin", "password": "admin"}));
    assert_eq!(a.post("/auth/login", None, body()).await.0, 200);
    assert_eq!(b.post("/auth/login", None, body()).await.0, 200);
    let third = a.post("/auth/login", None, body()).await;
    assert_eq!(third.0, 429, "{}", third.1);
    assert_eq!(b.post("/auth/login", None, body()).await.0, 429);
    clock.advance(60);
    assert_eq!(b.post("/auth/login", None, body()).await.0, 200);
}
