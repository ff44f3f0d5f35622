//! The security stamp: a password reset, a role change or a disabling ends the credentials
//! made while it runs. Each test stops a use case in the store call that stores its
//! credential, makes the change, and lets the use case go on.

use std::sync::Arc;

use tessera_core::auth::apikeys::ApiKeyRequest;
use tessera_core::password::{hash_blocking, HashParams};
use tessera_core::scopes::Scopes;
use tessera_core::store::TokenOwner;
use tessera_core::{Error, Permission, Role, Validated};

use crate::support::{World, OWNER, PASSWORD, USER};

const CARL: &str = "carl";
const CARL_PASSWORD: &str = "the contributor's password";
const NEW_PASSWORD: &str = "a brand new password";

/// The world, and carl, a contributor (who may make API keys) with a live session.
async fn with_carl() -> (Arc<World>, Validated) {
    let w = World::new().await;
    w.auth
        .create_user(CARL, "Carl", CARL_PASSWORD, Role::Contributor, false)
        .await
        .unwrap();
    let login = w.auth.login(CARL, CARL_PASSWORD, OWNER).await.unwrap();
    let caller = w.auth.validate_access(&login.access_token).await.unwrap();
    (Arc::new(w), caller)
}

/// Waits until `n` calls wait at the gate.
async fn until_waiting(w: &World, n: usize) {
    w.store.gate.waiting().wait_for(|w| *w == n).await.unwrap();
}

fn key_request() -> ApiKeyRequest {
    ApiKeyRequest {
        audience: "svc".into(),
        subject: "/data".into(),
        api_version: "1".into(),
        ..ApiKeyRequest::default()
    }
}

#[tokio::test]
async fn a_login_under_way_during_a_reset_opens_no_session() {
    let w = Arc::new(World::new().await);
    w.store.gate.hold(&["create_session"]);
    let login = {
        let w = Arc::clone(&w);
        tokio::spawn(async move { w.auth.login(USER, PASSWORD, OWNER).await.map(|_| ()) })
    };
    until_waiting(&w, 1).await;
    w.auth.set_password(USER, NEW_PASSWORD).await.unwrap();
    w.store.gate.release();
    let refused = login.await.unwrap().unwrap_err();
    assert!(matches!(refused, Error::InvalidCredentials), "{refused:?}");
    let live = w
        .store
        .inner()
        .revoke_user_sessions(
            USER,
            w.auth.now(),
            tessera_core::store::RevokeReason::Logout,
        )
        .await
        .unwrap();
    assert!(live.is_empty(), "no session survived the reset: {live:?}");
    w.auth
        .login(USER, NEW_PASSWORD, OWNER)
        .await
        .expect("the new one");
}

#[tokio::test]
async fn a_rehash_under_way_does_not_undo_a_reset() {
    let w = Arc::new(World::new().await);
    let weaker = HashParams {
        memory_kib: 512,
        iterations: 1,
        parallelism: 1,
    };
    let old = hash_blocking(PASSWORD, weaker).unwrap();
    w.store.inner().set_password_hash(USER, &old).await.unwrap();
    w.store
        .gate
        .hold(&["set_password_hash", "upgrade_password_hash"]);
    let login = {
        let w = Arc::clone(&w);
        tokio::spawn(async move { w.auth.login(USER, PASSWORD, OWNER).await.map(|_| ()) })
    };
    until_waiting(&w, 1).await;
    let reset = hash_blocking(NEW_PASSWORD, weaker).unwrap();
    w.store
        .inner()
        .set_password_hash(USER, &reset)
        .await
        .unwrap();
    w.store.gate.release();
    let _ = login.await.unwrap();
    w.auth
        .login(USER, NEW_PASSWORD, OWNER)
        .await
        .expect("the reset password stands");
    let old = w.auth.login(USER, PASSWORD, OWNER).await.unwrap_err();
    assert!(matches!(old, Error::InvalidCredentials), "{old:?}");
}

#[tokio::test]
async fn an_api_key_being_made_during_a_reset_is_not_stored() {
    let (w, carl) = with_carl().await;
    w.store.gate.hold(&["create_apikey"]);
    let creating = {
        let w = Arc::clone(&w);
        tokio::spawn(async move {
            w.auth
                .create_apikey(&carl, &key_request())
                .await
                .map(|_| ())
        })
    };
    until_waiting(&w, 1).await;
    w.auth.set_password(CARL, NEW_PASSWORD).await.unwrap();
    w.store.gate.release();
    assert!(creating.await.unwrap().is_err());
    let keys = w
        .store
        .inner()
        .list_apikeys(CARL, w.auth.now())
        .await
        .unwrap();
    assert!(keys.is_empty(), "no key survived the reset: {keys:?}");
}

#[tokio::test]
async fn an_api_key_being_made_across_a_role_change_is_not_stored() {
    let (w, carl) = with_carl().await;
    w.store.gate.hold(&["create_apikey"]);
    let creating = {
        let w = Arc::clone(&w);
        tokio::spawn(async move {
            w.auth
                .create_apikey(&carl, &key_request())
                .await
                .map(|_| ())
        })
    };
    until_waiting(&w, 1).await;
    w.auth.set_role(CARL, Role::Reader).await.unwrap();
    w.store.gate.release();
    assert!(creating.await.unwrap().is_err());
    let keys = w
        .store
        .inner()
        .list_apikeys(CARL, w.auth.now())
        .await
        .unwrap();
    assert!(keys.is_empty(), "a reader has no key: {keys:?}");
}

#[tokio::test]
async fn a_personal_token_being_made_while_disabling_is_not_stored_nor_revived() {
    let (w, carl) = with_carl().await;
    w.store.gate.hold(&["create_token"]);
    let creating = {
        let w = Arc::clone(&w);
        let scopes = Scopes::Permissions(vec![Permission::Read]);
        tokio::spawn(async move {
            w.auth
                .create_personal_token(&carl, scopes, 3600, None)
                .await
                .map(|_| ())
        })
    };
    until_waiting(&w, 1).await;
    w.auth.set_disabled(CARL, true).await.unwrap();
    w.store.gate.release();
    assert!(creating.await.unwrap().is_err());
    w.auth.set_disabled(CARL, false).await.unwrap();
    let owner = TokenOwner::User(CARL.into());
    let tokens = w.store.inner().list_tokens(&owner).await.unwrap();
    assert!(
        tokens.iter().all(|t| t.revoked_at.is_some()),
        "no live token: {tokens:?}"
    );
}

#[tokio::test]
async fn enabling_ends_what_a_failed_disabling_left() {
    let w = World::new().await;
    let login = w.login().await;
    w.store.fail(&["revoke_user_sessions"]);
    assert!(w.auth.set_disabled(USER, true).await.is_err());
    w.store.heal();
    w.auth.set_disabled(USER, false).await.unwrap();
    let refused = w.auth.validate_access(&login.access_token).await;
    assert!(refused.is_err(), "the session is not revived: {refused:?}");
    w.login().await;
}
