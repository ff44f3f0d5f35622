//! The Rust client's local verifier: access tokens checked from the JWKS, which it fetches
//! once and again only for a key it does not hold (and never twice within its interval).

use std::sync::Arc;

use tessera_client::verifier::{JwksVerifier, VerifyError};

use crate::common::TestServer;

fn verifier(s: &TestServer) -> JwksVerifier {
    let clock = s.clock.clone();
    JwksVerifier::new(&s.url, "tessera-client")
        .with_min_refetch_interval(10)
        .with_clock(Arc::new(move || {
            use tessera_core::Clock;
            clock.now()
        }))
}

fn with_kid(token: &str, kid: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let (header, rest) = token.split_once('.').unwrap();
    let mut h: serde_json::Value = serde_json::from_slice(&B64.decode(header).unwrap()).unwrap();
    h["kid"] = kid.into();
    format!("{}.{rest}", B64.encode(h.to_string()))
}

#[tokio::test]
async fn a_verifier_that_fetched_the_keys_once_keeps_verifying_across_a_rotation() {
    let s = TestServer::start().await;
    let auth = s.running.as_ref().unwrap().auth.clone();
    let v = verifier(&s);
    let (old, _) = s.login("admin", "admin").await;
    let claims = v.verify(&old).await.unwrap();
    assert_eq!(claims.sub, "admin");
    assert_eq!(v.fetches().await, 1);
    v.verify(&old).await.unwrap();
    assert_eq!(v.fetches().await, 1, "a known key is not fetched again");

    auth.rotate_keys(None).await.unwrap();
    s.clock.advance(300);
    let (new, _) = s.login("admin", "admin").await;
    v.verify(&new).await.unwrap();
    assert_eq!(v.fetches().await, 2, "fetched again for the new kid only");
    v.verify(&old).await.unwrap();
    v.verify(&new).await.unwrap();
    assert_eq!(v.fetches().await, 2);

    // Made-up kids: at most one fetch per interval.
    let forged = with_kid(&new, "ed-ffffffffffffffffffffffff");
    assert!(matches!(
        v.verify(&forged).await,
        Err(VerifyError::UnknownKey(_))
    ));
    assert!(matches!(
        v.verify(&forged).await,
        Err(VerifyError::UnknownKey(_))
    ));
    assert_eq!(
        v.fetches().await,
        2,
        "within the interval of the last fetch"
    );
    s.clock.advance(10);
    assert!(matches!(
        v.verify(&forged).await,
        Err(VerifyError::UnknownKey(_))
    ));
    assert_eq!(v.fetches().await, 3);
}

#[tokio::test]
async fn the_verifier_refuses_other_kinds_audiences_and_expired_tokens() {
    let s = TestServer::start().await;
    let v = verifier(&s);
    let (access, _) = s.login("admin", "admin").await;
    v.verify(&access).await.unwrap();

    let admin = s.admin().await;
    let key = admin
        .create_apikey(&tessera_api::apikeys::CreateApiKeyRequest {
            audience: Some("svc".into()),
            subject: Some("read".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(matches!(
        v.verify(&key.apikey).await,
        Err(VerifyError::WrongType(_))
    ));

    let other = {
        let clock = s.clock.clone();
        JwksVerifier::new(&s.url, "another-service").with_clock(Arc::new(move || {
            use tessera_core::Clock;
            clock.now()
        }))
    };
    assert!(matches!(
        other.verify(&access).await,
        Err(VerifyError::Invalid(_))
    ));

    s.clock.advance(900 + 30);
    assert!(matches!(v.verify(&access).await, Err(VerifyError::Expired)));
}

#[tokio::test]
async fn the_verifier_fetches_the_keys_again_once_they_are_older_than_their_max_age() {
    let s = TestServer::start().await;
    let auth = s.running.as_ref().unwrap().auth.clone();
    let max_age = auth.key_policy().jwks_max_age;
    let v = verifier(&s);
    let (old, _) = s.login("admin", "admin").await;
    v.verify(&old).await.unwrap();
    assert_eq!(v.fetches().await, 1);

    // A rotation, then the old key retired: tessera stops publishing it at once, the
    // verifier's fresh copy still holds it.
    auth.rotate_keys(None).await.unwrap();
    s.clock.advance(max_age);
    let (new, _) = s.login("admin", "admin").await;
    v.verify(&new).await.unwrap();
    assert_eq!(v.fetches().await, 2, "fetched for the new kid");
    let old_kid = auth
        .signing_keys()
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.superseded_at.is_some())
        .unwrap()
        .kid;
    assert!(auth.retire_key(&old_kid).await.unwrap());
    s.clock.advance(max_age - 1);
    v.verify(&old).await.unwrap();
    v.verify(&new).await.unwrap();
    assert_eq!(
        v.fetches().await,
        2,
        "within max-age the cached set is used"
    );

    // Older than max-age: fetched again before use, and the retired key is gone.
    s.clock.advance(1);
    assert!(matches!(
        v.verify(&old).await,
        Err(VerifyError::UnknownKey(_))
    ));
    assert_eq!(v.fetches().await, 3);
    v.verify(&new).await.unwrap();
    assert_eq!(v.fetches().await, 3, "the new set is fresh again");
}
