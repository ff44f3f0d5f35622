//! Revoking a key by an id its holder has since refreshed away, and refreshes of a user
//! disabled by another instance.

use super::{contributor, create_ok, refresh, svc, verify_key};
use crate::common::{assert_refused, reason, TestServer, START};

#[tokio::test]
async fn revoking_a_replaced_id_revokes_the_live_successor() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let dave = contributor(&s, "dave").await;
    let k1 = create_ok(&s, &carol, svc()).await;
    let other = create_ok(&s, &carol, svc()).await;
    let listed = s.bearer(&carol).await.list_apikeys().await.unwrap();
    assert!(listed.apikeys.iter().any(|k| k.id == k1.apikey_id));
    // The holder refreshes twice after the id was listed.
    let k2 = refresh(&s, &k1.refresh_token).await.unwrap();
    let k3 = refresh(&s, &k2.refresh_token).await.unwrap();
    let path = &k1.apikey_id;

    assert_refused(
        &s.bearer(&dave).await.revoke_apikey(path).await,
        404,
        "not_found",
    );
    verify_key(&s, &k3.apikey).await.unwrap();
    s.bearer(&carol).await.revoke_apikey(path).await.unwrap();
    // Refused at once, from the revocation set: the feed is live, the store is not read.
    assert_refused(&verify_key(&s, &k3.apikey).await, 401, "token_revoked");
    assert_refused(&refresh(&s, &k3.refresh_token).await, 401, "token_revoked");
    assert_refused(
        &s.bearer(&carol).await.revoke_apikey(path).await,
        404,
        "not_found",
    );
    assert_refused(
        &s.bearer(&carol).await.revoke_apikey(&k2.apikey_id).await,
        404,
        "not_found",
    );
    let listed = s.bearer(&carol).await.list_apikeys().await.unwrap();
    assert_eq!(listed.apikeys.len(), 1, "{listed:?}");
    assert_eq!(listed.apikeys[0].id, other.apikey_id);
    verify_key(&s, &other.apikey).await.unwrap();
}

#[tokio::test]
async fn a_user_disabled_elsewhere_gets_no_new_key() {
    let s = TestServer::start().await;
    let carol = contributor(&s, "carol").await;
    let k1 = create_ok(&s, &carol, svc()).await;
    // This instance has carol's profile cached as enabled.
    verify_key(&s, &k1.apikey).await.unwrap();
    let store = s.running.as_ref().unwrap().auth.store().clone();
    // Another instance disabled her; its revocation of her keys has not landed yet.
    assert!(store.set_disabled("carol", true).await.unwrap());

    let got = refresh(&s, &k1.refresh_token).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("account disabled"));
    let live = store.list_apikeys("carol", START).await.unwrap();
    let ids: Vec<&str> = live.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, [k1.apikey_id]);
}
