//! A user's tokens follow the user: disabling ends their personal tokens, and a role change
//! reaches every instance's cached profile by the feed or by the catch-up sync.

use std::io::Cursor;
use std::sync::Arc;

use serde_json::json;
use tessera_core::feed::Revocation;
use tessera_core::RevocationKey;
use tessera_core::{Clock, Role};
use tessera_server::cli::{run_user, UserAction};

use crate::common::{assert_refused, test_config, TestServer};
use crate::scoped_support::{auth, personal, user};

/// A `tessera user` command: another process, with its own caches, on the same database.
async fn command(s: &TestServer, action: UserAction) -> String {
    let clock: Arc<dyn Clock> = s.clock.clone();
    run_user(
        &test_config(&s.dir),
        clock,
        action,
        &mut Cursor::new(vec![]),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn disabling_a_user_ends_their_personal_tokens_for_good() {
    let s = TestServer::start().await;
    let carol = user(&s, "carol", Role::Contributor).await;
    let (token, _) = personal(&s, &carol, json!({"a": ["read", "write"]}), 3600).await;
    s.validate(&token).await.unwrap();

    let disable = UserAction::Disable {
        username: "carol".into(),
    };
    command(&s, disable).await;
    auth(&s).sync_revocations().await.unwrap();
    assert_refused(&s.validate(&token).await, 401, "invalid_token");

    let enable = UserAction::Enable {
        username: "carol".into(),
    };
    command(&s, enable).await;
    s.clock.advance(31);
    auth(&s).sync_revocations().await.unwrap();
    assert_refused(&s.validate(&token).await, 401, "invalid_token");
}

#[tokio::test]
async fn a_role_change_by_the_command_line_reaches_a_running_server_by_the_sync() {
    let s = TestServer::start().await;
    let carol = user(&s, "carol", Role::Contributor).await;
    let (token, _) = personal(&s, &carol, json!({"a": ["read", "write"]}), 3600).await;
    let v = s.validate(&token).await.unwrap();
    assert_eq!(v.scopes.unwrap(), ["a:read", "a:write"]);

    let demote = UserAction::SetRole {
        username: "carol".into(),
        role: "reader".into(),
    };
    assert_eq!(command(&s, demote).await, "user carol is now reader\n");
    auth(&s).sync_revocations().await.unwrap();
    let v = s.validate(&token).await.unwrap();
    assert_eq!(
        v.scopes.unwrap(),
        ["a:read"],
        "well within the profile cache's life"
    );
}

#[tokio::test]
async fn a_role_change_on_the_feed_forgets_the_profile_and_revokes_nothing() {
    let s = TestServer::start().await;
    let carol = user(&s, "carol", Role::Contributor).await;
    let (token, _) = personal(&s, &carol, json!({"a": ["read", "write"]}), 3600).await;
    s.validate(&token).await.unwrap();

    // Changed by another instance, which announces it on the feed.
    let now = s.clock.now();
    let store = auth(&s).store().clone();
    assert!(store
        .set_user_role("carol", Role::Reader, now)
        .await
        .unwrap());
    let before = auth(&s).revoked_in_memory();
    auth(&s).apply_remote(&Revocation {
        key: RevocationKey::UserChanged("carol".into()),
        revoked_at: now,
    });
    assert_eq!(auth(&s).revoked_in_memory(), before);
    let v = s.validate(&token).await.unwrap();
    assert_eq!(v.scopes.unwrap(), ["a:read"]);
    s.validate(&carol).await.expect("her session is untouched");
}
