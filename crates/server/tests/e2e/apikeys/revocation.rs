//! Where verification learns of revocations: the in-memory set while the feed is live (a
//! revocation written to the store by someone else is seen at the next catch-up), the store
//! while it is down; and a key that outlives what the set remembers.

use serde_json::json;
use tessera_api::apikeys::{CreateApiKeyRequest, VerifyApiKeyRequest};
use tessera_core::store::ApiKeyRevokeReason;

use super::{contributor, create_ok, svc, verify_key};
use crate::common::{assert_refused, reason, TestServer, START};

#[tokio::test]
async fn verification_reads_memory_while_the_feed_is_live_and_the_store_while_it_is_down() {
    let s = TestServer::start_with(|c| c.revocation_poll_ms = 3_600_000).await;
    let carol = contributor(&s, "carol").await;
    let auth = s.running.as_ref().unwrap().auth.clone();
    let k1 = create_ok(&s, &carol, svc()).await;
    let k2 = create_ok(&s, &carol, svc()).await;
    let revoke_elsewhere = |id: String| {
        let store = auth.store().clone();
        async move {
            let revoked = store
                .revoke_apikey_chain(&id, START, ApiKeyRevokeReason::Revoked)
                .await
                .unwrap();
            revoked == [id]
        }
    };

    // As another instance would: in the store only, no message on the feed.
    assert!(revoke_elsewhere(k1.apikey_id).await);
    verify_key(&s, &k1.apikey).await.unwrap();
    assert!(auth.sync_revocations().await.unwrap() >= 1);
    assert_refused(&verify_key(&s, &k1.apikey).await, 401, "token_revoked");

    auth.set_feed_live(false);
    assert!(revoke_elsewhere(k2.apikey_id).await);
    assert_refused(&verify_key(&s, &k2.apikey).await, 401, "token_revoked");
    auth.set_feed_live(true);
    assert_refused(&verify_key(&s, &k2.apikey).await, 401, "token_revoked");
}

#[tokio::test]
async fn a_revoked_key_stays_refused_after_the_longest_lifetime_is_lowered() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let key = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            expires_in: Some(900),
            ..svc()
        },
    )
    .await;
    let path = key.apikey_id.clone();
    s.bearer(&carol).await.revoke_apikey(&path).await.unwrap();

    // Restarted with a shorter maximum: the revocation set keeps ids for 300 s only, while
    // the key itself runs for another 500.
    let (dir, clock) = s.stop().await;
    clock.advance(400);
    let s = TestServer::start_in(dir, clock, |c| {
        c.apikey_max_seconds = 300;
        c.apikey_default_seconds = 300;
    })
    .await;
    let got = verify_key(&s, &key.apikey).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("lifetime"), "{got:?}");
    let (carol, _) = s.login("carol", "ochre-harbour-lantern").await;
    let short = create_ok(&s, &carol, svc()).await;
    verify_key(&s, &short.apikey).await.unwrap();
}

#[tokio::test]
async fn what_a_key_is_bound_to_is_checked_before_the_store_is_asked() {
    let s = TestServer::start_with(|c| c.revocation_poll_ms = 3_600_000).await;
    let carol = contributor(&s, "carol").await;
    let auth = s.running.as_ref().unwrap().auth.clone();
    let key = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            bind_ip: Some(json!("10.0.0.7")),
            ..svc()
        },
    )
    .await;
    let apikey = key.apikey;
    let store = auth.store().clone();
    let id = key.apikey_id;
    let revoked = store
        .revoke_apikey_chain(&id, START, ApiKeyRevokeReason::Revoked)
        .await
        .unwrap();
    assert_eq!(revoked, [id]);

    auth.set_feed_live(false);
    let request = |audience: &str, subject: Option<&str>, ip: &str| VerifyApiKeyRequest {
        apikey: Some(apikey.clone()),
        audience: Some(audience.into()),
        subject: subject.map(str::to_string),
        ip: Some(ip.into()),
    };
    let wrong = [
        (request("other", None, "10.0.0.7"), "wrong_audience"),
        (request("svc", Some("/else"), "10.0.0.7"), "wrong_subject"),
        (request("svc", None, "10.0.0.8"), "wrong_address"),
    ];
    let service = s.client();
    for (request, code) in wrong {
        assert_refused(&service.verify_apikey(&request).await, 401, code);
    }
    // None of them read the store: had one, the revocation would be in the set by now.
    auth.set_feed_live(true);
    let right = request("svc", None, "10.0.0.7");
    service.verify_apikey(&right).await.unwrap();
    auth.set_feed_live(false);
    let refused = service.verify_apikey(&right).await;
    assert_refused(&refused, 401, "token_revoked");
}
