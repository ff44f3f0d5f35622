//! API keys follow their user's role: a user lowered to reader keeps their keys, but they
//! neither verify nor refresh until the role allows API keys again.

use tessera_core::{Clock, Role};

use super::{contributor, create_ok, refresh, svc, verify_key};
use crate::common::{assert_refused, TestServer};

#[tokio::test]
async fn a_user_lowered_to_reader_can_neither_verify_nor_refresh_their_keys() {
    let s = TestServer::start().await;
    let auth = s.running.as_ref().unwrap().auth.clone();
    let carol = contributor(&s, "carol").await;
    let key = create_ok(&s, &carol, svc()).await;
    verify_key(&s, &key.apikey).await.unwrap();

    auth.set_role("carol", Role::Reader).await.unwrap();
    assert_refused(&verify_key(&s, &key.apikey).await, 403, "forbidden");
    assert_refused(&refresh(&s, &key.refresh_token).await, 403, "forbidden");

    // Nothing was spent: raised again, the same key and refresh token work.
    auth.set_role("carol", Role::Contributor).await.unwrap();
    verify_key(&s, &key.apikey).await.unwrap();
    let next = refresh(&s, &key.refresh_token).await.unwrap();
    verify_key(&s, &next.apikey).await.unwrap();
}

#[tokio::test]
async fn a_refresh_reads_the_role_from_the_store_not_from_a_cached_profile() {
    let s = TestServer::start().await;
    let auth = s.running.as_ref().unwrap().auth.clone();
    let carol = contributor(&s, "carol").await;
    let key = create_ok(&s, &carol, svc()).await;
    verify_key(&s, &key.apikey).await.unwrap();

    // Lowered by another instance whose announcement has not arrived: this instance's
    // cached profile still says contributor, the store says reader.
    let store = auth.store().clone();
    assert!(store
        .set_user_role("carol", Role::Reader, s.clock.now())
        .await
        .unwrap());
    verify_key(&s, &key.apikey)
        .await
        .expect("verification reads the cached profile, as validation does");
    assert_refused(&refresh(&s, &key.refresh_token).await, 403, "forbidden");
}
