//! Scoped-token validation from memory: the cache, the revocation set and feed, and last-use
//! records flushed in batches.

use serde_json::json;
use tessera_core::feed::Revocation;
use tessera_core::scopes::Scopes;
use tessera_core::store::{NewToken, TokenOwner};
use tessera_core::RevocationKey;
use tessera_core::{Clock, Permission};

use crate::common::{assert_refused, TestServer, START};
use crate::scoped_support::{auth, personal};

#[tokio::test]
async fn revocations_reach_a_cached_token_through_the_set_and_the_sync() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (a, a_id) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    let (b, b_id) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    s.validate(&a).await.unwrap();
    s.validate(&b).await.unwrap();

    // Revoked by "another instance" in the shared store: this one answers from memory until
    // the revocation reaches it by the feed or the catch-up sync, never from the database.
    let store = auth(&s).store().clone();
    assert!(store.revoke_token(&a_id, s.clock.now()).await.unwrap());
    s.validate(&a).await.unwrap();
    auth(&s).sync_revocations().await.unwrap();
    assert_refused(&s.validate(&a).await, 401, "invalid_token");

    auth(&s).apply_remote(&Revocation {
        key: RevocationKey::ScopedToken(b_id.clone()),
        revoked_at: s.clock.now(),
    });
    assert_refused(&s.validate(&b).await, 401, "invalid_token");
}

#[tokio::test]
async fn while_the_feed_is_down_validation_reads_the_store() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (token, id) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    s.validate(&token).await.unwrap();
    auth(&s).set_feed_live(false);
    let store = auth(&s).store().clone();
    assert!(store.revoke_token(&id, s.clock.now()).await.unwrap());
    assert_refused(&s.validate(&token).await, 401, "invalid_token");
}

#[tokio::test]
async fn last_use_is_flushed_in_one_batch_and_at_shutdown() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (token, _) = personal(&s, &admin, json!({"a": "read"}), 3600).await;
    for _ in 0..3 {
        s.validate(&token).await.unwrap();
    }
    s.clock.advance(7);
    s.validate(&token).await.unwrap();
    assert_eq!(auth(&s).flush_token_uses().await.unwrap(), 1);
    assert_eq!(auth(&s).flush_token_uses().await.unwrap(), 0);
    let list = s.bearer(&admin).await.list_tokens().await.unwrap();
    assert_eq!(list.tokens[0].last_used_at, Some(START + 7));
    assert_eq!(list.tokens[0].last_used_ip.as_deref(), Some("127.0.0.1"));

    s.clock.advance(5);
    s.validate(&token).await.unwrap();
    let (dir, clock) = s.stop().await;
    let s = TestServer::start_in(dir, clock, |_| {}).await;
    let (admin, _) = s.login("admin", "admin").await;
    let list = s.bearer(&admin).await.list_tokens().await.unwrap();
    assert_eq!(list.tokens[0].last_used_at, Some(START + 12));
    s.validate(&token).await.expect("tokens survive restarts");
}

#[tokio::test]
async fn an_unknown_token_is_not_remembered_as_unknown() {
    let s = TestServer::start().await;
    let secret = tessera_core::scoped_secret::new_scoped_secret();
    assert_refused(&s.validate(&secret.plain).await, 401, "invalid_token");

    // Stored afterwards (as if made on another instance): known at once, not 30 s later.
    let store = auth(&s).store().clone();
    store
        .create_token(&NewToken {
            id: "0123456789abcdef".into(),
            hash: secret.hash.clone(),
            owner: TokenOwner::User("admin".into()),
            description: "made elsewhere".into(),
            scopes: Scopes::Permissions(vec![Permission::Read]).to_json(),
            created_by: "admin".into(),
            created_at: START,
            expires_at: Some(START + 600),
            requires: None,
        })
        .await
        .unwrap();
    let v = s.validate(&secret.plain).await;
    assert!(v.is_ok(), "{v:?}");
}
