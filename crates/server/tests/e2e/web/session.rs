//! The browser's session: refreshed only when its access token has expired, once for tabs
//! that ask together; ended anywhere, it sends the page back to login at the next action.

use tessera_api::users::CreateUserRequest;

use super::browser::Browser;
use crate::common::TestServer;

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_for_tabs_that_ask_together() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let (access, refresh) = (b.cookie("tessera-access"), b.cookie("tessera-refresh"));
    let fresh = b.get("/ui/account").await;
    assert!(
        fresh.set_cookies().is_empty(),
        "no refresh while the token lives"
    );
    s.clock.advance(16 * 60);
    let tabs: Vec<Browser> = (0..4).map(|_| b.tab()).collect();
    let pages = futures_util::future::join_all(tabs.iter().map(|t| t.get("/ui/account"))).await;
    for page in &pages {
        assert_eq!(page.status, 200, "{}", page.location());
    }
    let new_access: Vec<_> = tabs.iter().map(|t| t.cookie("tessera-access")).collect();
    let new_refresh: Vec<_> = tabs.iter().map(|t| t.cookie("tessera-refresh")).collect();
    assert!(
        new_refresh.iter().all(|r| r == &new_refresh[0]),
        "one rotation"
    );
    assert_ne!(new_refresh[0], refresh);
    assert_ne!(new_access[0], access);
    for t in &tabs {
        assert_eq!(
            t.get("/ui/account").await.status,
            200,
            "no tab tripped reuse"
        );
    }
    s.validate(new_access[0].as_deref().unwrap())
        .await
        .expect("the session lives");
}

#[tokio::test]
async fn a_session_ended_elsewhere_sends_the_page_to_login_at_the_next_action() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let page = b.get("/ui/account").await;
    let admin = s.admin().await;
    let revoked = admin.revoke_user_sessions("admin").await;
    assert!(revoked.is_ok(), "{revoked:?}");
    let refused = b
        .post(
            "/ui/account/profile",
            &[("csrf", &page.csrf()), ("fullname", "X")],
        )
        .await;
    assert_eq!(refused.status, 303);
    assert_eq!(refused.location(), "/ui/login?next=/ui/&ended=1");
    assert_eq!(b.cookie("tessera-access"), None, "cookies cleared");
}

#[tokio::test]
async fn a_session_that_ran_out_sends_the_page_to_login_saying_it_expired() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    assert_eq!(b.get("/ui/sessions").await.status, 200);
    s.clock.advance(31 * 24 * 3600);
    let expired = b.get("/ui/sessions").await;
    assert_eq!(expired.status, 303);
    assert_eq!(expired.location(), "/ui/login?next=/ui/sessions&expired=1");
    assert_eq!(b.cookie("tessera-access"), None, "cookies cleared");
    let login = b.get(expired.location()).await;
    assert!(login.body.contains("Your session has expired"));
    assert!(!login.body.contains("Your session has ended"));
}

#[tokio::test]
async fn the_session_check_answers_for_scripts() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    assert_eq!(b.get("/ui/alive").await.status, 204);
    let gone = Browser::new(&s.url);
    assert_eq!(gone.get("/ui/alive").await.status, 303);
}

#[tokio::test]
async fn a_user_who_must_change_their_password_is_kept_to_the_account_page() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let ann = CreateUserRequest {
        username: Some("ann".into()),
        fullname: Some("Ann".into()),
        role: None,
        password: Some("first passphrase 12".into()),
    };
    admin.create_user(&ann).await.unwrap();
    admin
        .reset_password("ann", Some("temporary passphrase 1"), Some(true))
        .await
        .unwrap();
    let b = Browser::logged_in(&s.url, "ann", "temporary passphrase 1").await;
    let elsewhere = b.get("/ui/").await;
    assert_eq!(elsewhere.location(), "/ui/account?notice=must-change");
    let page = b.get("/ui/account").await;
    assert!(page.body.contains("choose a new one"));
    let changed = b
        .post(
            "/ui/account/password",
            &[
                ("csrf", &page.csrf()),
                ("current_password", "temporary passphrase 1"),
                ("new_password", "my own passphrase 77"),
                ("confirm_password", "my own passphrase 77"),
            ],
        )
        .await;
    assert_eq!(changed.location(), "/ui/account?notice=password");
    assert_eq!(
        b.get("/ui/").await.location(),
        "/ui/account",
        "no longer limited"
    );
}
