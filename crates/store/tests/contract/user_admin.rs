//! Managing users: the list a page at a time, the fullname, the last login, the last-admin
//! rule (also under concurrent changes) and deletion.

use std::sync::Arc;

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{AuditQuery, NewResource, TokenOwner, Unchanged, UserQuery};
use tessera_core::{Error, Role, Store};

use super::apikeys::key;
use super::backends::TestDb;
use super::support::{get_user, new_token, new_user, open_session, session, T0};

fn names(users: &[tessera_core::User]) -> Vec<&str> {
    users.iter().map(|u| u.username.as_str()).collect()
}

fn page(limit: u32) -> UserQuery {
    UserQuery {
        limit,
        ..UserQuery::default()
    }
}

async fn add(store: &Arc<dyn Store>, name: &str, role: Role) {
    store.create_user(&new_user(name, role)).await.unwrap();
}

pub async fn pages_filter_by_prefix_role_and_state(db: TestDb) {
    let store = db.store();
    for (name, role) in [
        ("anna", Role::Admin),
        ("anton", Role::Reader),
        ("bert", Role::Reader),
        ("a_b", Role::Contributor),
    ] {
        add(&store, name, role).await;
    }
    let mut carl = new_user("carl", Role::Reader);
    carl.fullname = "Anselm Carl".into();
    store.create_user(&carl).await.unwrap();
    store.set_disabled("bert", true).await.unwrap();

    let all = store.list_users_page(&page(10)).await.unwrap();
    assert_eq!(names(&all), ["a_b", "anna", "anton", "bert", "carl"]);
    let first = store.list_users_page(&page(2)).await.unwrap();
    assert_eq!(names(&first), ["a_b", "anna"]);
    let rest = UserQuery {
        after: Some("anna".into()),
        ..page(10)
    };
    assert_eq!(
        names(&store.list_users_page(&rest).await.unwrap()),
        ["anton", "bert", "carl"]
    );
    // A prefix of the username or (lower-cased) the fullname; `_` is no wildcard.
    let an = UserQuery {
        prefix: Some("an".into()),
        ..page(10)
    };
    assert_eq!(
        names(&store.list_users_page(&an).await.unwrap()),
        ["anna", "anton", "carl"]
    );
    let underscore = UserQuery {
        prefix: Some("a_".into()),
        ..page(10)
    };
    assert_eq!(
        names(&store.list_users_page(&underscore).await.unwrap()),
        ["a_b"]
    );
    let readers = UserQuery {
        role: Some(Role::Reader),
        disabled: Some(false),
        ..page(10)
    };
    assert_eq!(
        names(&store.list_users_page(&readers).await.unwrap()),
        ["anton", "carl"]
    );
    let disabled = UserQuery {
        disabled: Some(true),
        ..page(10)
    };
    assert_eq!(
        names(&store.list_users_page(&disabled).await.unwrap()),
        ["bert"]
    );
}

pub async fn fullname_changes_for_known_users_only(db: TestDb) {
    let store = db.store();
    add(&store, "anna", Role::Reader).await;
    let stamp = get_user(&store, "anna").await.security_stamp;
    let audit = AuditEvent::new(AuditKind::UserUpdated, T0).subject("anna");
    assert!(store
        .set_fullname_audited("anna", "Anna Maria", std::slice::from_ref(&audit))
        .await
        .unwrap());
    let anna = get_user(&store, "anna").await;
    assert_eq!(anna.fullname, "Anna Maria");
    assert_eq!(
        anna.security_stamp, stamp,
        "a fullname is no security change"
    );
    assert!(!store
        .set_fullname_audited("nobody", "X", &[audit])
        .await
        .unwrap());
    let events = store
        .audit_events(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "no event without a change");
}

pub async fn a_login_records_its_time(db: TestDb) {
    let store = db.store();
    add(&store, "anna", Role::Reader).await;
    open_session(&store, "plain", "anna", T0).await;
    assert_eq!(get_user(&store, "anna").await.last_login_at, None);
    let mut login = session("login", "anna", T0 + 60, T0 + 3600);
    login.requires = Some(Unchanged {
        username: "anna".into(),
        stamp: 0,
        session_id: None,
    });
    store
        .create_session(&login, 5, SessionLimitPolicy::EvictOldest)
        .await
        .unwrap();
    assert_eq!(get_user(&store, "anna").await.last_login_at, Some(T0 + 60));
}

pub async fn the_last_enabled_admin_stays(db: TestDb) {
    let store = db.store();
    add(&store, "root", Role::Admin).await;
    add(&store, "anna", Role::Reader).await;
    let last = |r: Result<bool, Error>| matches!(r, Err(Error::LastAdmin(_)));
    assert!(last(store.set_disabled("root", true).await));
    assert!(last(store.set_user_role("root", Role::Reader, T0).await));
    assert!(matches!(
        store.delete_user_audited("root", T0, &[]).await,
        Err(Error::LastAdmin(_))
    ));
    assert_eq!(get_user(&store, "root").await.role, Role::Admin);
    // A disabled admin is no admin to fall back on.
    add(&store, "spare", Role::Admin).await;
    store.set_disabled("spare", true).await.unwrap();
    assert!(last(store.set_user_role("root", Role::Reader, T0).await));
    // With another enabled admin, each change goes through; others never needed one.
    store.set_disabled("spare", false).await.unwrap();
    assert!(store
        .set_user_role("root", Role::Contributor, T0)
        .await
        .unwrap());
    assert!(last(store.set_disabled("spare", true).await));
    assert!(store.set_disabled("anna", true).await.unwrap());
    assert!(!store.set_disabled("nobody", true).await.unwrap());
}

pub async fn two_admins_demoting_each_other_leave_one(db: TestDb) {
    let store = db.store();
    let other = db.open_another().await;
    for round in 0..5 {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        add(&store, &a, Role::Admin).await;
        add(&store, &b, Role::Admin).await;
        if round > 0 {
            // Only the two of this round are enabled admins.
            let prev = format!("a{}", round - 1);
            let kept = if get_user(&store, &prev).await.role == Role::Admin {
                prev
            } else {
                format!("b{}", round - 1)
            };
            store.set_disabled(&kept, true).await.unwrap();
        }
        let (x, y) = tokio::join!(
            store.set_user_role(&a, Role::Reader, T0),
            other.set_user_role(&b, Role::Reader, T0),
        );
        let refused = [&x, &y]
            .iter()
            .filter(|r| matches!(r, Err(Error::LastAdmin(_))))
            .count();
        assert_eq!(refused, 1, "round {round}: {x:?} {y:?}");
        let admins = store
            .list_users_page(&UserQuery {
                role: Some(Role::Admin),
                disabled: Some(false),
                ..page(10)
            })
            .await
            .unwrap();
        assert_eq!(admins.len(), 1, "round {round}");
    }
}

pub async fn deleting_ends_credentials_and_frees_the_name(db: TestDb) {
    let store = db.store();
    add(&store, "root", Role::Admin).await;
    add(&store, "anna", Role::Contributor).await;
    open_session(&store, "s-anna", "anna", T0).await;
    store
        .create_apikey(&key("k-anna", "anna", T0))
        .await
        .unwrap();
    let personal = new_token("pat", TokenOwner::User("anna".into()), None);
    store.create_token(&personal).await.unwrap();
    store
        .create_resource(&NewResource {
            name: "plugin".into(),
            created_at: T0,
            maintainers: vec!["anna".into(), "root".into()],
        })
        .await
        .unwrap();
    let mut made = new_token("rt", TokenOwner::Resource("plugin".into()), None);
    made.created_by = "anna".into();
    store.create_token(&made).await.unwrap();
    let audit = AuditEvent::new(AuditKind::UserDeleted, T0 + 10)
        .actor("root")
        .subject("anna");

    let deleted = store
        .delete_user_audited("anna", T0 + 10, &[audit])
        .await
        .unwrap()
        .expect("anna existed");
    assert_eq!(deleted.sessions, ["s-anna"]);
    assert_eq!(deleted.apikeys, ["k-anna"]);
    assert_eq!(deleted.tokens, ["pat"]);
    assert!(
        deleted.tombstone.starts_with("anna#"),
        "{}",
        deleted.tombstone
    );
    assert_eq!(store.user("anna").await.unwrap(), None);
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(names(&store.list_users().await.unwrap()), ["root"]);
    assert!(store.is_session_revoked("s-anna").await.unwrap());
    assert!(store.is_apikey_revoked("k-anna").await.unwrap());
    assert!(store
        .token("pat")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    // The resource token she made keeps working, tied to her, not to her name.
    let rt = store.token("rt").await.unwrap().unwrap();
    assert_eq!(rt.revoked_at, None);
    assert_eq!(rt.created_by, deleted.tombstone);
    let plugin = store.resource("plugin").await.unwrap().unwrap();
    assert_eq!(plugin.maintainers, ["root"]);
    // The revocation log tells other instances.
    let log = store
        .read_revocation_log(
            tessera_core::store::LogCursor::Start { keep: 1 << 40 },
            T0 + 10,
        )
        .await
        .unwrap();
    let keys: Vec<String> = log.entries.iter().map(|e| e.key.to_string()).collect();
    for wanted in ["s-anna", "apikey:k-anna", "tok:pat", "user:anna"] {
        assert!(keys.iter().any(|k| k == wanted), "{wanted} in {keys:?}");
    }

    // A new anna inherits nothing: no events, tokens, keys or maintainerships.
    add(&store, "anna", Role::Reader).await;
    let hers = AuditQuery {
        user: Some("anna".into()),
        limit: 10,
        ..AuditQuery::default()
    };
    assert!(store.audit_events(&hers).await.unwrap().is_empty());
    assert!(store
        .list_tokens(&TokenOwner::User("anna".into()))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_apikeys("anna", T0 + 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store.list_resources(Some("anna")).await.unwrap().is_empty());
    // The deleted user's event stays, and can name no one alive.
    let all = AuditQuery {
        limit: 10,
        ..AuditQuery::default()
    };
    let events = store.audit_events(&all).await.unwrap();
    assert_eq!(events[0].event, "user_deleted");
    // Deleting again, or an unknown user, finds no one.
    let again = store.delete_user_audited("nobody", T0, &[]).await.unwrap();
    assert_eq!(again, None);
    let first = store.list_users_page(&page(10)).await.unwrap();
    assert_eq!(names(&first), ["anna", "root"]);
}
