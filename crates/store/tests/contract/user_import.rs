//! Creating several users at once (an import): all of them with their events, or none.

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::store::AuditQuery;
use tessera_core::{Error, Role};

use super::backends::TestDb;
use super::support::{add_user, get_user, new_user, T0};

fn created(name: &str) -> AuditEvent {
    AuditEvent::new(AuditKind::UserCreated, T0).subject(name)
}

async fn created_subjects(db: &TestDb) -> Vec<String> {
    let query = AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    };
    let mut subjects: Vec<String> = db
        .store()
        .audit_events(&query)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.event == "user_created")
        .filter_map(|r| r.subject)
        .collect();
    subjects.sort();
    subjects
}

pub async fn users_are_created_together_with_their_events_and_flags(db: TestDb) {
    let store = db.store();
    let users = [
        (new_user("anna", Role::Contributor), false),
        (new_user("bert", Role::Reader), true),
        (new_user("cleo", Role::Admin), false),
    ];
    let events = [created("anna"), created("bert"), created("cleo")];
    store.create_users_audited(&users, &events).await.unwrap();

    for (new, disabled) in &users {
        let user = get_user(&store, new.username.as_str()).await;
        assert_eq!(user.role, new.role);
        assert_eq!(user.password_hash, new.password_hash, "the hash is kept");
        assert_eq!(user.fullname, new.fullname);
        assert_eq!(user.disabled, *disabled, "{}", new.username);
    }
    assert_eq!(created_subjects(&db).await, ["anna", "bert", "cleo"]);
}

pub async fn one_taken_username_creates_nobody(db: TestDb) {
    let store = db.store();
    add_user(&store, "bert").await;
    let users = [
        (new_user("anna", Role::Reader), true),
        (new_user("bert", Role::Admin), false),
        (new_user("cleo", Role::Reader), false),
    ];
    let events = [created("anna"), created("bert"), created("cleo")];
    let err = store
        .create_users_audited(&users, &events)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");

    assert_eq!(store.count_users().await.unwrap(), 1, "nobody was created");
    assert_eq!(store.user("anna").await.unwrap(), None);
    let bert = get_user(&store, "bert").await;
    assert_eq!(
        bert.role,
        Role::Contributor,
        "the existing user is unchanged"
    );
    assert!(created_subjects(&db).await.is_empty(), "no event was kept");
}

pub async fn an_empty_import_changes_nothing(db: TestDb) {
    let store = db.store();
    store.create_users_audited(&[], &[]).await.unwrap();
    assert_eq!(store.count_users().await.unwrap(), 0);
}
