//! The Rust client's API-key calls.

use tessera_api::apikeys::{CreateApiKeyRequest, VerifyApiKeyRequest};
use tessera_api::ErrorCode;

use crate::common::TestServer;

#[tokio::test]
async fn the_client_creates_verifies_refreshes_and_revokes_keys() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let key = admin
        .create_apikey(&CreateApiKeyRequest {
            audience: Some("svc".into()),
            subject: Some("/data".into()),
            expires_in: Some(60),
            ..CreateApiKeyRequest::default()
        })
        .await
        .unwrap();
    assert!(!format!("{key:?}").contains(&key.apikey));
    let check = |apikey: &str| VerifyApiKeyRequest {
        apikey: Some(apikey.to_string()),
        audience: Some("svc".into()),
        ..VerifyApiKeyRequest::default()
    };
    let service = s.client();
    let ok = service.verify_apikey(&check(&key.apikey)).await.unwrap();
    assert_eq!((ok.user.username.as_str(), ok.valid), ("admin", true));

    s.clock.advance(120);
    let err = service
        .verify_apikey(&check(&key.apikey))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TokenExpired));
    let next = service.refresh_apikey(&key.refresh_token).await.unwrap();
    assert_eq!(
        service
            .verify_apikey(&check(&next.apikey))
            .await
            .unwrap()
            .apikey_id,
        next.apikey_id
    );

    let listed = admin.list_apikeys().await.unwrap().apikeys;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, next.apikey_id);
    admin.revoke_apikey(&next.apikey_id).await.unwrap();
    let err = service
        .verify_apikey(&check(&next.apikey))
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(401), Some(ErrorCode::TokenRevoked))
    );
    let none = admin.revoke_all_apikeys(None).await.unwrap();
    assert_eq!(none.revoked, 0);
}
