//! Scoped tokens across instances: made on one, valid on all, revoked everywhere at once.

use serde_json::json;
use tessera_api::tokens::CreateApiTokenRequest;

use crate::cluster::{Cluster, Instance};
use crate::support::client::refused;
use crate::{on_each_feed, refused_by_the_others_within_bound};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scoped_token_revoked_on_one_instance_is_refused_by_all_within_the_bound() {
    on_each_feed(async |c: &Cluster, redis: bool| {
        let a = &c.nodes[0];
        let admin = a.client();
        admin.login("admin", "admin").await.unwrap();
        let request = CreateApiTokenRequest {
            datasets: Some(json!({"*": ["read"]})),
            token_exp: Some(json!(3600)),
            description: None,
        };
        let made = admin.create_api_token(&request).await.unwrap();
        let token = made.api_token.as_str();
        for node in &c.nodes {
            let valid = node.validate(token).await;
            assert!(valid.is_ok(), "cached on {}: {valid:?}", node.url);
        }
        admin.revoke_token(&made.id).await.unwrap();
        assert_eq!(refused(&a.validate(token).await), Some(401));
        let what = format!("scoped token revoked (redis: {redis})");
        let refused = async |node: &Instance| refused(&node.validate(token).await) == Some(401);
        refused_by_the_others_within_bound(c, &what, refused).await;
    })
    .await;
}
