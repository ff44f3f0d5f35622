//! `POST /oauth2/revoke`: each revocable kind ends, unknown tokens are 200, and the
//! revocation reaches every instance.

use tessera_api::tokens::CreateApiTokenRequest;
use tessera_api::ErrorCode;

use super::{assert_oauth_error, client_token, form, new_client, on_each_backend};
use crate::common::{assert_refused, TestServer};

const REVOKE: &str = "/oauth2/revoke";

#[tokio::test]
async fn each_kind_is_revoked_and_unknown_tokens_are_fine() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            // An access token ends its session, refresh token included.
            let (access, refresh) = s.login("guest", "guest").await;
            let got = form(s, REVOKE, None, &[("token", &access)]).await;
            assert_eq!((got.0, &got.2), (200, &serde_json::json!({})));
            assert_refused(&s.validate(&access).await, 401, ErrorCode::InvalidToken);
            assert!(s.refresh(&refresh).await.is_err());
            // A refresh token too, with a hint that is only a hint.
            let (access, refresh) = s.login("guest", "guest").await;
            let got = form(
                s,
                REVOKE,
                None,
                &[("token", &refresh), ("token_type_hint", "access_token")],
            )
            .await;
            assert_eq!(got.0, 200, "{}", got.2);
            assert_refused(&s.validate(&access).await, 401, ErrorCode::InvalidToken);
            // A client token ends alone: the client's other tokens live on.
            let c = new_client(s, "svc", &["read"], &[]).await;
            let one = client_token(s, &c, None).await;
            let two = client_token(s, &c, None).await;
            let got = form(
                s,
                REVOKE,
                Some((&c.client_id, &c.client_secret)),
                &[("token", &one)],
            )
            .await;
            assert_eq!(got.0, 200, "{}", got.2);
            assert_refused(&s.validate(&one).await, 401, ErrorCode::InvalidToken);
            assert!(s.validate(&two).await.is_ok());
            // A personal token.
            let admin = s.admin().await;
            let request = CreateApiTokenRequest {
                datasets: Some(serde_json::json!({"*": ["read"]})),
                token_exp: Some(3600.into()),
                description: Some("ci".into()),
            };
            let pat = admin.create_api_token(&request).await.unwrap().api_token;
            assert_eq!(form(s, REVOKE, None, &[("token", &pat)]).await.0, 200);
            assert_refused(&s.validate(&pat).await, 401, ErrorCode::InvalidToken);
            // Unknown, malformed, already revoked: 200 all the same.
            for token in ["tsr_rt_unknown", "nonsense", "eyJ.a.b", one.as_str()] {
                let got = form(s, REVOKE, None, &[("token", token)]).await;
                assert_eq!(got.0, 200, "{token}: {}", got.2);
            }
            // Bad input.
            assert_oauth_error(&form(s, REVOKE, None, &[]).await, 400, "invalid_request");
            let wrong = form(s, REVOKE, Some((&c.client_id, "nope")), &[("token", &two)]).await;
            assert_oauth_error(&wrong, 401, "invalid_client");
            assert!(
                s.validate(&two).await.is_ok(),
                "nothing revoked for a wrong client"
            );
        },
    )
    .await;
}

/// The record of a revoked client token goes with the purge once the token has expired (and
/// the leeway past), not before; the token stays refused.
#[tokio::test]
async fn a_revoked_client_tokens_record_is_purged_once_the_token_has_expired() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            let auth = s.running.as_ref().unwrap().auth.clone();
            let c = new_client(s, "svc", &["read"], &[]).await;
            let basic = Some((c.client_id.as_str(), c.client_secret.as_str()));
            let got = form(
                s,
                "/oauth2/token",
                basic,
                &[("grant_type", "client_credentials")],
            )
            .await;
            assert_eq!(got.0, 200, "{}", got.2);
            let token = got.2["access_token"].as_str().unwrap().to_string();
            let lifetime = got.2["expires_in"].as_i64().unwrap();
            let jti = {
                use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
                use base64::Engine;
                let payload = B64.decode(token.split('.').nth(1).unwrap()).unwrap();
                let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
                claims["jti"].as_str().unwrap().to_string()
            };
            assert_eq!(form(s, REVOKE, basic, &[("token", &token)]).await.0, 200);
            let store = auth.store();
            assert!(store.is_client_token_revoked(&jti).await.unwrap());

            // Still live (within its lifetime and the leeway): kept.
            s.clock.advance(lifetime);
            auth.purge_expired().await.unwrap();
            assert!(store.is_client_token_revoked(&jti).await.unwrap());
            assert_refused(&s.validate(&token).await, 401, ErrorCode::InvalidToken);

            // Past them: purged, and the token is refused for its time alone.
            s.clock.advance(auth.settings().leeway + 61);
            auth.purge_expired().await.unwrap();
            assert!(!store.is_client_token_revoked(&jti).await.unwrap());
            assert_refused(&s.validate(&token).await, 401, ErrorCode::TokenExpired);
        },
    )
    .await;
}
