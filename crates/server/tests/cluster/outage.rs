use serde_json::json;

use crate::cluster::{wait_until, Options};
use crate::{live_cluster, FEED_CHANGE};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_fails_closed_and_recovers_by_itself() {
    let Some(c) = live_cluster(Options::default()).await else {
        return;
    };
    let (a, b) = (&c.nodes[0], &c.nodes[1]);
    let (revoked, _) = a.login("admin", "admin").await;
    let (kept, _) = a.login("guest", "guest").await;
    assert_eq!(b.validate(&revoked).await, 200);
    assert_eq!(b.validate(&kept).await, 200);

    b.pg.cut();
    let down = wait_until(FEED_CHANGE, || async { b.feed().await == "down" }).await;
    assert!(
        down.is_some(),
        "B did not notice its database connection was cut"
    );
    assert_eq!(
        a.post("/auth/logout", Some(&revoked), json!({})).await.0,
        200
    );
    let (status, body) = b
        .post("/auth/token/validation", Some(&revoked), json!({}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );
    assert_eq!(b.validate(&kept).await, 503);

    b.pg.restore();
    let live = wait_until(FEED_CHANGE, || async { b.feed().await == "live" }).await;
    assert!(live.is_some(), "B did not recover");
    assert_eq!(b.validate(&revoked).await, 401);
    assert_eq!(b.validate(&kept).await, 200);
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_redis_outage_falls_back_to_the_database_and_recovers_by_itself() {
    let opts = Options {
        redis: true,
        ..Options::default()
    };
    let Some(c) = live_cluster(opts).await else {
        return;
    };
    let (a, b) = (&c.nodes[0], &c.nodes[1]);
    let (revoked, _) = a.login("admin", "admin").await;
    let (kept, _) = a.login("guest", "guest").await;
    assert_eq!(b.validate(&revoked).await, 200);

    b.redis.as_ref().unwrap().cut();
    let down = wait_until(FEED_CHANGE, || async { b.feed().await == "down" }).await;
    assert!(
        down.is_some(),
        "B did not notice its Redis connection was cut"
    );
    assert_eq!(
        a.post("/auth/logout", Some(&revoked), json!({})).await.0,
        200
    );
    assert_eq!(b.validate(&revoked).await, 401);
    assert_eq!(b.validate(&kept).await, 200);

    b.redis.as_ref().unwrap().restore();
    let live = wait_until(FEED_CHANGE, || async { b.feed().await == "live" }).await;
    assert!(live.is_some(), "B did not recover");
    assert_eq!(b.validate(&revoked).await, 401);
    assert_eq!(b.validate(&kept).await, 200);
    c.finish().await;
}
