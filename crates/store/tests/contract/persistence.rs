//! What the store keeps when it is closed and opened again.

use tessera_core::store::{RevokeReason, Rotation};
use tessera_core::Role;

use super::backends::TestDb;
use super::support::{
    add_user, get_user, new_user, next, open_session, revoked_ids, token, DAY, T0,
};

pub async fn data_survives_reopening(mut db: TestDb) {
    {
        let store = db.store();
        store
            .create_user(&new_user("alice", Role::Admin))
            .await
            .unwrap();
        add_user(&store, "bob").await;
        store.set_disabled("bob", true).await.unwrap();
        store.set_password_hash("alice", "$changed").await.unwrap();
        store
            .reserve_login_attempt("alice", None, T0, &super::lockout::policy(5))
            .await
            .unwrap();
        open_session(&store, "s1", "alice", T0).await;
        open_session(&store, "s2", "alice", T0).await;
        let outcome = store
            .rotate_refresh(&token("s1"), &next("s1-next", T0 + DAY), T0 + 10)
            .await
            .unwrap();
        assert!(
            matches!(outcome, Rotation::Rotated { .. }),
            "got {outcome:?}"
        );
        store
            .revoke_session("s2", T0 + 20, RevokeReason::Logout)
            .await
            .unwrap();
    }

    let store = db.reopen().await;

    assert_eq!(store.count_users().await.unwrap(), 2);
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.role, Role::Admin);
    assert_eq!(alice.password_hash, "$changed");
    assert_eq!(alice.failed_logins, 1);
    assert!(get_user(&store, "bob").await.disabled);

    assert!(!store.is_session_revoked("s1").await.unwrap());
    assert!(store.is_session_revoked("s2").await.unwrap());
    assert_eq!(revoked_ids(&store, T0).await, ["s2"]);
    assert_eq!(
        store
            .session_of_refresh(&token("s1-next"), T0 + 30)
            .await
            .unwrap(),
        Some(("s1".to_string(), "alice".to_string()))
    );
    assert_eq!(
        store
            .rotate_refresh(&token("s1"), &next("again", T0 + DAY), T0 + 40)
            .await
            .unwrap(),
        Rotation::Reused {
            session_id: "s1".into(),
            username: "alice".into()
        }
    );
}
