//! Revoking a key by an id its holder has since refreshed away, and refreshes of a user
//! disabled by another instance.

use reqwest::Method;
use serde_json::json;

use super::{contributor, create_ok, refresh, send, text, verify_key};
use crate::common::{assert_error, TestServer, START};

#[tokio::test]
async fn revoking_a_replaced_id_revokes_the_live_successor() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let k1 = create_ok(&s, &carol, json!({})).await;
    let other = create_ok(&s, &carol, json!({})).await;
    let (_, listed) = send(&s, Method::GET, "/auth/apikeys", &carol).await;
    assert!(listed.to_string().contains(&text(&k1, "apikey_id")));
    // The holder refreshes twice after the id was listed.
    let (_, k2) = refresh(&s, &text(&k1, "refresh_token")).await;
    let (status, k3) = refresh(&s, &text(&k2, "refresh_token")).await;
    assert_eq!(status, 200, "{k3}");
    let path = format!("/auth/apikeys/{}", text(&k1, "apikey_id"));

    assert_error(
        &send(&s, Method::DELETE, &path, &dave).await,
        404,
        "not_found",
    );
    assert_eq!(verify_key(&s, &text(&k3, "apikey")).await.0, 200);
    let (status, body) = send(&s, Method::DELETE, &path, &carol).await;
    assert_eq!(status, 200, "{body}");
    // Refused at once, from the revocation set: the feed is live, the store is not read.
    assert_error(
        &verify_key(&s, &text(&k3, "apikey")).await,
        401,
        "token_revoked",
    );
    assert_error(
        &refresh(&s, &text(&k3, "refresh_token")).await,
        401,
        "token_revoked",
    );
    assert_error(
        &send(&s, Method::DELETE, &path, &carol).await,
        404,
        "not_found",
    );
    let middle = format!("/auth/apikeys/{}", text(&k2, "apikey_id"));
    assert_error(
        &send(&s, Method::DELETE, &middle, &carol).await,
        404,
        "not_found",
    );
    let (_, listed) = send(&s, Method::GET, "/auth/apikeys", &carol).await;
    assert_eq!(listed["apikeys"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["apikeys"][0]["id"], other["apikey_id"]);
    assert_eq!(verify_key(&s, &text(&other, "apikey")).await.0, 200);
}

#[tokio::test]
async fn a_user_disabled_elsewhere_gets_no_new_key() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let k1 = create_ok(&s, &carol, json!({})).await;
    // This instance has carol's profile cached as enabled.
    assert_eq!(verify_key(&s, &text(&k1, "apikey")).await.0, 200);
    let store = s.running.as_ref().unwrap().auth.store().clone();
    // Another instance disabled her; its revocation of her keys has not landed yet.
    assert!(store.set_disabled("carol", true).await.unwrap());

    let got = refresh(&s, &text(&k1, "refresh_token")).await;
    assert_error(&got, 401, "invalid_token");
    assert!(got.1["error"]
        .as_str()
        .unwrap()
        .contains("account disabled"));
    let live = store.list_apikeys("carol", START).await.unwrap();
    let ids: Vec<&str> = live.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, [text(&k1, "apikey_id")]);
}
