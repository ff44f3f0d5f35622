//! Several tessera processes sharing one PostgreSQL database (and Redis). Each test gets its
//! own database; the tests pass without running when `TESSERA_TEST_POSTGRES_URL` (or, for the
//! Redis ones, `TESSERA_TEST_REDIS_URL`) is unset, and CI sets both.

mod apikeys;
mod cluster;
mod late_commit;
mod oauth2;
mod options;
mod outage;
mod passwords;
mod proxy;
mod scoped;
mod sessions;
mod sharing;
mod signing_keys;
#[path = "../support/mod.rs"]
mod support;
mod users;

use std::time::Duration;

/// The bound within which a revocation on one instance must be seen by the others.
pub const PROPAGATION_BOUND: Duration = Duration::from_millis(500);
/// How long an instance may take to notice its feed went down or came back.
pub const FEED_CHANGE: Duration = Duration::from_secs(15);

/// A cluster whose every revocation feed is live, or `None` where the suite does not run.
pub async fn live_cluster(opts: cluster::Options) -> Option<cluster::Cluster> {
    let c = cluster::Cluster::start(opts).await?;
    all_live(&c).await;
    Some(c)
}

/// Runs `test` on a live cluster whose revocations travel by PostgreSQL LISTEN/NOTIFY, then on
/// one using Redis pub/sub (the flag says which), finishing each.
pub async fn on_each_feed(test: impl AsyncFn(&cluster::Cluster, bool)) {
    for redis in [false, true] {
        let opts = cluster::Options {
            redis,
            ..cluster::Options::default()
        };
        let Some(c) = live_cluster(opts).await else {
            return;
        };
        test(&c, redis).await;
        c.finish().await;
    }
}

/// Asserts that every instance but the first refuses a credential (`refused` says whether it
/// does) within [`PROPAGATION_BOUND`].
pub async fn refused_by_the_others_within_bound(
    c: &cluster::Cluster,
    what: &str,
    refused: impl AsyncFn(&cluster::Instance) -> bool,
) {
    for node in &c.nodes[1..] {
        let took = cluster::wait_until(PROPAGATION_BOUND * 4, || refused(node))
            .await
            .unwrap_or_else(|| panic!("{what}: {} still accepts it", node.url));
        println!("revocation propagation ({what}) to {}: {took:?}", node.url);
        assert!(took <= PROPAGATION_BOUND, "{what}: took {took:?}");
    }
}

/// Waits until every node's revocation feed is live.
pub async fn all_live(c: &cluster::Cluster) {
    for node in &c.nodes {
        let live = cluster::wait_until(FEED_CHANGE, || async { node.feed().await == "live" }).await;
        assert!(
            live.is_some(),
            "the revocation feed of {} did not come up",
            node.url
        );
    }
}
