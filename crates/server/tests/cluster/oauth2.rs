//! The OAuth 2.0 endpoints across instances: a client token and a session revoked through
//! `POST /oauth2/revoke` on one instance are refused by all within the bound, and so are the
//! tokens of a client whose secret is replaced.

use tessera_api::clients::CreateClientRequest;
use tessera_client::ClientCredentials;

use crate::cluster::{Cluster, Instance};
use crate::support::client::refused;
use crate::{on_each_feed, refused_by_the_others_within_bound};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_revoked_through_oauth2_revoke_are_refused_by_all_within_the_bound() {
    on_each_feed(async |c: &Cluster, redis: bool| {
        let a = &c.nodes[0];
        let admin = a.client();
        admin.login("admin", "admin").await.unwrap();
        let request = CreateClientRequest {
            name: Some("svc".into()),
            scopes: Some(vec!["read".into()]),
            rights: None,
        };
        let made = admin.create_client(&request).await.unwrap();
        let creds = ClientCredentials::new(&made.client_id, &made.client_secret);
        let issued = a
            .client()
            .client_credentials_token(&creds, None)
            .await
            .unwrap();
        let token = issued.access_token.as_str();
        for node in &c.nodes {
            let valid = node.validate(token).await;
            assert!(valid.is_ok(), "valid on {}: {valid:?}", node.url);
        }
        a.client().revoke(Some(&creds), token).await.unwrap();
        assert_eq!(refused(&a.validate(token).await), Some(401));
        let what = format!("client token revoked (redis: {redis})");
        let gone = async |node: &Instance| refused(&node.validate(token).await) == Some(401);
        refused_by_the_others_within_bound(c, &what, gone).await;

        // A user's access token through the same route: its session ends everywhere.
        let user = a.client();
        user.login("guest", "guest").await.unwrap();
        let access = user.tokens().await.unwrap().access_token;
        for node in &c.nodes {
            assert!(node.validate(&access).await.is_ok());
        }
        a.client().revoke(None, &access).await.unwrap();
        let what = format!("session revoked through /oauth2/revoke (redis: {redis})");
        let gone = async |node: &Instance| refused(&node.validate(&access).await) == Some(401);
        refused_by_the_others_within_bound(c, &what, gone).await;

        // A new secret ends the client's tokens everywhere.
        let other = a
            .client()
            .client_credentials_token(&creds, None)
            .await
            .unwrap();
        let other = other.access_token.as_str();
        for node in &c.nodes {
            assert!(node.validate(other).await.is_ok());
        }
        admin.rotate_client_secret(&made.client_id).await.unwrap();
        let what = format!("client secret replaced (redis: {redis})");
        let gone = async |node: &Instance| refused(&node.validate(other).await) == Some(401);
        refused_by_the_others_within_bound(c, &what, gone).await;
    })
    .await;
}
