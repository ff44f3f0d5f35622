//! The catch-up poll alone (each instance's feed on a Redis channel of its own) brings a
//! revocation to the other instances, even one whose transaction commits late.

use std::time::Duration;

use crate::cluster::{wait_until, Options};
use crate::support::client::refused;
use crate::{live_cluster, PROPAGATION_BOUND};

/// `TESSERA_REVOCATION_POLL_MS` of these instances.
const POLL: Duration = Duration::from_millis(200);

/// How long the revoking statement is kept waiting: longer than any window a time-based poll
/// could re-read behind itself (tessera re-read 2 s), plus two polls.
const LATE: Duration = Duration::from_secs(4);

/// Whether a statement on the cluster's database has waited on a lock for at least `LATE`.
async fn blocked_for_long(db: &sqlx::PgPool) -> bool {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock'
                          AND clock_timestamp() - query_start >= make_interval(secs => $1))",
    )
    .bind(LATE.as_secs_f64())
    .fetch_one(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_revocation_committed_after_a_lock_wait_reaches_the_other_instance_by_the_poll() {
    let opts = Options {
        nodes: 2,
        redis: true,
        isolated_feeds: true,
        poll_ms: Some(POLL.as_millis() as u64),
        ..Options::default()
    };
    let Some(c) = live_cluster(opts).await else {
        return;
    };
    let (a, b) = (&c.nodes[0], &c.nodes[1]);
    let (access, _) = a.login("guest", "guest").await;
    b.validate(&access).await.unwrap();

    // A transaction holds guest's session row, so A's logout commits only when it lets go.
    let db = c.database().await;
    let mut holder = db.begin().await.unwrap();
    sqlx::query("SELECT id FROM sessions WHERE username = 'guest' FOR UPDATE")
        .fetch_all(&mut *holder)
        .await
        .unwrap();
    let client = a.bearer(&access).await;
    let logout = tokio::spawn(async move { client.logout().await });
    let waited = wait_until(LATE * 5, || blocked_for_long(&db)).await;
    assert!(waited.is_some(), "the logout never waited on the held row");
    holder.rollback().await.unwrap();
    logout.await.unwrap().unwrap();

    // Two polls and the propagation bound on a quiet machine; the whole suite running on two
    // cores at once can stretch it, so the test allows four times that before it calls the
    // revocation lost.
    let bound = POLL * 2 + PROPAGATION_BOUND;
    let took = wait_until(bound * 4, || async {
        refused(&b.validate(&access).await) == Some(401)
    })
    .await;
    let took = took.unwrap_or_else(|| panic!("{} still accepts the token", b.url));
    println!(
        "a late revocation reached the other instance by the poll in {took:?} (bound {bound:?})"
    );

    let skew = b.anonymous.health().await.unwrap().clock_skew_ms;
    let skew = skew.expect("/health reports the skew against PostgreSQL");
    assert!(skew.abs() < 1_000, "one machine, one clock: {skew} ms");
    c.finish().await;
}
