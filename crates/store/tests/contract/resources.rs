//! Resources and their maintainers.

use tessera_core::store::NewResource;
use tessera_core::{Error, Role};

use super::backends::TestDb;
use super::support::{add_user, get_user, strings, T0};

fn resource(name: &str, maintainers: &[&str]) -> NewResource {
    NewResource {
        name: name.to_string(),
        created_at: T0,
        maintainers: strings(maintainers),
    }
}

pub async fn resources_read_back_with_their_maintainers(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    add_user(&store, "bob").await;
    store
        .create_resource(&resource("plugin:fancy", &["bob", "anna"]))
        .await
        .unwrap();
    store
        .create_resource(&resource("plugin:other", &[]))
        .await
        .unwrap();
    let got = store.resource("plugin:fancy").await.unwrap().unwrap();
    assert_eq!(got.created_at, T0);
    assert_eq!(got.maintainers, strings(&["anna", "bob"]));
    assert!(store.resource("plugin:none").await.unwrap().is_none());

    let all = store.list_resources(None).await.unwrap();
    let names: Vec<_> = all.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["plugin:fancy", "plugin:other"]);
    let mine = store.list_resources(Some("anna")).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].name, "plugin:fancy");
    assert!(store
        .list_resources(Some("nobody"))
        .await
        .unwrap()
        .is_empty());
}

pub async fn duplicate_resource_is_a_conflict_and_unknown_maintainer_creates_nothing(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    store
        .create_resource(&resource("r1", &["anna"]))
        .await
        .unwrap();
    let dup = store.create_resource(&resource("r1", &[])).await;
    assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
    let ghost = store
        .create_resource(&resource("r2", &["anna", "ghost"]))
        .await;
    assert!(matches!(ghost, Err(Error::NotFound(_))), "{ghost:?}");
    assert!(store.resource("r2").await.unwrap().is_none());
}

pub async fn maintainers_are_added_once_and_removed(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    add_user(&store, "bob").await;
    store
        .create_resource(&resource("r", &["anna"]))
        .await
        .unwrap();
    assert!(store.add_maintainer("r", "bob", T0).await.unwrap());
    assert!(!store.add_maintainer("r", "bob", T0).await.unwrap());
    let unknown_user = store.add_maintainer("r", "ghost", T0).await;
    assert!(matches!(unknown_user, Err(Error::NotFound(_))));
    let unknown_resource = store.add_maintainer("nope", "bob", T0).await;
    assert!(matches!(unknown_resource, Err(Error::NotFound(_))));
    let got = store.resource("r").await.unwrap().unwrap();
    assert_eq!(got.maintainers, strings(&["anna", "bob"]));

    assert!(store.remove_maintainer("r", "anna").await.unwrap());
    assert!(!store.remove_maintainer("r", "anna").await.unwrap());
    let got = store.resource("r").await.unwrap().unwrap();
    assert_eq!(got.maintainers, strings(&["bob"]));
}

pub async fn set_user_role_changes_known_users_only(db: TestDb) {
    let store = db.store();
    add_user(&store, "anna").await;
    assert!(store.set_user_role("anna", Role::Admin, T0).await.unwrap());
    assert_eq!(get_user(&store, "anna").await.role, Role::Admin);
    assert!(!store.set_user_role("ghost", Role::Admin, T0).await.unwrap());
}
