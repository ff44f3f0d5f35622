//! A password change: the hash, the flag and the stamp, the end of every session but the one
//! kept, of every API key, of the personal tokens when asked, each in the revocation log, and
//! the audit event, all in one transaction.

use std::sync::Arc;

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::store::{LogCursor, PasswordChange, PasswordChanged, TokenOwner, Unchanged};
use tessera_core::{Error, Store};

use super::apikeys::key;
use super::backends::TestDb;
use super::support::{
    add_user, audit_events, get_user, new_token, open_session, sorted, strings, T0,
};

fn change(requires: Option<Unchanged>, tokens: bool) -> PasswordChange {
    PasswordChange {
        username: "alice".into(),
        password_hash: "$argon2id$new".into(),
        must_change_password: requires.is_none(),
        requires,
        revoke_personal_tokens: tokens,
        now: T0 + 10,
    }
}

fn keeping(session: &str, stamp: i64) -> Option<Unchanged> {
    Some(Unchanged {
        username: "alice".into(),
        stamp,
        session_id: Some(session.into()),
    })
}

fn changed_event() -> AuditEvent {
    AuditEvent::new(AuditKind::PasswordChanged, T0 + 10).user("alice")
}

/// alice with sessions s1, s2, s3, keys k1, k2, personal token t1; bob with session b1.
async fn seeded(store: &Arc<dyn Store>) {
    add_user(store, "alice").await;
    add_user(store, "bob").await;
    for s in ["s1", "s2", "s3"] {
        open_session(store, s, "alice", T0).await;
    }
    open_session(store, "b1", "bob", T0).await;
    for k in ["k1", "k2"] {
        store.create_apikey(&key(k, "alice", T0)).await.unwrap();
    }
    let owner = TokenOwner::User("alice".into());
    store
        .create_token(&new_token("t1", owner, None))
        .await
        .unwrap();
}

pub async fn a_change_ends_all_but_the_kept_session_and_every_key(db: TestDb) {
    let store = db.store();
    seeded(&store).await;
    let ended = store
        .change_password_audited(&change(keeping("s2", 0), false), &[changed_event()])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sorted(ended.sessions), strings(&["s1", "s3"]));
    assert_eq!(sorted(ended.apikeys), strings(&["k1", "k2"]));
    assert!(ended.tokens.is_empty());
    let alice = get_user(&store, "alice").await;
    assert_eq!(alice.password_hash, "$argon2id$new");
    assert_eq!(alice.security_stamp, 1);
    assert!(!alice.must_change_password);
    assert!(!store.is_session_revoked("s2").await.unwrap());
    assert!(!store.is_session_revoked("b1").await.unwrap());
    assert!(store
        .token("t1")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());
    assert_eq!(audit_events(&store).await.len(), 1);
    // Every revocation is in the log, with the change of the user (a cached profile to forget).
    let log = store
        .read_revocation_log(LogCursor::Start { keep: 3600 }, T0 + 30)
        .await
        .unwrap();
    let keys = sorted(log.entries.iter().map(|e| e.key.to_string()).collect());
    assert_eq!(
        keys,
        strings(&["apikey:k1", "apikey:k2", "s1", "s3", "user:alice"])
    );
}

pub async fn a_reset_ends_every_session_sets_the_flag_and_tokens_end_when_asked(db: TestDb) {
    let store = db.store();
    seeded(&store).await;
    let ended = store
        .change_password_audited(&change(None, true), &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sorted(ended.sessions), strings(&["s1", "s2", "s3"]));
    assert_eq!(ended.tokens, strings(&["t1"]));
    assert!(get_user(&store, "alice").await.must_change_password);
    assert!(!store.is_session_revoked("b1").await.unwrap());
    // Changed again: nothing is left to end, the flag goes.
    let again = store
        .change_password_audited(&change(keeping("none", 1), false), &[])
        .await;
    assert!(matches!(again, Err(Error::InvalidToken(_))), "{again:?}");
    let mut cleared = change(None, false);
    cleared.must_change_password = false;
    let ended = store.change_password_audited(&cleared, &[]).await.unwrap();
    assert_eq!(ended, Some(PasswordChanged::default()));
    assert!(!get_user(&store, "alice").await.must_change_password);
}

pub async fn a_change_that_no_longer_holds_changes_nothing(db: TestDb) {
    let store = db.store();
    seeded(&store).await;
    // The stamp moved on since the current password was checked.
    let stale = store
        .change_password_audited(&change(keeping("s2", 7), false), &[changed_event()])
        .await;
    assert!(matches!(stale, Err(Error::InvalidToken(_))), "{stale:?}");
    // The calling session ended meanwhile.
    store
        .revoke_session("s2", T0 + 5, tessera_core::store::RevokeReason::Logout)
        .await
        .unwrap();
    let ended = store
        .change_password_audited(&change(keeping("s2", 0), false), &[changed_event()])
        .await;
    assert!(matches!(ended, Err(Error::InvalidToken(_))), "{ended:?}");
    let alice = get_user(&store, "alice").await;
    assert_eq!(
        (alice.security_stamp, alice.password_hash.contains("new")),
        (0, false)
    );
    assert!(!store.is_session_revoked("s1").await.unwrap());
    assert_eq!(audit_events(&store).await.len(), 0);
    // An unknown user: nothing, and no event.
    let mut nobody = change(None, false);
    nobody.username = "nobody".into();
    let none = store
        .change_password_audited(&nobody, &[changed_event()])
        .await
        .unwrap();
    assert_eq!(none, None);
    assert_eq!(audit_events(&store).await.len(), 0);
}

/// An API key being stored (by another instance) while the password changes is either ended by
/// the change or refused: none is left live.
pub async fn no_key_survives_a_change_it_raced(db: TestDb) {
    const TRIALS: usize = 25;
    let store = db.store();
    add_user(&store, "alice").await;
    let other = db.open_another().await;
    for trial in 0..TRIALS {
        let s = format!("s{trial}");
        open_session(&store, &s, "alice", T0).await;
        let stamp = get_user(&store, "alice").await.security_stamp;
        let creating = {
            let store = Arc::clone(&other);
            let mut k = key(&format!("k{trial}"), "alice", T0);
            k.requires = Some(Unchanged {
                username: "alice".into(),
                stamp,
                session_id: Some(s.clone()),
            });
            tokio::spawn(async move { store.create_apikey(&k).await })
        };
        let mut reset = change(None, false);
        reset.now = T0;
        store.change_password_audited(&reset, &[]).await.unwrap();
        let _ = creating.await.unwrap();
        let live = store.list_apikeys("alice", T0).await.unwrap();
        assert!(live.is_empty(), "trial {trial}: {live:?} survived");
    }
}
