//! What changes a user's tokens: role changes read back by the catch-up sync, and revoking a
//! user's personal tokens when the user is disabled.

use tessera_core::store::{NewResource, TokenOwner, UserChange};
use tessera_core::Role;

use super::backends::TestDb;
use super::support::{add_user, new_token, strings, T0};

pub async fn role_changes_are_read_back_since_with_the_latest_time(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    add_user(&store, "bob").await;
    // An admin besides anna, so that she may be demoted again.
    store
        .create_user(&super::support::new_user("root", Role::Admin))
        .await
        .unwrap();
    assert!(store.users_changed_since(T0).await.unwrap().is_empty());
    store
        .set_user_role("anna", Role::Admin, T0 + 10)
        .await
        .unwrap();
    store
        .set_user_role("bob", Role::Contributor, T0 + 20)
        .await
        .unwrap();
    store
        .set_user_role("anna", Role::Reader, T0 + 30)
        .await
        .unwrap();
    let mut since = store.users_changed_since(T0 + 20).await.unwrap();
    since.sort_by(|a, b| a.username.cmp(&b.username));
    let change = |u: &str, at| UserChange {
        username: u.into(),
        changed_at: at,
    };
    assert_eq!(since, vec![change("anna", T0 + 30), change("bob", T0 + 20)]);
    let later = store.users_changed_since(T0 + 21).await.unwrap();
    assert_eq!(later, vec![change("anna", T0 + 30)]);
}

pub async fn role_changes_of_unknown_users_record_nothing(db: TestDb) {
    let store = db.store();
    assert!(!store.set_user_role("ghost", Role::Admin, T0).await.unwrap());
    assert!(store.users_changed_since(0).await.unwrap().is_empty());
}

pub async fn revoke_user_tokens_ends_exactly_that_users_live_personal_tokens(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    add_user(&store, "bob").await;
    store
        .create_resource(&NewResource {
            name: "plugin:x".into(),
            created_at: T0,
            maintainers: vec!["anna".into()],
        })
        .await
        .unwrap();
    let anna = || TokenOwner::User("anna".into());
    for t in [
        new_token("live1", anna(), Some(T0 + 100)),
        new_token("live2", anna(), None),
        new_token("expired", anna(), Some(T0 + 5)),
        new_token("revoked", anna(), Some(T0 + 100)),
        new_token("bobs", TokenOwner::User("bob".into()), Some(T0 + 100)),
        new_token("res", TokenOwner::Resource("plugin:x".into()), None),
    ] {
        store.create_token(&t).await.unwrap();
    }
    store.revoke_token("revoked", T0 + 1).await.unwrap();
    let mut ids = store.revoke_user_tokens("anna", T0 + 10).await.unwrap();
    ids.sort();
    assert_eq!(ids, strings(&["live1", "live2"]));
    for id in ["live1", "live2"] {
        let t = store.token(id).await.unwrap().unwrap();
        assert_eq!(t.revoked_at, Some(T0 + 10), "{id}");
    }
    let revoked = store.token("revoked").await.unwrap().unwrap();
    assert_eq!(
        revoked.revoked_at,
        Some(T0 + 1),
        "an earlier revocation stays"
    );
    for id in ["expired", "bobs", "res"] {
        let t = store.token(id).await.unwrap().unwrap();
        assert_eq!(t.revoked_at, None, "{id}");
    }
    assert!(store
        .revoke_user_tokens("anna", T0 + 11)
        .await
        .unwrap()
        .is_empty());
    let since = store.revoked_tokens_since(T0 + 10).await.unwrap();
    assert_eq!(since.len(), 2, "the catch-up sync sees them");
}
