//! Creating, reading, listing and updating users.

use tessera_core::{Error, Role, User};

use super::backends::TestDb;
use super::support::{add_user, get_user, new_user, username, T0};

pub async fn created_user_reads_back_with_every_field(db: TestDb) {
    let store = db.store();
    let new = new_user("alice", Role::Contributor);
    store.create_user(&new).await.unwrap();

    let user = store.user("alice").await.unwrap();
    assert_eq!(
        user,
        Some(User {
            username: username("alice"),
            fullname: new.fullname.clone(),
            password_hash: new.password_hash.clone(),
            role: Role::Contributor,
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            created_at: T0,
            security_stamp: 0,
            must_change_password: false,
            last_login_at: None,
        })
    );
}

pub async fn unknown_user_is_none(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    assert_eq!(store.user("bob").await.unwrap(), None);
    assert_eq!(store.user("").await.unwrap(), None);
}

pub async fn every_role_round_trips(db: TestDb) {
    let store = db.store();
    for (name, role) in [
        ("reader", Role::Reader),
        ("contributor", Role::Contributor),
        ("admin", Role::Admin),
    ] {
        store.create_user(&new_user(name, role)).await.unwrap();
        assert_eq!(get_user(&store, name).await.role, role);
    }
}

pub async fn duplicate_username_is_a_conflict(db: TestDb) {
    let store = db.store();
    store
        .create_user(&new_user("alice", Role::Admin))
        .await
        .unwrap();

    let mut again = new_user("alice", Role::Reader);
    again.fullname = "Someone Else".into();
    let err = store.create_user(&again).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "got {err:?}");

    assert_eq!(store.count_users().await.unwrap(), 1);
    let kept = get_user(&store, "alice").await;
    assert_eq!(kept.role, Role::Admin);
    assert_eq!(kept.fullname, "alice full name");
}

pub async fn list_and_count_cover_all_users(db: TestDb) {
    let store = db.store();
    assert_eq!(store.count_users().await.unwrap(), 0);
    assert!(store.list_users().await.unwrap().is_empty());

    for name in ["carol", "alice", "bob"] {
        add_user(&store, name).await;
    }

    assert_eq!(store.count_users().await.unwrap(), 3);
    let listed: Vec<String> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username.to_string())
        .collect();
    assert_eq!(listed, ["alice", "bob", "carol"]);
}

pub async fn set_password_hash_updates_known_users_only(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    let bob_before = get_user(&store, "bob").await;

    assert!(store.set_password_hash("alice", "$new-hash").await.unwrap());
    assert_eq!(get_user(&store, "alice").await.password_hash, "$new-hash");
    assert_eq!(get_user(&store, "bob").await, bob_before);

    assert!(!store
        .set_password_hash("nobody", "$new-hash")
        .await
        .unwrap());
    assert_eq!(store.user("nobody").await.unwrap(), None);
    assert_eq!(store.count_users().await.unwrap(), 2);
}

pub async fn set_disabled_updates_known_users_only(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;

    assert!(store.set_disabled("alice", true).await.unwrap());
    assert!(get_user(&store, "alice").await.disabled);
    assert!(!get_user(&store, "bob").await.disabled);

    assert!(store.set_disabled("alice", false).await.unwrap());
    assert!(!get_user(&store, "alice").await.disabled);

    assert!(!store.set_disabled("nobody", true).await.unwrap());
    assert_eq!(store.user("nobody").await.unwrap(), None);
}
