//! Several instances on one PostgreSQL database share one key set: a rotation or retirement
//! made on one is taken up by the others through the revocation log's catch-up.

use std::sync::Arc;

use tessera_core::signing::KeyAlg;
use tessera_core::ManualClock;
use tessera_server::config::Secret;

use crate::backends::{fresh_postgres, TEST_KEK};
use crate::common::{assert_refused, TestServer, START};
use crate::scoped_support::auth;

/// The `field` of a JWT's header.
fn header(token: &str, field: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let header: serde_json::Value =
        serde_json::from_slice(&B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    header[field].as_str().unwrap().to_string()
}

fn kid(token: &str) -> String {
    header(token, "kid")
}

fn alg(token: &str) -> String {
    header(token, "alg")
}

/// An instance on the database at `url`, with the test key-encryption key and this
/// `JWT_SECRET_KEY` (or none).
async fn instance(url: &str, clock: &Arc<ManualClock>, jwt_secret_key: Option<&str>) -> TestServer {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    TestServer::start_in(dir, clock.clone(), |c| {
        c.database_url = Some(url.to_string());
        c.jwt_secret_key = jwt_secret_key.map(Secret::new);
        c.key_encryption_key = Some(Secret::new(TEST_KEK));
    })
    .await
}

/// The ids of the keys `s` publishes in its JWKS.
fn published(s: &TestServer) -> Vec<String> {
    auth(s)
        .jwks()
        .keys
        .iter()
        .filter_map(|k| k.common.key_id.clone())
        .collect()
}

#[tokio::test]
async fn a_rotation_and_a_retirement_on_one_instance_reach_the_others() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let clock = Arc::new(ManualClock::new(START));
    let secret = Some("one key for every instance of this database");
    let a = instance(&db.url, &clock, secret).await;
    let b = instance(&db.url, &clock, secret).await;

    let (hs, _) = a.login("admin", "admin").await;
    b.validate(&hs).await.unwrap();
    assert_eq!(alg(&hs), "HS512", "JWT_SECRET_KEY given: HS512, as before");
    let old_kid = kid(&hs);

    let new = auth(&a).rotate_keys(Some(KeyAlg::EdDsa)).await.unwrap();
    auth(&b).sync_revocations().await.unwrap();
    assert_eq!(
        published(&b),
        vec![new.kid.clone()],
        "b publishes a's new key"
    );

    clock.advance(300);
    let (ed, _) = b.login("admin", "admin").await;
    assert_eq!(kid(&ed), new.kid, "b signs with it once it is due");
    a.validate(&ed).await.unwrap();
    b.validate(&hs).await.unwrap();

    assert!(auth(&a).retire_key(&old_kid).await.unwrap());
    auth(&b).sync_revocations().await.unwrap();
    assert_refused(&b.validate(&hs).await, 401, "invalid_token");
    b.validate(&ed).await.unwrap();

    a.stop().await;
    b.stop().await;
    db.drop().await;
}

/// A new installation on PostgreSQL given no `JWT_SECRET_KEY` signs with Ed25519 keys kept in
/// the database: every instance signs with the same set, and API keys (signed with the HS512
/// key derived from the key-encryption key) verify on each.
#[tokio::test]
async fn instances_on_a_new_postgresql_database_without_jwt_secret_key_share_ed25519_keys() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let clock = Arc::new(ManualClock::new(START));
    let a = instance(&db.url, &clock, None).await;
    let b = instance(&db.url, &clock, None).await;

    let (from_a, _) = a.login("admin", "admin").await;
    let (from_b, _) = b.login("admin", "admin").await;
    assert_eq!(alg(&from_a), "EdDSA");
    assert_eq!(kid(&from_a), kid(&from_b), "one key set for both");
    b.validate(&from_a).await.unwrap();
    a.validate(&from_b).await.unwrap();
    assert_eq!(published(&a), vec![kid(&from_a)]);
    assert_eq!(published(&b), published(&a));

    // API keys: signed on one, verified on the other.
    let request = tessera_api::apikeys::CreateApiKeyRequest {
        audience: Some("svc".into()),
        subject: Some("/data".into()),
        ..Default::default()
    };
    let made = a
        .bearer(&from_a)
        .await
        .create_apikey(&request)
        .await
        .unwrap();
    let check = tessera_api::apikeys::VerifyApiKeyRequest {
        apikey: Some(made.apikey.clone()),
        audience: Some("svc".into()),
        subject: Some("/data".into()),
        ip: None,
    };
    b.client().verify_apikey(&check).await.unwrap();

    // A restart finds the keys in the database and keeps them.
    a.stop().await;
    let a = instance(&db.url, &clock, None).await;
    a.validate(&from_b).await.unwrap();
    let (again, _) = a.login("admin", "admin").await;
    assert_eq!(kid(&again), kid(&from_a));
    b.client().verify_apikey(&check).await.unwrap();

    a.stop().await;
    b.stop().await;
    db.drop().await;
}

/// On PostgreSQL the start stops without the key-encryption key, saying which setting to give.
#[tokio::test]
async fn postgresql_without_the_key_encryption_key_does_not_start() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let config = tessera_server::config::Config {
        data_dir: tempfile::tempdir().unwrap().keep(),
        database_url: Some(db.url.clone()),
        jwt_secret_key: None,
        key_encryption_key: None,
        ..Default::default()
    };
    let clock = Arc::new(ManualClock::new(START));
    let err = tessera_server::serve::build_auth(&config, clock)
        .await
        .err()
        .expect("no start without the key-encryption key")
        .to_string();
    assert!(
        err.contains("key-encryption key") && err.contains("TESSERA_KEY_ENCRYPTION_KEY"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&config.data_dir);
    db.drop().await;
}
