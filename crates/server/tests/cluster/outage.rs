use crate::cluster::{wait_until, Options};
use crate::support::client::{assert_refused, refused};
use crate::{live_cluster, FEED_CHANGE};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_fails_closed_and_recovers_by_itself() {
    let Some(c) = live_cluster(Options::default()).await else {
        return;
    };
    let (a, b) = (&c.nodes[0], &c.nodes[1]);
    let (revoked, _) = a.login("admin", "admin").await;
    let (kept, _) = a.login("guest", "guest").await;
    b.validate(&revoked).await.unwrap();
    b.validate(&kept).await.unwrap();

    b.pg.cut();
    let down = wait_until(FEED_CHANGE, || async { b.feed().await == "down" }).await;
    assert!(
        down.is_some(),
        "B did not notice its database connection was cut"
    );
    a.bearer(&revoked).await.logout().await.unwrap();
    assert_refused(&b.validate(&revoked).await, 503, "unavailable");
    assert_eq!(refused(&b.validate(&kept).await), Some(503));

    b.pg.restore();
    let live = wait_until(FEED_CHANGE, || async { b.feed().await == "live" }).await;
    assert!(live.is_some(), "B did not recover");
    assert_eq!(refused(&b.validate(&revoked).await), Some(401));
    b.validate(&kept).await.unwrap();
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
    b.validate(&revoked).await.unwrap();

    b.redis.as_ref().unwrap().cut();
    let down = wait_until(FEED_CHANGE, || async { b.feed().await == "down" }).await;
    assert!(
        down.is_some(),
        "B did not notice its Redis connection was cut"
    );
    a.bearer(&revoked).await.logout().await.unwrap();
    assert_eq!(refused(&b.validate(&revoked).await), Some(401));
    b.validate(&kept).await.unwrap();

    b.redis.as_ref().unwrap().restore();
    let live = wait_until(FEED_CHANGE, || async { b.feed().await == "live" }).await;
    assert!(live.is_some(), "B did not recover");
    assert_eq!(refused(&b.validate(&revoked).await), Some(401));
    b.validate(&kept).await.unwrap();
    c.finish().await;
}
