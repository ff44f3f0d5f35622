//! Data directories made by earlier releases open with the current code, and everything in them
//! still works: users, a live session, an API key, personal and resource tokens.
//!
//! Each release adds a fixture under `tests/fixtures/upgrade/` (made by `make_fixture.py` with
//! that release's binary); this test runs on every one of them.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use tessera_api::apikeys::VerifyApiKeyRequest;
use tessera_api::{ErrorCode, ValidationResponse};
use tessera_client::Tokens;
use tessera_core::ManualClock;

use crate::common::TestServer;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upgrade");

/// Copies a fixture into a fresh directory (the test must not change the checked-in files) and
/// starts the server on it, its clock just after the fixture was made.
async fn open(fixture: &Path) -> (TestServer, Value) {
    let facts: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("fixture.json")).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in ["tessera.db", "jwt-signing.key"] {
        std::fs::copy(fixture.join(name), dir.path().join(name)).unwrap();
    }
    let made_at = facts["made_at"].as_i64().unwrap();
    let clock = Arc::new(ManualClock::new(made_at + 5));
    let server = TestServer::start_in(Arc::new(dir), clock, |_| {}).await;
    (server, facts)
}

fn text(facts: &Value, pointer: &str) -> String {
    facts
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("fixture.json has no {pointer}"))
        .to_string()
}

async fn validate(s: &TestServer, bearer: &str) -> ValidationResponse {
    s.client()
        .validate_token(bearer, None)
        .await
        .unwrap_or_else(|e| panic!("validation refused: {e}"))
}

async fn check(fixture: &Path) {
    let (s, facts) = open(fixture).await;
    let version = text(&facts, "/version");

    // Passwords hashed by the old release still verify.
    for user in ["admin", "alice", "bob"] {
        let c = s.client();
        c.login(
            &text(&facts, &format!("/{user}/username")),
            &text(&facts, &format!("/{user}/password")),
        )
        .await
        .unwrap_or_else(|e| panic!("{version}: {user} cannot log in: {e}"));
    }

    // The live session: its access token validates and its refresh token rotates.
    let access = text(&facts, "/alice/access_token");
    let who = validate(&s, &access).await;
    assert_eq!(who.user.username, "alice", "{version}");
    assert_eq!(who.user.fullname, text(&facts, "/alice/fullname"));
    let alice = s.client();
    alice
        .set_tokens(Some(Tokens {
            access_token: access,
            refresh_token: text(&facts, "/alice/refresh_token"),
        }))
        .await;
    // It is listed without the client it was opened from (not kept then) until it refreshes.
    let before = alice.list_sessions().await.unwrap().sessions;
    let old = before.iter().find(|s| s.current).expect("listed");
    assert_eq!((&old.ip, &old.user_agent), (&None, &None), "{version}");
    alice
        .refresh()
        .await
        .unwrap_or_else(|e| panic!("{version}: refresh: {e}"));
    assert_eq!(alice.validate().await.unwrap().user.username, "alice");
    let after = alice.list_sessions().await.unwrap().sessions;
    let now = after.iter().find(|s| s.current).expect("listed");
    assert_eq!(now.ip.as_deref(), Some("127.0.0.1"), "{version}");

    // The API key verifies for its audience and subject, is listed, and refreshes.
    let verify = VerifyApiKeyRequest {
        apikey: Some(text(&facts, "/apikey/apikey")),
        audience: Some(text(&facts, "/apikey/audience")),
        subject: Some(text(&facts, "/apikey/subject")),
        ..Default::default()
    };
    let verified = s.client().verify_apikey(&verify).await.unwrap();
    assert_eq!(verified.apikey_id, text(&facts, "/apikey/id"), "{version}");
    assert_eq!(verified.user.username, "alice");
    let listed = alice.list_apikeys().await.unwrap();
    assert!(listed.apikeys.iter().any(|k| k.id == verified.apikey_id));
    let refreshed = s
        .client()
        .refresh_apikey(&text(&facts, "/apikey/refresh_token"))
        .await
        .unwrap_or_else(|e| panic!("{version}: API-key refresh: {e}"));
    assert_ne!(refreshed.apikey_id, verified.apikey_id);

    // The personal token acts for its owner and is listed.
    let personal = validate(&s, &text(&facts, "/personal_token/token")).await;
    assert_eq!(
        personal.kind.as_deref(),
        Some("personal_token"),
        "{version}"
    );
    assert_eq!(personal.user.username, "alice");
    let mine = alice.list_tokens().await.unwrap();
    assert!(mine
        .tokens
        .iter()
        .any(|t| t.id == text(&facts, "/personal_token/id")));

    // The resource token belongs to its resource, and its last use was kept.
    let resource = text(&facts, "/resource_token/resource");
    let token = validate(&s, &text(&facts, "/resource_token/token")).await;
    assert_eq!(token.kind.as_deref(), Some("resource_token"), "{version}");
    assert_eq!(token.resource.as_deref(), Some(resource.as_str()));
    let resources = alice.list_resources().await.unwrap();
    assert!(resources
        .resources
        .iter()
        .any(|r| r.name == resource && r.maintainers == ["alice"]));
    let tokens = alice.list_resource_tokens(&resource).await.unwrap();
    let listed = tokens
        .tokens
        .iter()
        .find(|t| t.id == text(&facts, "/resource_token/id"))
        .expect("the resource token is listed");
    assert_eq!(
        listed.description,
        text(&facts, "/resource_token/description")
    );
    assert!(listed.last_used_at.is_some(), "{version}: last use lost");

    // A refresh token spent before the upgrade is still known as spent.
    let reused = s
        .client()
        .refresh_apikey(&text(&facts, "/apikey/refresh_token"))
        .await
        .unwrap_err();
    assert_eq!(
        reused.code(),
        Some(ErrorCode::RefreshTokenReused),
        "{version}"
    );
    s.stop().await;
}

#[tokio::test]
async fn every_release_fixture_opens_and_works() {
    let mut fixtures: Vec<_> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("fixture.json").exists())
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "no upgrade fixtures under {FIXTURES}");
    for fixture in fixtures {
        check(&fixture).await;
    }
}

/// An upgraded installation keeps signing with its HS512 key (now with a kid, and publishing
/// nothing) until `tessera keys rotate --alg EdDSA`; then access tokens are Ed25519 while the
/// access token and API key issued before the upgrade still verify.
async fn moves_to_ed25519(fixture: &Path) {
    let (s, facts) = open(fixture).await;
    let version = text(&facts, "/version");
    let header = |token: &str| -> Value {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
        use base64::Engine;
        let h = token.split('.').next().unwrap();
        serde_json::from_slice(&B64.decode(h).unwrap()).unwrap()
    };
    let c = s.client();
    c.login("alice", &text(&facts, "/alice/password"))
        .await
        .unwrap();
    let hs = c.tokens().await.unwrap().access_token;
    assert_eq!(header(&hs)["alg"], "HS512", "{version}");
    assert!(header(&hs)["kid"].as_str().unwrap().starts_with("hs-"));
    let jwks = |s: &TestServer| s.running.as_ref().unwrap().auth.jwks().keys.len();
    assert_eq!(jwks(&s), 0, "{version}: HS512 keys are not published");

    let auth = s.running.as_ref().unwrap().auth.clone();
    let new = auth
        .rotate_keys(Some(tessera_core::signing::KeyAlg::EdDsa))
        .await
        .unwrap();
    assert_eq!(jwks(&s), 1);
    s.clock.advance(auth.key_policy().jwks_max_age);
    c.login("alice", &text(&facts, "/alice/password"))
        .await
        .unwrap();
    let ed = c.tokens().await.unwrap().access_token;
    assert_eq!(header(&ed)["alg"], "EdDSA", "{version}");
    assert_eq!(header(&ed)["kid"], new.kid.as_str());
    validate(&s, &ed).await;
    validate(&s, &hs).await;
    validate(&s, &text(&facts, "/alice/access_token")).await;
    let verify = VerifyApiKeyRequest {
        apikey: Some(text(&facts, "/apikey/apikey")),
        audience: Some(text(&facts, "/apikey/audience")),
        subject: Some(text(&facts, "/apikey/subject")),
        ..Default::default()
    };
    s.client().verify_apikey(&verify).await.unwrap();
    s.stop().await;
}

#[tokio::test]
async fn every_release_fixture_moves_to_ed25519_with_tessera_keys_rotate() {
    let mut fixtures: Vec<_> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("fixture.json").exists())
        .collect();
    fixtures.sort();
    for fixture in fixtures {
        moves_to_ed25519(&fixture).await;
    }
}
