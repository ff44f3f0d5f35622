//! Scoped tokens across instances: made on one, valid on all, revoked everywhere at once.

use serde_json::json;

use crate::cluster::{Cluster, Instance};
use crate::{on_each_feed, refused_by_the_others_within_bound};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scoped_token_revoked_on_one_instance_is_refused_by_all_within_the_bound() {
    on_each_feed(async |c: &Cluster, redis: bool| {
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
        let what = format!("scoped token revoked (redis: {redis})");
        let refused = async |node: &Instance| node.validate(token).await == 401;
        refused_by_the_others_within_bound(c, &what, refused).await;
    })
    .await;
}
