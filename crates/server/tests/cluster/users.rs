//! Deleting a user across instances: their sessions and personal tokens are refused by every
//! instance within the bound.

use serde_json::json;
use tessera_api::tokens::CreateApiTokenRequest;
use tessera_api::users::CreateUserRequest;

use crate::cluster::{Cluster, Instance};
use crate::support::client::refused;
use crate::{on_each_feed, refused_by_the_others_within_bound};

const STRONG: &str = "ochre harbour lantern";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deletion_on_one_instance_is_refused_by_all_within_the_bound() {
    on_each_feed(async |c: &Cluster, redis: bool| {
        let (a, b) = (&c.nodes[0], &c.nodes[1]);
        let admin = a.client();
        admin.login("admin", "admin").await.unwrap();
        let new = CreateUserRequest {
            username: Some("gina".into()),
            fullname: Some("Gina".into()),
            role: Some("contributor".into()),
            password: Some(STRONG.into()),
        };
        admin.create_user(&new).await.unwrap();
        let gina = b.client();
        gina.login("gina", STRONG).await.unwrap();
        let session = gina.tokens().await.unwrap().access_token;
        let personal = gina
            .create_api_token(&CreateApiTokenRequest {
                datasets: Some(json!({"*": ["read"]})),
                token_exp: Some(json!(3600)),
                description: None,
            })
            .await
            .unwrap()
            .api_token;
        for node in &c.nodes {
            node.validate(&session).await.unwrap();
            node.validate(&personal).await.unwrap();
        }
        admin.delete_user("gina", None).await.unwrap();
        for (token, kind) in [(&session, "session"), (&personal, "personal token")] {
            assert_eq!(refused(&a.validate(token).await), Some(401), "{kind}");
            let what = format!("deleted user's {kind} (redis: {redis})");
            let gone = async |node: &Instance| refused(&node.validate(token).await) == Some(401);
            refused_by_the_others_within_bound(c, &what, gone).await;
        }
    })
    .await;
}
