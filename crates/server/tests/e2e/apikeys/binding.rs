//! Keys bound to a client address.

use serde_json::json;
use tessera_api::apikeys::{CreateApiKeyRequest, VerifyApiKeyResponse};
use tessera_client::ClientError;

use super::{contributor, create_ok, svc};
use crate::common::{assert_refused, TestServer};

/// Verifies for audience `svc`, any subject, presented from `ip`.
async fn check(
    s: &TestServer,
    apikey: &str,
    ip: Option<&str>,
) -> Result<VerifyApiKeyResponse, ClientError> {
    super::check(s, apikey, None, ip).await
}

/// Creates a key bound to the caller, through a client whose calls say they were forwarded.
async fn forwarded(s: &TestServer, bearer: &str, xff: &str) -> String {
    let client = s.forwarded_client(xff);
    client.use_token(bearer).await;
    let request = CreateApiKeyRequest {
        bind_ip: Some(json!(true)),
        ..svc()
    };
    client.create_apikey(&request).await.unwrap().apikey
}

#[tokio::test]
async fn a_key_bound_to_the_caller_holds_only_from_that_address() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let key = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            bind_ip: Some(json!(true)),
            ..svc()
        },
    )
    .await
    .apikey;
    check(&s, &key, Some("127.0.0.1")).await.unwrap();
    check(&s, &key, Some("::ffff:127.0.0.1")).await.unwrap();
    assert_refused(
        &check(&s, &key, Some("10.0.0.1")).await,
        401,
        "wrong_address",
    );
    assert_refused(&check(&s, &key, None).await, 401, "wrong_address");
    assert_refused(
        &check(&s, &key, Some("nowhere")).await,
        401,
        "wrong_address",
    );

    let given = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            bind_ip: Some(json!("2001:db8::7")),
            ..svc()
        },
    )
    .await;
    let given = given.apikey;
    check(&s, &given, Some("2001:db8:0::7")).await.unwrap();
    assert_refused(
        &check(&s, &given, Some("127.0.0.1")).await,
        401,
        "wrong_address",
    );

    let unbound = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            bind_ip: Some(json!(false)),
            ..svc()
        },
    )
    .await
    .apikey;
    check(&s, &unbound, None).await.unwrap();
    check(&s, &unbound, Some("10.9.9.9")).await.unwrap();
}

#[tokio::test]
async fn the_caller_address_is_read_through_trusted_proxies_only() {
    let s =
        TestServer::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let carol = contributor(&s, "carol").await;
    let key = forwarded(&s, &carol, "198.51.100.4, 203.0.113.9").await;
    check(&s, &key, Some("203.0.113.9")).await.unwrap();
    assert_refused(
        &check(&s, &key, Some("127.0.0.1")).await,
        401,
        "wrong_address",
    );

    // An untrusted peer's X-Forwarded-For is ignored.
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let key = forwarded(&s, &carol, "203.0.113.9").await;
    check(&s, &key, Some("127.0.0.1")).await.unwrap();
    assert_refused(
        &check(&s, &key, Some("203.0.113.9")).await,
        401,
        "wrong_address",
    );
}
