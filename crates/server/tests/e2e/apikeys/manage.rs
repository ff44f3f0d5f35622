//! Listing and revoking keys; disabling a user or changing their password ends their keys.

use reqwest::Method;
use serde_json::json;
use tessera_core::iso8601;

use super::{contributor, create_ok, send, text, verify_key};
use crate::common::{assert_error, TestServer, START};

#[tokio::test]
async fn the_list_shows_own_live_keys_without_secrets() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let k1 = create_ok(&s, &carol, json!({"bind_ip": "10.0.0.7", "api_version": 4})).await;
    let k2 = create_ok(&s, &carol, json!({"expires_in": 60})).await;
    let gone = create_ok(&s, &carol, json!({})).await;
    create_ok(&s, &dave, json!({})).await;
    let path = format!("/auth/apikeys/{}", text(&gone, "apikey_id"));
    assert_eq!(send(&s, Method::DELETE, &path, &carol).await.0, 200);

    let (status, list) = send(&s, Method::GET, "/auth/apikeys", &carol).await;
    assert_eq!(status, 200, "{list}");
    let keys = list["apikeys"].as_array().unwrap();
    let mut ids: Vec<String> = keys.iter().map(|k| text(k, "id")).collect();
    let mut want = vec![text(&k1, "apikey_id"), text(&k2, "apikey_id")];
    ids.sort();
    want.sort();
    assert_eq!(ids, want);
    let first = keys.iter().find(|k| k["id"] == k1["apikey_id"]).unwrap();
    assert_eq!(
        *first,
        json!({
            "id": k1["apikey_id"], "audience": "svc", "subject": "/data", "api_version": "4",
            "bound_ip": "10.0.0.7", "created": iso8601::format(START),
            "expires": iso8601::format(START + 900),
            "refresh_token_expires": iso8601::format(START + 86_400),
        })
    );
    let raw = list.to_string();
    for secret in [&k1, &k2] {
        assert!(!raw.contains(&text(secret, "apikey")));
        assert!(!raw.contains(&text(secret, "refresh_token")));
    }
    assert_error(
        &send(&s, Method::GET, "/auth/apikeys", "nonsense").await,
        401,
        "invalid_token",
    );
}

#[tokio::test]
async fn a_key_is_revoked_by_its_owner_or_an_admin_only() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let (admin, _) = s.login("admin", "admin").await;
    let k1 = create_ok(&s, &carol, json!({})).await;
    let k2 = create_ok(&s, &carol, json!({})).await;
    let path = |k: &serde_json::Value| format!("/auth/apikeys/{}", text(k, "apikey_id"));

    // Another user learns nothing: the key might as well not exist.
    assert_error(
        &send(&s, Method::DELETE, &path(&k1), &dave).await,
        404,
        "not_found",
    );
    let unknown = send(&s, Method::DELETE, "/auth/apikeys/no-such-key", &dave).await;
    assert_error(&unknown, 404, "not_found");
    assert_eq!(verify_key(&s, &text(&k1, "apikey")).await.0, 200);

    let (status, body) = send(&s, Method::DELETE, &path(&k1), &carol).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["message"],
        format!("API key {} revoked", text(&k1, "apikey_id"))
    );
    assert_error(
        &verify_key(&s, &text(&k1, "apikey")).await,
        401,
        "token_revoked",
    );
    assert_error(
        &send(&s, Method::DELETE, &path(&k1), &carol).await,
        404,
        "not_found",
    );
    let refreshed = super::refresh(&s, &text(&k1, "refresh_token")).await;
    assert_error(&refreshed, 401, "token_revoked");

    assert_eq!(send(&s, Method::DELETE, &path(&k2), &admin).await.0, 200);
    assert_error(
        &verify_key(&s, &text(&k2, "apikey")).await,
        401,
        "token_revoked",
    );
}

#[tokio::test]
async fn revoke_all_ends_own_keys_and_admins_may_name_a_user() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let (admin, _) = s.login("admin", "admin").await;
    let carols = [
        create_ok(&s, &carol, json!({})).await,
        create_ok(&s, &carol, json!({})).await,
    ];
    let daves = create_ok(&s, &dave, json!({})).await;

    let named = Some(json!({"username": "dave"}));
    let got = s
        .post("/auth/apikeys/revoke-all", Some(&carol), named.clone())
        .await;
    assert_error(&got, 403, "forbidden");
    assert_eq!(verify_key(&s, &text(&daves, "apikey")).await.0, 200);

    let (status, body) = s.post("/auth/apikeys/revoke-all", Some(&carol), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"message": "API keys of carol revoked", "revoked": 2})
    );
    for k in &carols {
        assert_error(
            &verify_key(&s, &text(k, "apikey")).await,
            401,
            "token_revoked",
        );
    }
    let (_, again) = s
        .post("/auth/apikeys/revoke-all", Some(&carol), Some(json!({})))
        .await;
    assert_eq!(again["revoked"], 0);

    let (status, body) = s
        .post("/auth/apikeys/revoke-all", Some(&admin), named)
        .await;
    assert_eq!((status, &body["revoked"]), (200, &json!(1)), "{body}");
    assert_error(
        &verify_key(&s, &text(&daves, "apikey")).await,
        401,
        "token_revoked",
    );
    let nobody = Some(json!({"username": "nobody"}));
    let got = s
        .post("/auth/apikeys/revoke-all", Some(&admin), nobody)
        .await;
    assert_error(&got, 404, "not_found");
    assert_error(
        &s.post("/auth/apikeys/revoke-all", None, None).await,
        401,
        "missing_token",
    );
}

#[tokio::test]
async fn disabling_a_user_or_setting_a_password_ends_their_keys() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let carols = create_ok(&s, &carol, json!({})).await;
    let daves = create_ok(&s, &dave, json!({})).await;
    let auth = &s.running.as_ref().unwrap().auth;

    auth.set_disabled("carol", true).await.unwrap();
    assert_error(
        &verify_key(&s, &text(&carols, "apikey")).await,
        401,
        "token_revoked",
    );
    assert_eq!(
        super::refresh(&s, &text(&carols, "refresh_token")).await.0,
        401
    );

    auth.set_password("dave", "a-new-password").await.unwrap();
    assert_error(
        &verify_key(&s, &text(&daves, "apikey")).await,
        401,
        "token_revoked",
    );
    assert_eq!(
        super::refresh(&s, &text(&daves, "refresh_token")).await.0,
        401
    );
}
