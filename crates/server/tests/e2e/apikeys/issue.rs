//! Creating keys and verifying them for their audience, subject and time window.

use serde_json::json;
use tessera_api::apikeys::{CreateApiKeyRequest, VerifyApiKeyRequest};
use tessera_core::iso8601;

use super::{check, contributor, create, create_ok, svc, verify, verify_key};
use crate::common::{assert_error, assert_refused, reason, TestServer, START};

#[tokio::test]
async fn a_contributor_gets_a_key_that_verifies_for_its_audience_and_subject() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let body = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            api_version: Some(json!(2)),
            ..svc()
        },
    )
    .await;
    assert_eq!(body.message, "API key generated successfully");
    assert_eq!(body.expires, iso8601::format(START + 900));
    assert_eq!(body.refresh_token_expires, iso8601::format(START + 86_400));
    assert!(body.refresh_token.starts_with("tsr_ak_"));
    let apikey = &body.apikey;

    let ok = verify_key(&s, apikey).await.unwrap();
    assert!(ok.valid);
    assert_eq!(ok.message, "API key verification successful");
    assert_eq!(
        (ok.user.username.as_str(), ok.user.fullname.as_str()),
        ("carol", "carol")
    );
    assert_eq!(
        (ok.audience.as_str(), ok.subject.as_str()),
        ("svc", "/data")
    );
    assert_eq!(ok.api_version, "2");
    assert_eq!(ok.expires, body.expires);
    assert_eq!(ok.apikey_id, body.apikey_id);
    // Without a subject to match, any subject holds.
    check(&s, apikey, None, None).await.unwrap();

    let service = s.client();
    let other_audience = VerifyApiKeyRequest {
        apikey: Some(apikey.clone()),
        audience: Some("other".into()),
        subject: Some("/data".into()),
        ip: None,
    };
    let got = service.verify_apikey(&other_audience).await;
    assert_refused(&got, 401, "wrong_audience");
    let got = check(&s, apikey, Some("/admin"), None).await;
    assert_refused(&got, 401, "wrong_subject");
    // The subject is not a user: a key for subject "carol" does not name her.
    let named = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            subject: Some("admin".into()),
            ..svc()
        },
    )
    .await;
    let ok = check(&s, &named.apikey, None, None).await.unwrap();
    assert_eq!(
        (ok.user.username.as_str(), ok.subject.as_str()),
        ("carol", "admin")
    );
}

#[tokio::test]
async fn readers_and_strangers_may_not_create_keys() {
    let s = TestServer::start().await;
    let (guest, _) = s.login("guest", "guest").await;
    let body = json!({"audience": "svc", "subject": "/data"});
    let refused = s.bearer(&guest).await.create_apikey(&svc()).await;
    assert_refused(&refused, 403, "forbidden");
    let none = s.post("/auth/apikeys", None, Some(body.clone())).await;
    assert_error(&none, 401, "missing_token");
    let (admin, _) = s.login("admin", "admin").await;
    // The exact status, raw.
    assert_eq!(create(&s, &admin, body).await.0, 201);
}

#[tokio::test]
async fn malformed_requests_are_400() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    for body in [
        json!({"subject": "/data"}),
        json!({"audience": "svc"}),
        json!({"audience": " ", "subject": "/data"}),
        json!({"audience": "svc", "subject": "/data", "api_version": [1]}),
        json!({"audience": "svc", "subject": "/data", "bind_ip": "not-an-address"}),
        json!({"audience": "svc", "subject": "/data", "expires_in": 0}),
        json!({"audience": "svc", "subject": "/data", "expires_in": "soon"}),
        json!({"audience": "svc", "subject": "/data", "not_before": 900}),
        json!({"audience": "svc", "subject": "/data", "refresh_expires_in": 86_401}),
    ] {
        assert_error(&create(&s, &carol, body).await, 400, "bad_request");
    }
    let missing_audience = verify(&s, json!({"apikey": "x"})).await;
    assert_error(&missing_audience, 400, "bad_request");
    let missing_key = verify(&s, json!({"audience": "svc"})).await;
    assert_error(&missing_key, 401, "missing_token");
}

#[tokio::test]
async fn lifetimes_are_bounded_by_the_configured_maximum() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let too_long = CreateApiKeyRequest {
        expires_in: Some(901),
        ..svc()
    };
    let carols = s.bearer(&carol).await;
    assert_refused(&carols.create_apikey(&too_long).await, 400, "bad_request");
    let body = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            expires_in: Some(900),
            ..svc()
        },
    )
    .await;
    assert_eq!(body.expires, iso8601::format(START + 900));

    let s = TestServer::start_with(|c| {
        c.apikey_max_seconds = 60;
        c.apikey_default_seconds = 30;
        c.apikey_refresh_seconds = 600;
    })
    .await;
    let carol = contributor(&s, "carol").await;
    let too_long = CreateApiKeyRequest {
        expires_in: Some(61),
        ..svc()
    };
    let carols = s.bearer(&carol).await;
    assert_refused(&carols.create_apikey(&too_long).await, 400, "bad_request");
    let body = create_ok(&s, &carol, svc()).await;
    assert_eq!(body.expires, iso8601::format(START + 30));
    assert_eq!(body.refresh_token_expires, iso8601::format(START + 600));
}

#[tokio::test]
async fn keys_expire_and_are_not_valid_before_their_time() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let body = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            expires_in: Some(120),
            not_before: Some(30),
            ..svc()
        },
    )
    .await;
    let apikey = body.apikey;
    let early = verify_key(&s, &apikey).await;
    assert_refused(&early, 401, "token_not_yet_valid");
    let expected = format!("not valid before {}", iso8601::format(START + 30));
    assert!(reason(&early).contains(&expected), "{early:?}");
    s.clock.advance(30);
    verify_key(&s, &apikey).await.unwrap();
    // Expired once past `exp` and the 5 s leeway.
    s.clock.advance(90 + 4);
    verify_key(&s, &apikey).await.unwrap();
    s.clock.advance(1);
    assert_refused(&verify_key(&s, &apikey).await, 401, "token_expired");
}
