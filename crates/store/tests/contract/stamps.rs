//! The security stamp: changed in the same statement as the password, the role or the disabled
//! flag (not by a rehash, which replaces only the hash it checked), and required unchanged in
//! the transaction that stores a session, an API key or a personal token.

use std::sync::Arc;

use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{ApiKeyRevokeReason, RevokeReason, TokenOwner, Unchanged};
use tessera_core::{Error, Role, Store};

use super::apikeys::key;
use super::backends::TestDb;
use super::support::{add_user, get_user, new_token, open_session, session, DAY, T0};

fn requires(stamp: i64, session_id: Option<&str>) -> Option<Unchanged> {
    Some(Unchanged {
        username: "alice".into(),
        stamp,
        session_id: session_id.map(str::to_string),
    })
}

fn assert_broken<T: std::fmt::Debug>(result: Result<T, Error>) {
    let err = result.expect_err("the user changed: refused");
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
}

async fn stamp(store: &Arc<dyn Store>) -> i64 {
    get_user(store, "alice").await.security_stamp
}

pub async fn password_role_and_disabled_changes_bump_the_stamp(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    assert_eq!(stamp(&store).await, 0);
    store.set_password_hash("alice", "$reset").await.unwrap();
    assert_eq!(stamp(&store).await, 1);
    store.set_disabled("alice", true).await.unwrap();
    assert_eq!(stamp(&store).await, 2);
    store.set_disabled("alice", false).await.unwrap();
    assert_eq!(stamp(&store).await, 3);
    store.set_user_role("alice", Role::Admin, T0).await.unwrap();
    assert_eq!(stamp(&store).await, 4);

    assert!(store
        .upgrade_password_hash("alice", "$reset", "$rehashed")
        .await
        .unwrap());
    store
        .reserve_login_attempt("alice", None, T0, &super::lockout::policy(3))
        .await
        .unwrap();
    store.clear_login_failures("alice").await.unwrap();
    let alice = get_user(&store, "alice").await;
    assert_eq!(
        (alice.password_hash.as_str(), alice.security_stamp),
        ("$rehashed", 4),
        "a rehash and the lockout leave the stamp"
    );
    assert_eq!(get_user(&store, "bob").await.security_stamp, 0);
}

pub async fn a_rehash_never_replaces_a_new_password(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    let checked = get_user(&store, "alice").await.password_hash;
    store.set_password_hash("alice", "$reset").await.unwrap();
    assert!(!store
        .upgrade_password_hash("alice", &checked, "$old-password-rehashed")
        .await
        .unwrap());
    assert_eq!(get_user(&store, "alice").await.password_hash, "$reset");
    assert!(!store
        .upgrade_password_hash("nobody", &checked, "$x")
        .await
        .unwrap());
}

pub async fn a_session_is_stored_only_while_its_user_is_unchanged(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    let create = |id: &str, stamp: i64| {
        let mut s = session(id, "alice", T0, T0 + DAY);
        s.requires = requires(stamp, None);
        let store = Arc::clone(&store);
        async move {
            store
                .create_session(&s, 10, SessionLimitPolicy::EvictOldest)
                .await
        }
    };
    create("s0", 0).await.expect("unchanged: stored");
    store.set_password_hash("alice", "$reset").await.unwrap();
    assert_broken(create("s1", 0).await);
    store.set_disabled("alice", true).await.unwrap();
    assert_broken(create("s2", 2).await);
    store.set_disabled("alice", false).await.unwrap();
    create("s3", 3)
        .await
        .expect("the stamp read after the change");
    let live = store
        .revoke_user_sessions("alice", T0 + 1, RevokeReason::UserDisabled)
        .await
        .unwrap();
    assert_eq!(
        super::support::sorted(live),
        ["s0", "s3"],
        "nothing of a refusal is stored"
    );
}

pub async fn an_api_key_is_stored_only_while_its_user_and_session_are_unchanged(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;
    let create = |id: &str, stamp: i64| {
        let mut k = key(id, "alice", T0);
        k.requires = requires(stamp, Some("s1"));
        let store = Arc::clone(&store);
        async move { store.create_apikey(&k).await }
    };
    create("k0", 0).await.expect("unchanged: stored");
    store
        .set_user_role("alice", Role::Reader, T0)
        .await
        .unwrap();
    assert_broken(create("k1", 0).await);
    store
        .revoke_session("s1", T0, RevokeReason::Logout)
        .await
        .unwrap();
    assert_broken(create("k2", 1).await);
    assert!(store.apikey("k1").await.unwrap().is_none());
    assert!(store.apikey("k2").await.unwrap().is_none());
    let ended = store
        .revoke_user_apikeys("alice", T0, ApiKeyRevokeReason::UserDisabled)
        .await
        .unwrap();
    assert_eq!(ended, ["k0"]);
}

pub async fn a_personal_token_is_stored_only_while_its_user_and_session_are_unchanged(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;
    let create = |id: &str, stamp: i64, session_id: &str| {
        let mut t = new_token(id, TokenOwner::User("alice".into()), None);
        t.requires = requires(stamp, Some(session_id));
        let store = Arc::clone(&store);
        async move { store.create_token(&t).await }
    };
    create("t0", 0, "s1").await.expect("unchanged: stored");
    assert_broken(create("t1", 0, "no-such-session").await);
    store.set_disabled("alice", true).await.unwrap();
    assert_broken(create("t2", 1, "s1").await);
    assert_broken(create("t3", 0, "s1").await);
    let ids: Vec<String> = store
        .list_tokens(&TokenOwner::User("alice".into()))
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, ["t0"]);
}

/// A password reset racing key creations, many times over: whatever the interleaving, once
/// the reset has ended the user's sessions and keys, no key of theirs is live (a key is either
/// stored before the reset's new stamp, and then ended by it, or refused).
pub async fn no_key_survives_a_reset_it_raced(db: TestDb) {
    const TRIALS: usize = 25;
    let store = db.store();
    add_user(&store, "alice").await;
    let other = db.open_another().await;
    for trial in 0..TRIALS {
        let s = format!("s{trial}");
        open_session(&store, &s, "alice", T0).await;
        let stamp = stamp(&store).await;
        let creating = {
            let store = Arc::clone(&other);
            let mut k = key(&format!("k{trial}"), "alice", T0);
            k.requires = requires(stamp, Some(&s));
            tokio::spawn(async move { store.create_apikey(&k).await })
        };
        store
            .set_password_hash("alice", &format!("$reset-{trial}"))
            .await
            .unwrap();
        store
            .revoke_user_sessions("alice", T0, RevokeReason::PasswordChanged)
            .await
            .unwrap();
        store
            .revoke_user_apikeys("alice", T0, ApiKeyRevokeReason::PasswordChanged)
            .await
            .unwrap();
        let _ = creating.await.unwrap();
        let live = store.list_apikeys("alice", T0).await.unwrap();
        assert!(live.is_empty(), "trial {trial}: {live:?} survived");
    }
}
