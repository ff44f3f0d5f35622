//! `x-request-id`: a client's id is echoed when it is plain and short enough, replaced otherwise,
//! and made when there is none; every answer carries one, errors included.

use crate::common::TestServer;

async fn id_of(s: &TestServer, path: &str, sent: Option<&str>) -> String {
    let mut req = reqwest::Client::new().get(s.api(path));
    if let Some(id) = sent {
        req = req.header("x-request-id", id);
    }
    let resp = req.send().await.unwrap();
    let ids: Vec<_> = resp.headers().get_all("x-request-id").iter().collect();
    assert_eq!(ids.len(), 1, "one id per answer");
    ids[0].to_str().unwrap().to_string()
}

fn made_by_the_server(id: &str) -> bool {
    id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

#[tokio::test]
async fn a_plain_short_id_is_echoed() {
    let s = TestServer::start().await;
    assert_eq!(
        id_of(&s, "/health", Some("abc-123_X.y")).await,
        "abc-123_X.y"
    );
    let longest = "a".repeat(64);
    assert_eq!(id_of(&s, "/health", Some(&longest)).await, longest);
    // Errors too, and the fallback.
    assert_eq!(id_of(&s, "/nowhere", Some("e-404")).await, "e-404");
    assert_eq!(id_of(&s, "/auth/tokens", Some("e-401")).await, "e-401");
}

#[tokio::test]
async fn without_one_an_id_is_made_for_each_request() {
    let s = TestServer::start().await;
    let a = id_of(&s, "/health", None).await;
    let b = id_of(&s, "/health", None).await;
    assert!(made_by_the_server(&a), "{a}");
    assert!(made_by_the_server(&b), "{b}");
    assert_ne!(a, b);
}

#[tokio::test]
async fn a_malformed_or_too_long_id_is_replaced() {
    let s = TestServer::start().await;
    for bad in ["a b", "semi;colon", "quote\"d", "", "slash/ed"] {
        let got = id_of(&s, "/health", Some(bad)).await;
        assert!(made_by_the_server(&got), "{bad:?} gave {got}");
    }
    let got = id_of(&s, "/health", Some(&"a".repeat(65))).await;
    assert!(made_by_the_server(&got), "{got}");
}

#[tokio::test]
async fn two_ids_are_replaced_by_one() {
    let s = TestServer::start().await;
    let resp = reqwest::Client::new()
        .get(s.api("/health"))
        .header("x-request-id", "first")
        .header("x-request-id", "second")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = resp.headers().get_all("x-request-id").iter().collect();
    assert_eq!(ids.len(), 1);
    assert!(made_by_the_server(ids[0].to_str().unwrap()), "{:?}", ids[0]);
}
