use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use tessera_server::config::Secret;

use crate::common::{assert_refused, reason, TestServer};

const KEY: &str = "hex:0101010101010101010101010101010101010101010101010101010101010101\
0101010101010101010101010101010101010101010101010101010101010101";

#[tokio::test]
async fn a_refresh_token_is_not_a_bearer_and_an_access_token_is_not_a_refresh_token() {
    let s = TestServer::start().await;
    let (access, refresh) = s.login("admin", "admin").await;
    let got = s.validate(&refresh).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("a refresh token is not an access token"));
    let got = s.refresh(&access).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("an access token is not a refresh token"));
    s.validate(&access).await.unwrap();
}

#[tokio::test]
async fn forged_and_tampered_tokens_are_refused() {
    let s = TestServer::start().await;
    let (access, _) = s.login("admin", "admin").await;
    // Validated once, so the forgeries below meet a verified token with the same signature.
    s.validate(&access).await.unwrap();
    let parts: Vec<&str> = access.split('.').collect();

    let mut tampered_sig = access.clone();
    let forged = if access.ends_with("AAAA") {
        "BBBB"
    } else {
        "AAAA"
    };
    tampered_sig.replace_range(access.len() - 4.., forged);
    let got = s.validate(&tampered_sig).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).starts_with("Token validation failed: "));

    let mut claims: serde_json::Value =
        serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = "guest".into();
    let forged_payload = B64.encode(claims.to_string());
    let swapped = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    assert_refused(&s.validate(&swapped).await, 401, "invalid_token");

    let none = B64.encode(r#"{"alg":"none","typ":"at+jwt"}"#);
    assert_refused(
        &s.validate(&format!("{none}.{}.", parts[1])).await,
        401,
        "invalid_token",
    );
    let hs256 = B64.encode(r#"{"alg":"HS256","typ":"at+jwt"}"#);
    assert_refused(
        &s.validate(&format!("{hs256}.{}.{}", parts[1], parts[2]))
            .await,
        401,
        "invalid_token",
    );
    assert_refused(&s.validate("eyJ.garbage").await, 401, "invalid_token");
}

#[tokio::test]
async fn expired_tokens_are_refused_after_the_leeway() {
    let s = TestServer::start_with(|c| c.jwt_leeway = 5).await;
    let (access, _) = s.login("admin", "admin").await;
    s.clock.advance(900 + 4);
    s.validate(&access).await.unwrap();
    s.clock.advance(1);
    assert_refused(&s.validate(&access).await, 401, "token_expired");
}

#[tokio::test]
async fn a_token_validated_before_still_expires_on_time() {
    let s = TestServer::start_with(|c| {
        c.session_timeout = 20;
        c.jwt_leeway = 5;
    })
    .await;
    let (access, _) = s.login("admin", "admin").await;
    s.validate(&access).await.unwrap();
    s.clock.advance(20 + 4);
    s.validate(&access).await.unwrap();
    s.clock.advance(1);
    assert_refused(&s.validate(&access).await, 401, "token_expired");
}

#[tokio::test]
async fn tokens_for_another_audience_or_key_are_refused() {
    let a = TestServer::start_with(|c| c.jwt_secret_key = Some(Secret::new(KEY))).await;
    let b = TestServer::start_with(|c| {
        c.jwt_secret_key = Some(Secret::new(KEY));
        c.audience = "another-service".into();
    })
    .await;
    let c = TestServer::start().await;
    let (from_b, _) = b.login("admin", "admin").await;
    let got = a.validate(&from_b).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("wrong audience"));
    let (from_c, _) = c.login("admin", "admin").await;
    assert!(reason(&a.validate(&from_c).await).contains("unknown signing key"));
}

#[tokio::test]
async fn the_same_passphrase_gives_the_same_key_on_every_instance() {
    let passphrase = || Some(Secret::new("a shared passphrase for every instance"));
    let a = TestServer::start_with(|c| c.jwt_secret_key = passphrase()).await;
    let b = TestServer::start_with(|c| c.jwt_secret_key = passphrase()).await;
    let (from_a, _) = a.login("admin", "admin").await;
    b.validate(&from_a).await.unwrap();
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_optional() {
    let s = TestServer::start().await;
    let (access, _) = s.login("admin", "admin").await;
    let http = reqwest::Client::new();
    for header in [
        format!("bearer {access}"),
        format!("BEARER {access}"),
        access.clone(),
    ] {
        let resp = http
            .post(s.api("/auth/token/validation"))
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    let resp = http
        .post(s.api("/auth/token/validation"))
        .header("Authorization", "Bearer ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}
