//! Scoped tokens across instances: made on one, valid on all, revoked everywhere at once.

use serde_json::json;

use crate::cluster::{wait_until, Options};
use crate::{live_cluster, PROPAGATION_BOUND};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scoped_token_revoked_on_one_instance_is_refused_by_all_within_the_bound() {
    for redis in [false, true] {
        let Some(c) = live_cluster(Options {
            redis,
            ..Options::default()
        })
        .await
        else {
            return;
        };
        let a = &c.nodes[0];
        let (access, _) = a.login("admin", "admin").await;
        let body = json!({"datasets": {"*": ["read"]}, "token_exp": 3600});
        let (status, made) = a
            .post("/auth/token/create-api-token", Some(&access), body)
            .await;
        assert_eq!(status, 200, "{made}");
        let token = made["api_token"].as_str().unwrap();
        for node in &c.nodes {
            assert_eq!(node.validate(token).await, 200, "cached on {}", node.url);
        }
        let id = made["id"].as_str().unwrap();
        let revoked = reqwest::Client::new()
            .delete(a.api(&format!("/auth/tokens/{id}")))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status().as_u16(), 200);
        assert_eq!(a.validate(token).await, 401);
        for node in &c.nodes[1..] {
            let took = wait_until(PROPAGATION_BOUND * 4, || async {
                node.validate(token).await == 401
            })
            .await
            .unwrap_or_else(|| panic!("{} still accepts the revoked token", node.url));
            assert!(took <= PROPAGATION_BOUND, "took {took:?} (redis: {redis})");
        }
        c.finish().await;
    }
}
