//! The OAuth 2.0 endpoints across instances: a client token, a session, a personal token and a
//! resource token revoked through `POST /oauth2/revoke` on one instance are refused by all
//! within the bound, and so are the tokens of a client whose secret is replaced.

use serde_json::json;
use tessera_api::clients::CreateClientRequest;
use tessera_api::tokens::{
    CreateApiTokenRequest, CreateResourceRequest, CreateResourceTokenRequest,
};
use tessera_client::ClientCredentials;

use crate::cluster::{Cluster, Instance};
use crate::support::client::refused;
use crate::{on_each_feed, refused_by_the_others_within_bound};

/// Asserts that `token` is valid on every instance, revokes it through `/oauth2/revoke` on the
/// first (as its holder, or as `client`), and asserts that every instance refuses it, the others
/// within the bound.
async fn revoked_everywhere(
    c: &Cluster,
    client: Option<&ClientCredentials>,
    token: &str,
    what: &str,
) {
    for node in &c.nodes {
        let valid = node.validate(token).await;
        assert!(valid.is_ok(), "{what}: valid on {}: {valid:?}", node.url);
    }
    let a = &c.nodes[0];
    a.client().revoke(client, token).await.unwrap();
    assert_eq!(refused(&a.validate(token).await), Some(401), "{what}");
    let gone = async |node: &Instance| refused(&node.validate(token).await) == Some(401);
    refused_by_the_others_within_bound(c, what, gone).await;
}

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
        let what = format!("client token revoked (redis: {redis})");
        revoked_everywhere(c, Some(&creds), &issued.access_token, &what).await;

        // A user's access token through the same route: its session ends everywhere.
        let (access, _) = a.login("guest", "guest").await;
        let what = format!("session revoked through /oauth2/revoke (redis: {redis})");
        revoked_everywhere(c, None, &access, &what).await;

        // A personal token, presented by its holder.
        let request = CreateApiTokenRequest {
            datasets: Some(json!({"*": ["read"]})),
            token_exp: Some(json!(3600)),
            description: None,
        };
        let personal = admin.create_api_token(&request).await.unwrap().api_token;
        assert!(personal.starts_with("tsr_pat_"), "{personal}");
        let what = format!("personal token revoked through /oauth2/revoke (redis: {redis})");
        revoked_everywhere(c, None, &personal, &what).await;

        // A resource token, presented by a service client.
        let request = CreateResourceRequest {
            name: Some("plugin:shared".into()),
            maintainers: Some(vec!["admin".into()]),
        };
        admin.create_resource(&request).await.unwrap();
        let request = CreateResourceTokenRequest {
            description: Some("CI".into()),
            scopes: Some(json!(["read"])),
            expires_in: None,
        };
        let made_token = admin.create_resource_token("plugin:shared", &request);
        let resource = made_token.await.unwrap().token;
        assert_eq!(
            a.validate(&resource).await.unwrap().kind.as_deref(),
            Some("resource_token")
        );
        let what = format!("resource token revoked through /oauth2/revoke (redis: {redis})");
        revoked_everywhere(c, Some(&creds), &resource, &what).await;

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
