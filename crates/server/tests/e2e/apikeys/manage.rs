//! Listing and revoking keys; disabling a user or changing their password ends their keys.

use reqwest::Method;
use serde_json::json;
use tessera_api::apikeys::CreateApiKeyRequest;
use tessera_core::iso8601;

use super::{contributor, create_ok, refresh, svc, verify_key};
use crate::common::{assert_error, assert_refused, http, refused, TestServer, START};

#[tokio::test]
async fn the_list_shows_own_live_keys_without_secrets() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let k1 = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            bind_ip: Some(json!("10.0.0.7")),
            api_version: Some(json!(4)),
            ..svc()
        },
    )
    .await;
    let k2 = create_ok(
        &s,
        &carol,
        CreateApiKeyRequest {
            expires_in: Some(60),
            ..svc()
        },
    )
    .await;
    let gone = create_ok(&s, &carol, svc()).await;
    create_ok(&s, &dave, svc()).await;
    s.bearer(&carol)
        .await
        .revoke_apikey(&gone.apikey_id)
        .await
        .unwrap();

    // Raw: the whole body as sent, so that no field the client would drop goes unseen.
    let url = s.api("/auth/apikeys");
    let (status, list) = http::send(Method::GET, &url, Some(&carol), None).await;
    assert_eq!(status, 200, "{list}");
    let keys = list["apikeys"].as_array().unwrap();
    let mut ids: Vec<&str> = keys.iter().map(|k| k["id"].as_str().unwrap()).collect();
    let mut want = vec![k1.apikey_id.as_str(), k2.apikey_id.as_str()];
    ids.sort();
    want.sort();
    assert_eq!(ids, want);
    let first = keys.iter().find(|k| k["id"] == k1.apikey_id).unwrap();
    assert_eq!(
        *first,
        json!({
            "id": k1.apikey_id, "audience": "svc", "subject": "/data", "api_version": "4",
            "bound_ip": "10.0.0.7", "created": iso8601::format(START),
            "expires": iso8601::format(START + 900),
            "refresh_token_expires": iso8601::format(START + 86_400),
        })
    );
    let raw = list.to_string();
    for secret in [&k1, &k2] {
        assert!(!raw.contains(&secret.apikey));
        assert!(!raw.contains(&secret.refresh_token));
    }
    assert_refused(
        &s.bearer("nonsense").await.list_apikeys().await,
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
    let k1 = create_ok(&s, &carol, svc()).await;
    let k2 = create_ok(&s, &carol, svc()).await;

    // Another user learns nothing: the key might as well not exist.
    let (dave, carol) = (s.bearer(&dave).await, s.bearer(&carol).await);
    let refused = dave.revoke_apikey(&k1.apikey_id).await;
    assert_refused(&refused, 404, "not_found");
    let unknown = dave.revoke_apikey("no-such-key").await;
    assert_refused(&unknown, 404, "not_found");
    verify_key(&s, &k1.apikey).await.unwrap();

    let body = carol.revoke_apikey(&k1.apikey_id).await.unwrap();
    assert_eq!(body.message, format!("API key {} revoked", k1.apikey_id));
    assert_refused(&verify_key(&s, &k1.apikey).await, 401, "token_revoked");
    let again = carol.revoke_apikey(&k1.apikey_id).await;
    assert_refused(&again, 404, "not_found");
    let refreshed = refresh(&s, &k1.refresh_token).await;
    assert_refused(&refreshed, 401, "token_revoked");

    let admin = s.bearer(&admin).await;
    admin.revoke_apikey(&k2.apikey_id).await.unwrap();
    assert_refused(&verify_key(&s, &k2.apikey).await, 401, "token_revoked");
}

#[tokio::test]
async fn revoke_all_ends_own_keys_and_admins_may_name_a_user() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let (admin, _) = s.login("admin", "admin").await;
    let carols = [
        create_ok(&s, &carol, svc()).await,
        create_ok(&s, &carol, svc()).await,
    ];
    let daves = create_ok(&s, &dave, svc()).await;

    let carols_client = s.bearer(&carol).await;
    let got = carols_client.revoke_all_apikeys(Some("dave")).await;
    assert_refused(&got, 403, "forbidden");
    verify_key(&s, &daves.apikey).await.unwrap();

    // Raw: the body is optional, and the answer exact.
    let (status, body) = s.post("/auth/apikeys/revoke-all", Some(&carol), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"message": "API keys of carol revoked", "revoked": 2})
    );
    for k in &carols {
        assert_refused(&verify_key(&s, &k.apikey).await, 401, "token_revoked");
    }
    let again = carols_client.revoke_all_apikeys(None).await.unwrap();
    assert_eq!(again.revoked, 0);

    let admin = s.bearer(&admin).await;
    let body = admin.revoke_all_apikeys(Some("dave")).await.unwrap();
    assert_eq!(body.revoked, 1, "{body:?}");
    assert_refused(&verify_key(&s, &daves.apikey).await, 401, "token_revoked");
    let got = admin.revoke_all_apikeys(Some("nobody")).await;
    assert_refused(&got, 404, "not_found");
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
    let carols = create_ok(&s, &carol, svc()).await;
    let daves = create_ok(&s, &dave, svc()).await;
    let auth = &s.running.as_ref().unwrap().auth;

    auth.set_disabled("carol", true).await.unwrap();
    assert_refused(&verify_key(&s, &carols.apikey).await, 401, "token_revoked");
    assert_eq!(
        refused(&refresh(&s, &carols.refresh_token).await),
        Some(401)
    );

    auth.set_password("dave", "a-new-password").await.unwrap();
    assert_refused(&verify_key(&s, &daves.apikey).await, 401, "token_revoked");
    assert_eq!(refused(&refresh(&s, &daves.refresh_token).await), Some(401));
}
