use tessera_client::Client;

use crate::cluster::{wait_until, Cluster, Instance, Options};
use crate::support::client::{code, refused};
use crate::support::race::{one_winner, race};
use crate::PROPAGATION_BOUND;
use crate::{live_cluster, on_each_feed, refused_by_the_others_within_bound};
use tessera_api::ErrorCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_from_one_instance_works_on_every_instance() {
    let Some(c) = live_cluster(Options::default()).await else {
        return;
    };
    let (a, b, cc) = (&c.nodes[0], &c.nodes[1], &c.nodes[2]);
    let (access, refresh) = a.login("admin", "admin").await;
    for node in &c.nodes {
        node.validate(&access).await.unwrap();
    }
    let fresh = b.anonymous.refresh_token(&refresh).await.unwrap();
    cc.validate(&fresh.access_token).await.unwrap();
    c.finish().await;
}

async fn rejected_everywhere_within_bound(c: &Cluster, token: &str, what: &str) {
    let refused = async |node: &Instance| refused(&node.validate(token).await) == Some(401);
    refused_by_the_others_within_bound(c, what, refused).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revocations_reach_every_instance_within_the_bound() {
    on_each_feed(async |c: &Cluster, _: bool| {
        let a = &c.nodes[0];
        let (access, _) = a.login("admin", "admin").await;
        for node in &c.nodes {
            node.validate(&access).await.unwrap();
        }
        a.bearer(&access).await.logout().await.unwrap();
        rejected_everywhere_within_bound(c, &access, "logout").await;

        let (_, refresh0) = a.login("admin", "admin").await;
        let access1 = a
            .anonymous
            .refresh_token(&refresh0)
            .await
            .unwrap()
            .access_token;
        for node in &c.nodes {
            node.validate(&access1).await.unwrap();
        }
        let reused = a.anonymous.refresh_token(&refresh0).await;
        assert_eq!(code(&reused), Some(ErrorCode::RefreshTokenReused));
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
    let results = race(15, |i| {
        let (client, refresh) = (c.nodes[i % c.nodes.len()].client(), refresh.clone());
        async move { client.refresh_token(&refresh).await }
    })
    .await;
    let (winner, losers) = one_winner(&results);
    assert!(
        losers.iter().all(|e| e.status() == Some(401)),
        "{results:?}"
    );
    let access = &winner.access_token;
    for node in &c.nodes {
        let gone = wait_until(PROPAGATION_BOUND, || async {
            refused(&node.validate(access).await) == Some(401)
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
    let mut refusals = Vec::new();
    for i in 0..7 {
        let client: Client = c.nodes[i % c.nodes.len()].client();
        refusals.push(refused(&client.login("guest", "guest").await));
    }
    let limited = Some(429);
    assert_eq!(
        refusals,
        vec![None, None, None, None, limited, limited, limited]
    );
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_an_instance_loses_nothing() {
    let Some(mut c) = live_cluster(Options::default()).await else {
        return;
    };
    let (_, refresh0) = c.nodes[0].login("admin", "admin").await;
    let fresh = c.nodes[0].anonymous.refresh_token(&refresh0).await.unwrap();
    let (access1, refresh1) = (fresh.access_token, fresh.refresh_token);
    c.nodes[0].kill();
    let b = &c.nodes[1];
    b.validate(&access1).await.unwrap();
    let reused = b.anonymous.refresh_token(&refresh0).await;
    assert_eq!(
        code(&reused),
        Some(ErrorCode::RefreshTokenReused),
        "{reused:?}"
    );
    assert_eq!(
        refused(&b.anonymous.refresh_token(&refresh1).await),
        Some(401)
    );
    // The reuse revoked the session on B; C hears of it through the feed, within the bound.
    let refused = wait_until(PROPAGATION_BOUND, || async {
        refused(&c.nodes[2].validate(&access1).await) == Some(401)
    })
    .await;
    assert!(
        refused.is_some(),
        "C still accepts a token of the session B revoked"
    );
    c.finish().await;
}
