//! Keys bound to a client address.

use serde_json::json;

use super::{contributor, create_ok, text, verify};
use crate::common::{assert_error, TestServer};

async fn check(s: &TestServer, apikey: &str, ip: Option<&str>) -> (u16, serde_json::Value) {
    let mut body = json!({"apikey": apikey, "audience": "svc"});
    if let Some(ip) = ip {
        body["ip"] = ip.into();
    }
    verify(s, body).await
}

#[tokio::test]
async fn a_key_bound_to_the_caller_holds_only_from_that_address() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let key = text(
        &create_ok(&s, &carol, json!({"bind_ip": true})).await,
        "apikey",
    );
    assert_eq!(check(&s, &key, Some("127.0.0.1")).await.0, 200);
    assert_eq!(check(&s, &key, Some("::ffff:127.0.0.1")).await.0, 200);
    assert_error(
        &check(&s, &key, Some("10.0.0.1")).await,
        401,
        "wrong_address",
    );
    assert_error(&check(&s, &key, None).await, 401, "wrong_address");
    assert_error(
        &check(&s, &key, Some("nowhere")).await,
        401,
        "wrong_address",
    );

    let given = create_ok(&s, &carol, json!({"bind_ip": "2001:db8::7"})).await;
    let given = text(&given, "apikey");
    assert_eq!(check(&s, &given, Some("2001:db8:0::7")).await.0, 200);
    assert_error(
        &check(&s, &given, Some("127.0.0.1")).await,
        401,
        "wrong_address",
    );

    let unbound = text(
        &create_ok(&s, &carol, json!({"bind_ip": false})).await,
        "apikey",
    );
    assert_eq!(check(&s, &unbound, None).await.0, 200);
    assert_eq!(check(&s, &unbound, Some("10.9.9.9")).await.0, 200);
}

#[tokio::test]
async fn the_caller_address_is_read_through_trusted_proxies_only() {
    let s =
        TestServer::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let carol = contributor(&s, "carol").await;
    let forwarded = |xff: &'static str| {
        let (url, carol) = (s.api("/auth/apikeys"), carol.clone());
        async move {
            let resp = reqwest::Client::new()
                .post(url)
                .bearer_auth(carol)
                .header("X-Forwarded-For", xff)
                .json(&json!({"audience": "svc", "subject": "/data", "bind_ip": true}))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 201);
            text(&resp.json().await.unwrap(), "apikey")
        }
    };
    let key = forwarded("198.51.100.4, 203.0.113.9").await;
    assert_eq!(check(&s, &key, Some("203.0.113.9")).await.0, 200);
    assert_error(
        &check(&s, &key, Some("127.0.0.1")).await,
        401,
        "wrong_address",
    );

    // An untrusted peer's X-Forwarded-For is ignored.
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let resp = reqwest::Client::new()
        .post(s.api("/auth/apikeys"))
        .bearer_auth(&carol)
        .header("X-Forwarded-For", "203.0.113.9")
        .json(&json!({"audience": "svc", "subject": "/data", "bind_ip": true}))
        .send()
        .await
        .unwrap();
    let key = text(&resp.json().await.unwrap(), "apikey");
    assert_eq!(check(&s, &key, Some("127.0.0.1")).await.0, 200);
    assert_error(
        &check(&s, &key, Some("203.0.113.9")).await,
        401,
        "wrong_address",
    );
}
