//! Scoped tokens: personal and resource tokens, stored by hash.

use std::sync::Arc;

use tessera_core::store::{NewResource, NewToken, TokenOwner, TokenUse};
use tessera_core::{Error, Store};

use super::backends::TestDb;
use super::support::{add_user, new_token, token, T0};

fn user(name: &str) -> TokenOwner {
    TokenOwner::User(name.to_string())
}

fn res(name: &str) -> TokenOwner {
    TokenOwner::Resource(name.to_string())
}

async fn setup(store: &Arc<dyn Store>) {
    add_user(store, "anna").await;
    add_user(store, "bob").await;
    store
        .create_resource(&NewResource {
            name: "plugin:x".into(),
            created_at: T0,
            maintainers: vec!["anna".into()],
        })
        .await
        .unwrap();
}

async fn create(store: &Arc<dyn Store>, token: NewToken) {
    store.create_token(&token).await.unwrap();
}

pub async fn tokens_read_back_by_hash_and_id(db: TestDb) {
    let store = db.store();
    setup(&store).await;
    create(&store, new_token("p1", user("anna"), Some(T0 + 60))).await;
    create(&store, new_token("r1", res("plugin:x"), None)).await;
    let p = store
        .token_by_hash(&token("hash-p1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.id, "p1");
    assert_eq!(p.owner, user("anna"));
    assert_eq!(p.description, "token p1");
    assert_eq!(p.scopes, r#"{"permissions":["read"]}"#);
    assert_eq!((p.created_by.as_str(), p.created_at), ("anna", T0));
    assert_eq!((p.expires_at, p.revoked_at), (Some(T0 + 60), None));
    assert_eq!((p.last_used_at, p.last_used_ip), (None, None));
    let r = store.token("r1").await.unwrap().unwrap();
    assert_eq!((r.owner, r.expires_at), (res("plugin:x"), None));
    assert!(store.token_by_hash(&token("nope")).await.unwrap().is_none());
    assert!(store.token("nope").await.unwrap().is_none());
}

pub async fn tokens_need_an_existing_owner_and_a_unique_id(db: TestDb) {
    let store = db.store();
    setup(&store).await;
    for owner in [user("ghost"), res("plugin:none")] {
        let got = store.create_token(&new_token("t", owner, None)).await;
        assert!(matches!(got, Err(Error::NotFound(_))), "{got:?}");
    }
    create(&store, new_token("t", user("anna"), None)).await;
    let dup = store.create_token(&new_token("t", user("bob"), None)).await;
    assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
}

pub async fn lists_hold_the_owners_live_tokens_in_creation_order(db: TestDb) {
    let store = db.store();
    setup(&store).await;
    for (id, owner) in [
        ("a1", user("anna")),
        ("b1", user("bob")),
        ("a2", user("anna")),
    ] {
        store
            .create_token(&new_token(id, owner, None))
            .await
            .unwrap();
    }
    create(&store, new_token("r1", res("plugin:x"), None)).await;
    create(&store, new_token("r2", res("plugin:x"), None)).await;
    assert!(store.revoke_token("r1", T0 + 5).await.unwrap());
    let ids =
        |v: Vec<tessera_core::store::TokenRecord>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_tokens(&user("anna")).await.unwrap()),
        ["a1", "a2"]
    );
    assert_eq!(ids(store.list_tokens(&user("bob")).await.unwrap()), ["b1"]);
    assert_eq!(
        ids(store.list_tokens(&res("plugin:x")).await.unwrap()),
        ["r2"]
    );
}

pub async fn revocation_is_once_and_read_back_since(db: TestDb) {
    let store = db.store();
    setup(&store).await;
    create(&store, new_token("a", user("anna"), None)).await;
    create(&store, new_token("b", user("anna"), None)).await;
    assert!(store.revoke_token("a", T0 + 10).await.unwrap());
    assert!(!store.revoke_token("a", T0 + 11).await.unwrap());
    assert!(!store.revoke_token("nope", T0 + 11).await.unwrap());
    assert!(store.revoke_token("b", T0 + 20).await.unwrap());
    let t = store.token("a").await.unwrap().unwrap();
    assert_eq!(t.revoked_at, Some(T0 + 10));
    let mut since: Vec<_> = store.revoked_tokens_since(T0 + 10).await.unwrap();
    since.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(since.len(), 2);
    assert_eq!((since[0].id.as_str(), since[0].revoked_at), ("a", T0 + 10));
    let later = store.revoked_tokens_since(T0 + 11).await.unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].id, "b");
    assert!(!store.set_token_description("a", "renamed").await.unwrap());
}

pub async fn descriptions_change_on_live_tokens(db: TestDb) {
    let store = db.store();
    setup(&store).await;
    create(&store, new_token("r", res("plugin:x"), None)).await;
    assert!(store
        .set_token_description("r", "GitHub Actions")
        .await
        .unwrap());
    assert!(!store.set_token_description("nope", "x").await.unwrap());
    assert_eq!(
        store.token("r").await.unwrap().unwrap().description,
        "GitHub Actions"
    );
}

pub async fn uses_are_written_in_batches_and_never_go_back_in_time(db: TestDb) {
    let store = db.store();
    setup(&store).await;
    create(&store, new_token("a", user("anna"), None)).await;
    create(&store, new_token("b", res("plugin:x"), None)).await;
    let at = |id: &str, at: i64, ip: &str| TokenUse {
        id: id.to_string(),
        at,
        ip: Some(ip.to_string()),
    };
    store
        .record_token_uses(&[
            at("a", T0 + 50, "10.0.0.1"),
            at("b", T0 + 40, "::1"),
            at("ghost", T0, "x"),
        ])
        .await
        .unwrap();
    store
        .record_token_uses(&[at("a", T0 + 30, "10.0.0.9")])
        .await
        .unwrap();
    store.record_token_uses(&[]).await.unwrap();
    let a = store.token("a").await.unwrap().unwrap();
    assert_eq!(
        (a.last_used_at, a.last_used_ip.as_deref()),
        (Some(T0 + 50), Some("10.0.0.1"))
    );
    let b = store.token("b").await.unwrap().unwrap();
    assert_eq!(
        (b.last_used_at, b.last_used_ip.as_deref()),
        (Some(T0 + 40), Some("::1"))
    );
}

pub async fn resource_tokens_outlive_their_creators_maintainership(db: TestDb) {
    let store = db.store();
    setup(&store).await;
    create(&store, new_token("r", res("plugin:x"), None)).await;
    assert!(store.remove_maintainer("plugin:x", "anna").await.unwrap());
    assert!(store.set_disabled("anna", true).await.unwrap());
    let r = store
        .token_by_hash(&token("hash-r"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.created_by.as_str(), r.revoked_at), ("anna", None));
}
