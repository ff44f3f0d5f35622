//! Ending sessions from the list: nothing is announced unless the store revoked it, and an
//! instance that missed the feed learns of it from the store's log; each session shows the
//! client of its last login or refresh, its user agent made printable and capped.

use tessera_core::audit::{from_client, with_user_agent};
use tessera_core::auth::MAX_USER_AGENT_CHARS;
use tessera_core::{Error, Validated};

use crate::support::{assert_injected, World, OWNER, PASSWORD, USER};

async fn caller(w: &World, access_token: &str) -> Validated {
    w.auth.validate_access(access_token).await.expect("valid")
}

#[tokio::test]
async fn a_session_the_store_could_not_end_stays_live() {
    let w = World::new().await;
    let (first, second) = (w.login().await, w.login().await);
    let me = caller(&w, &second.access_token).await;
    w.store.fail(&[
        "revoke_session",
        "revoke_other_sessions",
        "revoke_user_sessions",
    ]);
    assert_injected(w.auth.end_session(&me, &first.session_id).await);
    assert_injected(w.auth.end_other_sessions(&me).await);
    assert_injected(w.auth.end_user_sessions(&me, "me").await);
    w.store.heal();
    w.auth.validate_access(&first.access_token).await.unwrap();
    w.auth.refresh(&first.refresh_token).await.unwrap();
}

#[tokio::test]
async fn an_instance_that_missed_the_feed_reads_the_end_from_the_store() {
    let w = World::new().await;
    let other = w.another_instance();
    let (first, second) = (w.login().await, w.login().await);
    other.validate_access(&first.access_token).await.unwrap();
    let me = caller(&w, &second.access_token).await;
    assert_eq!(w.auth.end_other_sessions(&me).await.unwrap(), 1);
    let err = w
        .auth
        .validate_access(&first.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
    // No feed between these two: the other instance knows only once it reads the store's log.
    other.validate_access(&first.access_token).await.unwrap();
    other.sync_revocations().await.unwrap();
    let err = other
        .validate_access(&first.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidToken(_)), "{err:?}");
    other.validate_access(&second.access_token).await.unwrap();
}

#[tokio::test]
async fn each_session_shows_the_client_of_its_last_login_or_refresh() {
    let w = World::new().await;
    let agent = format!("agent\u{1b}[2J\u{202E}/{}", "y".repeat(500));
    let login = with_user_agent(Some(agent), w.auth.login(USER, PASSWORD, OWNER))
        .await
        .unwrap();
    let me = caller(&w, &login.access_token).await;
    let listed = w.auth.list_sessions(&me).await.unwrap();
    let kept = listed[0].client.user_agent.clone().unwrap();
    assert!(kept.starts_with("agent[2J/yyy"), "{kept}");
    assert_eq!(kept.chars().count(), MAX_USER_AGENT_CHARS);
    assert_eq!(listed[0].client.ip, Some(OWNER.to_string()));

    w.advance(30);
    let elsewhere = "198.51.100.3".parse().unwrap();
    let refreshing = with_user_agent(None, w.auth.refresh(&login.refresh_token));
    from_client(elsewhere, refreshing).await.unwrap();
    let listed = w.auth.list_sessions(&me).await.unwrap();
    assert_eq!(listed[0].refreshed_at, listed[0].created_at + 30);
    assert_eq!(listed[0].client.ip.as_deref(), Some("198.51.100.3"));
    assert_eq!(listed[0].client.user_agent, None);
}
