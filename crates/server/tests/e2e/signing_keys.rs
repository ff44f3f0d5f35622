//! Signing keys: Ed25519 on a new installation, published in the JWKS; tokens that name no
//! known key, another algorithm or a key of their own are refused; rotation and retirement.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};
use tessera_core::signing::KeyAlg;
use tessera_server::config::Secret;

use crate::common::{assert_refused, reason, TestServer};

/// `(header, payload, signature)` of a JWT, the first two decoded.
fn parts(token: &str) -> (Value, Value, String) {
    let mut it = token.split('.');
    let mut json = || serde_json::from_slice(&B64.decode(it.next().unwrap()).unwrap()).unwrap();
    let (h, p) = (json(), json());
    (h, p, it.next().unwrap().to_string())
}

fn encode(v: &Value) -> String {
    B64.encode(v.to_string())
}

async fn jwks(s: &TestServer) -> (Value, String) {
    let resp = reqwest::get(format!("{}/.well-known/jwks.json", s.url))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let cache = resp.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    (resp.json().await.unwrap(), cache)
}

/// The kids of a JWKS, sorted.
fn kids(jwks: &Value) -> Vec<String> {
    let mut kids: Vec<String> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect();
    kids.sort();
    kids
}

fn sorted(mut kids: Vec<String>) -> Vec<String> {
    kids.sort();
    kids
}

fn auth(s: &TestServer) -> &tessera_core::Auth {
    &s.running.as_ref().unwrap().auth
}

#[tokio::test]
async fn a_new_installation_signs_access_tokens_with_a_published_ed25519_key() {
    let s = TestServer::start().await;
    let (access, _) = s.login("admin", "admin").await;
    let (header, claims, _) = parts(&access);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "at+jwt");
    let kid = header["kid"].as_str().unwrap().to_string();
    assert_eq!(claims["aud"], "tessera-client");

    let (set, cache) = jwks(&s).await;
    assert_eq!(cache, "public, max-age=300");
    assert_eq!(kids(&set), vec![kid.clone()]);
    let jwk = &set["keys"][0];
    assert_eq!(
        (&jwk["kty"], &jwk["crv"], &jwk["alg"]),
        (&json!("OKP"), &json!("Ed25519"), &json!("EdDSA"))
    );
    assert!(jwk.get("d").is_none(), "never the private part");

    // A verifier holding only the JWKS checks the token (jsonwebtoken, strictly).
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    validation.set_audience(&["tessera-client"]);
    validation.set_issuer(&["tessera"]);
    validation.validate_exp = false; // the server's clock is a test clock
    let got = jsonwebtoken::decode::<Value>(&access, &key, &validation).unwrap();
    assert_eq!(got.claims["sub"], "admin");

    // API keys are signed by a key that is never published.
    let admin = s.admin().await;
    let created = admin
        .create_apikey(&tessera_api::apikeys::CreateApiKeyRequest {
            audience: Some("svc".into()),
            subject: Some("read".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let (h, _, _) = parts(&created.apikey);
    assert_eq!(h["alg"], "HS512");
    assert!(!kids(&set).contains(&h["kid"].as_str().unwrap().to_string()));
    assert!(jsonwebtoken::decode::<Value>(&created.apikey, &key, &validation).is_err());
}

#[tokio::test]
async fn tokens_naming_no_known_key_another_algorithm_or_a_key_of_their_own_are_refused() {
    let s = TestServer::start().await;
    let (access, _) = s.login("admin", "admin").await;
    s.validate(&access).await.unwrap();
    let (header, claims, sig) = parts(&access);
    let body = encode(&claims);
    let (set, _) = jwks(&s).await;
    let x = B64.decode(set["keys"][0]["x"].as_str().unwrap()).unwrap();

    let hs512 = |h: &Value, secret: &[u8]| {
        use hmac::{Hmac, Mac};
        let signing = format!("{}.{body}", encode(h));
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(secret).unwrap();
        mac.update(signing.as_bytes());
        format!("{signing}.{}", B64.encode(mac.finalize().into_bytes()))
    };
    let with = |change: &dyn Fn(&mut Value)| {
        let mut h = header.clone();
        change(&mut h);
        format!("{}.{body}.{sig}", encode(&h))
    };
    let cases = [
        ("alg none", {
            let mut h = header.clone();
            h["alg"] = json!("none");
            format!("{}.{body}.", encode(&h))
        }),
        // Key confusion: HMAC keyed with the published Ed25519 key, under its kid.
        ("HS512 with the public key", {
            let mut h = header.clone();
            h["alg"] = json!("HS512");
            hs512(&h, &x)
        }),
        ("HS256 with the public key", {
            let mut h = header.clone();
            h["alg"] = json!("HS256");
            hs512(&h, &x)
        }),
        (
            "unknown kid",
            with(&|h| h["kid"] = json!("ed-000000000000000000000000")),
        ),
        (
            "no kid",
            with(&|h| {
                h.as_object_mut().unwrap().remove("kid");
            }),
        ),
        ("jwk header", with(&|h| h["jwk"] = set["keys"][0].clone())),
        (
            "jku header",
            with(&|h| h["jku"] = json!("https://attacker.example/jwks.json")),
        ),
        (
            "x5u header",
            with(&|h| h["x5u"] = json!("https://attacker.example/cert.pem")),
        ),
        ("x5c header", with(&|h| h["x5c"] = json!(["MIIB"]))),
    ];
    for (what, token) in cases {
        let got = s.validate(&token).await;
        assert_refused(&got, 401, "invalid_token");
        assert!(!reason(&got).is_empty(), "{what}");
    }
    s.validate(&access).await.unwrap();
}

#[tokio::test]
async fn a_rotation_publishes_first_signs_later_and_a_retired_key_verifies_nothing() {
    let s = TestServer::start().await;
    let (old_access, _) = s.login("admin", "admin").await;
    let old_kid = parts(&old_access).0["kid"].as_str().unwrap().to_string();
    s.validate(&old_access).await.unwrap();

    let new = auth(&s).rotate_keys(None).await.unwrap();
    assert_eq!(new.alg, KeyAlg::EdDsa);
    let (set, _) = jwks(&s).await;
    assert_eq!(
        kids(&set),
        sorted(vec![old_kid.clone(), new.kid.clone()]),
        "published before it signs"
    );
    let (still_old, _) = s.login("admin", "admin").await;
    assert_eq!(parts(&still_old).0["kid"], json!(old_kid));

    s.clock.advance(300);
    let (fresh, _) = s.login("admin", "admin").await;
    assert_eq!(parts(&fresh).0["kid"], json!(new.kid));
    s.validate(&fresh).await.unwrap();
    s.validate(&still_old).await.unwrap();
    let got = auth(&s).retire_key(&new.kid).await;
    assert!(got.is_err(), "the newest key cannot be retired");

    assert!(auth(&s).retire_key(&old_kid).await.unwrap());
    let got = s.validate(&still_old).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(
        reason(&got).contains("unknown signing key"),
        "{}",
        reason(&got)
    );
    let (set, _) = jwks(&s).await;
    assert_eq!(kids(&set), vec![new.kid.clone()]);
    s.validate(&fresh).await.unwrap();
}

#[tokio::test]
async fn keys_added_within_one_second_sign_in_the_order_they_were_added() {
    let s = TestServer::start_with(|c| c.jwks_max_age_seconds = 0).await;
    let second = auth(&s).rotate_keys(None).await.unwrap();
    let third = auth(&s).rotate_keys(None).await.unwrap();
    assert!(second.active_at < third.active_at);
    s.clock
        .advance(third.active_at - tessera_core::Clock::now(&*s.clock));
    let (access, _) = s.login("admin", "admin").await;
    assert_eq!(parts(&access).0["kid"], json!(third.kid));
}

#[tokio::test]
async fn a_superseded_key_leaves_the_jwks_once_its_tokens_have_expired() {
    let s = TestServer::start().await;
    let (old_access, _) = s.login("admin", "admin").await;
    let old_kid = parts(&old_access).0["kid"].as_str().unwrap().to_string();
    let new = auth(&s).rotate_keys(None).await.unwrap();
    s.clock.advance(300);
    // Tokens live SESSION_TIMEOUT (900 s by default) plus the leeway.
    let lifetime = auth(&s).key_policy().token_lifetime;
    s.clock.advance(lifetime - 1);
    assert_eq!(
        kids(&jwks(&s).await.0),
        sorted(vec![old_kid.clone(), new.kid.clone()])
    );
    s.clock.advance(1);
    assert_eq!(kids(&jwks(&s).await.0), vec![new.kid.clone()]);
}

#[tokio::test]
async fn a_secret_key_keeps_hs512_until_rotated_to_ed25519() {
    let s = TestServer::start_with(|c| {
        c.jwt_secret_key = Some(Secret::new("a passphrase long enough for tessera's check"));
        c.jwks_max_age_seconds = 60;
    })
    .await;
    let (access, _) = s.login("admin", "admin").await;
    let (header, _, _) = parts(&access);
    assert_eq!(header["alg"], "HS512");
    assert!(header["kid"].as_str().unwrap().starts_with("hs-"));
    let (set, cache) = jwks(&s).await;
    assert_eq!(cache, "public, max-age=60");
    assert!(kids(&set).is_empty(), "HS512 keys are never published");

    s.clock.advance(90 * 86_400);
    assert!(
        auth(&s).rotate_keys_if_due().await.unwrap().is_none(),
        "the configuration's key is not rotated on schedule"
    );
    let (access, _) = s.login("admin", "admin").await;
    let new = auth(&s).rotate_keys(Some(KeyAlg::EdDsa)).await.unwrap();
    assert_eq!(kids(&jwks(&s).await.0), vec![new.kid.clone()]);
    s.clock.advance(60);
    let (fresh, _) = s.login("admin", "admin").await;
    assert_eq!(parts(&fresh).0["alg"], "EdDSA");
    s.validate(&access).await.unwrap();
    s.validate(&fresh).await.unwrap();
}

#[tokio::test]
async fn keys_rotate_on_schedule() {
    let s = TestServer::start_with(|c| c.key_rotation_days = 30).await;
    let auth = auth(&s);
    assert!(auth.rotate_keys_if_due().await.unwrap().is_none());
    s.clock.advance(30 * 86_400 - 1);
    assert!(auth.rotate_keys_if_due().await.unwrap().is_none());
    s.clock.advance(1);
    let new = auth.rotate_keys_if_due().await.unwrap().expect("due");
    assert!(
        auth.rotate_keys_if_due().await.unwrap().is_none(),
        "the new key is not due"
    );
    assert!(kids(&jwks(&s).await.0).contains(&new.kid));
}

#[tokio::test]
async fn tessera_keys_lists_rotates_and_retires_on_the_database_a_server_runs_on() {
    use tessera_server::cli::{run_keys, KeysAction};
    let s = TestServer::start().await;
    let config = crate::common::test_config(&s.dir);
    let (old, _) = s.login("admin", "admin").await;
    let old_kid = parts(&old).0["kid"].as_str().unwrap().to_string();

    let out = run_keys(&config, s.clock.clone(), KeysAction::List)
        .await
        .unwrap();
    assert!(out.contains(&format!("{old_kid}\tEdDSA\tsigning")), "{out}");
    let out = run_keys(&config, s.clock.clone(), KeysAction::Rotate { alg: None })
        .await
        .unwrap();
    let new_kid = out.split_whitespace().nth(1).unwrap().to_string();
    assert!(out.starts_with("added ed-"), "{out}");
    let bad = run_keys(
        &config,
        s.clock.clone(),
        KeysAction::Rotate {
            alg: Some("RS256".into()),
        },
    )
    .await;
    assert!(bad.unwrap_err().to_string().contains("unknown algorithm"));

    // The server takes the change up at its next catch-up.
    auth(&s).sync_revocations().await.unwrap();
    assert_eq!(
        kids(&jwks(&s).await.0),
        sorted(vec![old_kid.clone(), new_kid.clone()])
    );
    let out = run_keys(&config, s.clock.clone(), KeysAction::List)
        .await
        .unwrap();
    assert!(out.contains(&format!("{new_kid}\tEdDSA\tpending")), "{out}");

    s.clock.advance(300);
    let out = run_keys(
        &config,
        s.clock.clone(),
        KeysAction::Retire {
            kid: old_kid.clone(),
        },
    )
    .await
    .unwrap();
    assert!(out.starts_with("retired"), "{out}");
    auth(&s).sync_revocations().await.unwrap();
    assert_refused(&s.validate(&old).await, 401, "invalid_token");
    let missing = run_keys(
        &config,
        s.clock.clone(),
        KeysAction::Retire { kid: old_kid },
    )
    .await;
    assert!(missing.is_err());
}
