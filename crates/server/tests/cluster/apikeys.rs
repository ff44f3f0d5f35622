//! API-key revocations (by refresh, reuse, revoke-all and `POST /oauth2/revoke`) reach every
//! instance through the feed.

use tessera_api::apikeys::VerifyApiKeyResponse;
use tessera_api::apikeys::{ApiKeyResponse, CreateApiKeyRequest, VerifyApiKeyRequest};
use tessera_api::ErrorCode;
use tessera_client::ClientError;

use crate::cluster::{Cluster, Instance, Options};
use crate::support::client::code;
use crate::support::race::{one_winner, race};
use crate::{live_cluster, on_each_feed, refused_by_the_others_within_bound};

async fn verify(node: &Instance, apikey: &str) -> Result<VerifyApiKeyResponse, ClientError> {
    let request = VerifyApiKeyRequest {
        apikey: Some(apikey.to_string()),
        audience: Some("svc".into()),
        ..VerifyApiKeyRequest::default()
    };
    node.anonymous.verify_apikey(&request).await
}

fn request() -> CreateApiKeyRequest {
    CreateApiKeyRequest {
        audience: Some("svc".into()),
        subject: Some("/data".into()),
        ..CreateApiKeyRequest::default()
    }
}

async fn revoked_everywhere_within_bound(c: &Cluster, apikey: &str, what: &str) {
    refused_by_the_others_within_bound(c, what, async |node: &Instance| {
        code(&verify(node, apikey).await) == Some(ErrorCode::TokenRevoked)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn apikey_revocations_reach_every_instance_within_the_bound() {
    on_each_feed(async |c: &Cluster, _: bool| {
        let a = &c.nodes[0];
        let admin = a.client();
        admin.login("admin", "admin").await.unwrap();
        let k1: ApiKeyResponse = admin.create_apikey(&request()).await.unwrap();
        for node in &c.nodes {
            verify(node, &k1.apikey).await.unwrap();
        }
        let k2 = a.anonymous.refresh_apikey(&k1.refresh_token).await.unwrap();
        revoked_everywhere_within_bound(c, &k1.apikey, "refresh").await;
        for node in &c.nodes {
            verify(node, &k2.apikey).await.unwrap();
        }
        let reused = a.anonymous.refresh_apikey(&k1.refresh_token).await;
        assert_eq!(code(&reused), Some(ErrorCode::RefreshTokenReused));
        revoked_everywhere_within_bound(c, &k2.apikey, "refresh reuse").await;

        let k3 = admin.create_apikey(&request()).await.unwrap();
        admin.revoke_all_apikeys(None).await.unwrap();
        revoked_everywhere_within_bound(c, &k3.apikey, "revoke-all").await;

        // Through POST /oauth2/revoke, with the key's refresh token as the holder's proof.
        let k4 = admin.create_apikey(&request()).await.unwrap();
        for node in &c.nodes {
            verify(node, &k4.apikey).await.unwrap();
        }
        a.client().revoke(None, &k4.refresh_token).await.unwrap();
        revoked_everywhere_within_bound(c, &k4.apikey, "/oauth2/revoke").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_key_refreshes_spread_over_instances_have_one_winner() {
    let Some(c) = live_cluster(Options::default()).await else {
        return;
    };
    let admin = c.nodes[0].client();
    admin.login("admin", "admin").await.unwrap();
    let token = admin.create_apikey(&request()).await.unwrap().refresh_token;
    let results = race(15, |i| {
        let (client, token) = (c.nodes[i % c.nodes.len()].client(), token.clone());
        async move { client.refresh_apikey(&token).await }
    })
    .await;
    let (winner, losers) = one_winner(&results);
    assert!(
        losers
            .iter()
            .all(|e| e.code() == Some(ErrorCode::RefreshTokenReused)),
        "{results:?}"
    );
    revoked_everywhere_within_bound(&c, &winner.apikey, "concurrent").await;
    c.finish().await;
}
