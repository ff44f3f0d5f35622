use serde_json::json;

use crate::cluster::{wait_until, Cluster, Instance, Options};
use crate::support::race::{one_winner, refresh_race};
use crate::PROPAGATION_BOUND;
use crate::{live_cluster, on_each_feed, refused_by_the_others_within_bound};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_from_one_instance_works_on_every_instance() {
    let Some(c) = live_cluster(Options::default()).await else {
        return;
    };
    let (a, b, cc) = (&c.nodes[0], &c.nodes[1], &c.nodes[2]);
    let (access, refresh) = a.login("admin", "admin").await;
    for node in &c.nodes {
        assert_eq!(node.validate(&access).await, 200);
    }
    let (status, body) = b
        .post(
            "/auth/token/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        cc.validate(body["access_token"].as_str().unwrap()).await,
        200
    );
    c.finish().await;
}

async fn rejected_everywhere_within_bound(c: &Cluster, token: &str, what: &str) {
    let refused = async |node: &Instance| node.validate(token).await == 401;
    refused_by_the_others_within_bound(c, what, refused).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revocations_reach_every_instance_within_the_bound() {
    on_each_feed(async |c: &Cluster, _: bool| {
        let a = &c.nodes[0];
        let (access, _) = a.login("admin", "admin").await;
        for node in &c.nodes {
            assert_eq!(node.validate(&access).await, 200);
        }
        assert_eq!(
            a.post("/auth/logout", Some(&access), json!({})).await.0,
            200
        );
        rejected_everywhere_within_bound(c, &access, "logout").await;

        let (_, refresh0) = a.login("admin", "admin").await;
        let (_, body) = a
            .post(
                "/auth/token/refresh",
                None,
                json!({"refresh_token": refresh0}),
            )
            .await;
        let access1 = body["access_token"].as_str().unwrap().to_string();
        for node in &c.nodes {
            assert_eq!(node.validate(&access1).await, 200);
        }
        let reused = a
            .post(
                "/auth/token/refresh",
                None,
                json!({"refresh_token": refresh0}),
            )
            .await;
        assert_eq!(reused.1["code"], "refresh_token_reused");
        rejected_everywhere_within_bound(c, &access1, "refresh reuse").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_refreshes_spread_over_instances_have_one_winner() {
    let Some(c) = live_cluster(Options::default()).await else {
        return;
    };
    let (_, refresh) = c.nodes[0].login("admin", "admin").await;
    let urls = c.urls("/auth/token/refresh");
    let results = refresh_race(&urls, &refresh, 15).await;
    let (winner, losers) = one_winner(&results);
    assert!(losers.iter().all(|r| r.0 == 401), "{results:?}");
    let access = winner["access_token"].as_str().unwrap();
    for node in &c.nodes {
        let gone = wait_until(PROPAGATION_BOUND, || async {
            node.validate(access).await == 401
        })
        .await;
        assert!(
            gone.is_some(),
            "{} still accepts the winner's token",
            node.url
        );
    }
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_login_limit_holds_across_instances() {
    let opts = Options {
        redis: true,
        login_per_minute: 4,
        ..Options::default()
    };
    let Some(c) = live_cluster(opts).await else {
        return;
    };
    let mut statuses = Vec::new();
    for i in 0..7 {
        let node = &c.nodes[i % c.nodes.len()];
        let body = json!({"username": "guest", "password": "guest"});
        statuses.push(node.post("/auth/login", None, body).await.0);
    }
    assert_eq!(statuses, vec![200, 200, 200, 200, 429, 429, 429]);
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_an_instance_loses_nothing() {
    let Some(mut c) = live_cluster(Options::default()).await else {
        return;
    };
    let (_, refresh0) = c.nodes[0].login("admin", "admin").await;
    let (_, body) = c.nodes[0]
        .post(
            "/auth/token/refresh",
            None,
            json!({"refresh_token": refresh0}),
        )
        .await;
    let (access1, refresh1) = (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().unwrap().to_string(),
    );
    c.nodes[0].kill();
    let b = &c.nodes[1];
    assert_eq!(b.validate(&access1).await, 200);
    let reused = b
        .post(
            "/auth/token/refresh",
            None,
            json!({"refresh_token": refresh0}),
        )
        .await;
    assert_eq!(reused.1["code"], "refresh_token_reused", "{}", reused.1);
    assert_eq!(
        b.post(
            "/auth/token/refresh",
            None,
            json!({"refresh_token": refresh1})
        )
        .await
        .0,
        401
    );
    // The reuse revoked the session on B; C hears of it through the feed, within the bound.
    let refused = wait_until(PROPAGATION_BOUND, || async {
        c.nodes[2].validate(&access1).await == 401
    })
    .await;
    assert!(
        refused.is_some(),
        "C still accepts a token of the session B revoked"
    );
    c.finish().await;
}
