//! API-key revocations reach every instance through the feed.

use serde_json::{json, Value};

use crate::cluster::{Cluster, Instance, Options};
use crate::support::race::{one_winner, refresh_race};
use crate::{live_cluster, on_each_feed, refused_by_the_others_within_bound};

async fn verify(node: &Instance, apikey: &str) -> (u16, Value) {
    node.post(
        "/auth/apikeys/verify",
        None,
        json!({"apikey": apikey, "audience": "svc"}),
    )
    .await
}

fn text(body: &Value, key: &str) -> String {
    body[key].as_str().unwrap().to_string()
}

async fn revoked_everywhere_within_bound(c: &Cluster, apikey: &str, what: &str) {
    refused_by_the_others_within_bound(c, what, async |node: &Instance| {
        verify(node, apikey).await.1["code"] == "token_revoked"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn apikey_revocations_reach_every_instance_within_the_bound() {
    on_each_feed(async |c: &Cluster, _: bool| {
        let a = &c.nodes[0];
        let (admin, _) = a.login("admin", "admin").await;
        let request = json!({"audience": "svc", "subject": "/data"});
        let (status, k1) = a.post("/auth/apikeys", Some(&admin), request.clone()).await;
        assert_eq!(status, 201, "{k1}");
        for node in &c.nodes {
            assert_eq!(verify(node, &text(&k1, "apikey")).await.0, 200);
        }
        let refresh = |token: String| {
            a.post(
                "/auth/apikeys/refresh",
                None,
                json!({ "refresh_token": token }),
            )
        };
        let (status, k2) = refresh(text(&k1, "refresh_token")).await;
        assert_eq!(status, 200, "{k2}");
        revoked_everywhere_within_bound(c, &text(&k1, "apikey"), "refresh").await;
        for node in &c.nodes {
            assert_eq!(verify(node, &text(&k2, "apikey")).await.0, 200);
        }
        let reused = refresh(text(&k1, "refresh_token")).await;
        assert_eq!(reused.1["code"], "refresh_token_reused");
        revoked_everywhere_within_bound(c, &text(&k2, "apikey"), "refresh reuse").await;

        let (_, k3) = a.post("/auth/apikeys", Some(&admin), request).await;
        let (status, _) = a
            .post("/auth/apikeys/revoke-all", Some(&admin), json!({}))
            .await;
        assert_eq!(status, 200);
        revoked_everywhere_within_bound(c, &text(&k3, "apikey"), "revoke-all").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_key_refreshes_spread_over_instances_have_one_winner() {
    let Some(c) = live_cluster(Options::default()).await else {
        return;
    };
    let (admin, _) = c.nodes[0].login("admin", "admin").await;
    let request = json!({"audience": "svc", "subject": "/data"});
    let (_, key) = c.nodes[0]
        .post("/auth/apikeys", Some(&admin), request)
        .await;
    let token = text(&key, "refresh_token");
    let results = refresh_race(&c.urls("/auth/apikeys/refresh"), &token, 15).await;
    let (winner, losers) = one_winner(&results);
    assert!(
        losers.iter().all(|r| r.1["code"] == "refresh_token_reused"),
        "{results:?}"
    );
    revoked_everywhere_within_bound(&c, &text(winner, "apikey"), "concurrent").await;
    c.finish().await;
}
