//! Several instances on one PostgreSQL database share one key set: a rotation or retirement
//! made on one is taken up by the others through the revocation log's catch-up.

use std::sync::Arc;

use tessera_core::signing::KeyAlg;
use tessera_core::ManualClock;
use tessera_server::config::Secret;

use crate::backends::{fresh_postgres, TEST_KEK};
use crate::common::{assert_refused, TestServer, START};

fn kid(token: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let header: serde_json::Value =
        serde_json::from_slice(&B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_rotation_and_a_retirement_on_one_instance_reach_the_others() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let clock = Arc::new(ManualClock::new(START));
    let start = |url: String| {
        let clock = clock.clone();
        async move {
            let dir = Arc::new(tempfile::tempdir().unwrap());
            TestServer::start_in(dir, clock, |c| {
                c.database_url = Some(url);
                c.jwt_secret_key = Some(Secret::new("one key for every instance of this database"));
                c.key_encryption_key = Some(Secret::new(TEST_KEK));
            })
            .await
        }
    };
    let a = start(db.url.clone()).await;
    let b = start(db.url.clone()).await;
    let auth = |s: &TestServer| s.running.as_ref().unwrap().auth.clone();

    let (hs, _) = a.login("admin", "admin").await;
    b.validate(&hs).await.unwrap();
    let old_kid = kid(&hs);

    let new = auth(&a).rotate_keys(Some(KeyAlg::EdDsa)).await.unwrap();
    auth(&b).sync_revocations().await.unwrap();
    let published: Vec<String> = auth(&b)
        .jwks()
        .keys
        .iter()
        .filter_map(|k| k.common.key_id.clone())
        .collect();
    assert_eq!(published, vec![new.kid.clone()], "b publishes a's new key");

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
