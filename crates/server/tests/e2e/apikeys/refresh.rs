//! Refreshing keys: rotation, after expiry, not before its time, reuse revoking the chain, one
//! winner among concurrent refreshes.

use serde_json::json;
use tessera_api::apikeys::CreateApiKeyRequest;
use tessera_core::iso8601;

use super::{check, contributor, create_ok, refresh, svc, verify_key};
use crate::common::{assert_refusal, assert_refused, reason, TestServer, START};
use crate::support::race::{one_winner, race};

#[tokio::test]
async fn refresh_works_after_the_key_expired_and_keeps_its_bindings() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let first = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            expires_in: Some(60),
            bind_ip: Some(json!("10.0.0.7")),
            api_version: Some(json!("v3")),
            ..svc()
        },
    )
    .await;
    s.clock.advance(600);
    assert_refused(&verify_key(&s, &first.apikey).await, 401, "token_expired");

    let second = refresh(&s, &first.refresh_token).await.unwrap();
    assert_eq!(second.message, "API key refreshed successfully");
    assert_ne!(second.apikey_id, first.apikey_id);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.expires, iso8601::format(START + 600 + 60));
    assert_eq!(
        second.refresh_token_expires,
        iso8601::format(START + 600 + 86_400)
    );
    let key = second.apikey;
    let ok = check(&s, &key, Some("/data"), Some("10.0.0.7")).await;
    assert_eq!(ok.unwrap().api_version, "v3");
    assert_refused(&verify_key(&s, &key).await, 401, "wrong_address");
}

#[tokio::test]
async fn refresh_revokes_the_old_key_and_reuse_revokes_the_whole_chain() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let k1 = create_ok(&s, &carol, svc()).await;
    let unrelated = create_ok(&s, &carol, svc()).await;
    let k2 = refresh(&s, &k1.refresh_token).await.unwrap();
    assert_refused(&verify_key(&s, &k1.apikey).await, 401, "token_revoked");
    let k3 = refresh(&s, &k2.refresh_token).await.unwrap();
    assert_refused(&verify_key(&s, &k2.apikey).await, 401, "token_revoked");
    verify_key(&s, &k3.apikey).await.unwrap();

    let reused = refresh(&s, &k1.refresh_token).await;
    assert_refused(&reused, 401, "refresh_token_reused");
    assert!(reason(&reused).starts_with("Invalid or expired refresh token: "));
    assert_refused(&verify_key(&s, &k3.apikey).await, 401, "token_revoked");
    assert_refused(&refresh(&s, &k3.refresh_token).await, 401, "token_revoked");
    verify_key(&s, &unrelated.apikey).await.unwrap();

    // The revocations are in the store: a restarted server still refuses them.
    let (dir, clock) = s.stop().await;
    let s = TestServer::start_in(dir, clock, |_| {}).await;
    for key in [&k1, &k2, &k3] {
        assert_refused(&verify_key(&s, &key.apikey).await, 401, "token_revoked");
    }
    verify_key(&s, &unrelated.apikey).await.unwrap();
}

#[tokio::test]
async fn refresh_is_refused_before_refresh_not_before_and_after_expiry() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let body = CreateApiKeyRequest {
        refresh_not_before: Some(300),
        refresh_expires_in: Some(3600),
        ..svc()
    };
    let key = create_ok(&s, &carol, body).await;
    let token = key.refresh_token;
    assert_refused(&refresh(&s, &token).await, 401, "token_not_yet_valid");
    s.clock.advance(300);
    let next = refresh(&s, &token).await.unwrap();
    // The successor has the same delay and lifetime, from its own creation.
    let token = next.refresh_token;
    assert_refused(&refresh(&s, &token).await, 401, "token_not_yet_valid");
    s.clock.advance(3600);
    assert_refused(&refresh(&s, &token).await, 401, "token_expired");
    assert_refused(
        &refresh(&s, "tsr_ak_0123456789012345678901234567890123456789abc").await,
        401,
        "invalid_token",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_refreshes_of_one_token_have_exactly_one_winner() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let token = create_ok(&s, &carol, svc()).await.refresh_token;
    let results = race(16, |_| {
        let (client, token) = (s.client(), token.clone());
        async move { client.refresh_apikey(&token).await }
    })
    .await;
    let (winner, losers) = one_winner(&results);
    for loser in losers {
        assert_refusal(loser, 401, "refresh_token_reused");
    }
    // The losers were reuse: the winner's key went with its chain.
    assert_refused(&verify_key(&s, &winner.apikey).await, 401, "token_revoked");
    assert_refused(
        &refresh(&s, &winner.refresh_token).await,
        401,
        "token_revoked",
    );
}
