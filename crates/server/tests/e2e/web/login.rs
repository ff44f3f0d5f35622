//! Logging in and out of the page, and the account page's forms.

use super::browser::Browser;
use crate::common::TestServer;

#[tokio::test]
async fn the_root_leads_to_the_page_and_the_page_to_login() {
    let s = TestServer::start().await;
    let b = Browser::new(&s.url);
    let root = b.get("/").await;
    assert_eq!((root.status, root.location()), (303, "/ui/"));
    let account = b.get("/ui/account").await;
    assert_eq!(account.status, 303);
    assert_eq!(account.location(), "/ui/login?next=/ui/account");
    let login = b.open("/ui/").await;
    assert_eq!(login.status, 200);
    assert!(login
        .body
        .contains("<label for=\"username\">Username</label>"));
    assert!(login
        .body
        .contains("<label for=\"password\">Password</label>"));
}

#[tokio::test]
async fn logging_in_sets_httponly_strict_cookies_and_lands_where_asked() {
    let s = TestServer::start().await;
    let b = Browser::new(&s.url);
    let answer = b.login("admin", "admin").await;
    assert_eq!((answer.status, answer.location()), (303, "/ui/account"));
    let cookies = answer.set_cookies();
    for name in ["tessera-access=", "tessera-refresh=", "tessera-device="] {
        let c = cookies
            .iter()
            .find(|c| c.starts_with(name))
            .unwrap_or_else(|| panic!("{name} set: {cookies:?}"));
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Strict"),
            "{c}"
        );
        assert!(c.contains("Path=/"), "{c}");
    }
    let access = b.cookie("tessera-access").unwrap();
    let refresh = b.cookie("tessera-refresh").unwrap();
    assert!(refresh.starts_with("tsr_rt_"));
    assert_eq!(s.validate(&access).await.unwrap().user.username, "admin");
    let page = b.get("/ui/account").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong>admin</strong>"));
    assert!(!page.body.contains(&access) && !page.body.contains(&refresh));
}

#[tokio::test]
async fn a_wrong_password_is_said_next_to_the_form_keeping_the_username_only() {
    let s = TestServer::start().await;
    let b = Browser::new(&s.url);
    let answer = b.login("admin", "hunter2-wrong").await;
    assert_eq!(answer.status, 401);
    assert!(answer.body.contains("Wrong username or password."));
    assert!(answer.body.contains("value=\"admin\""));
    assert!(!answer.body.contains("hunter2-wrong"));
    assert_eq!(b.cookie("tessera-access"), None);
    let empty = b.login("admin", "").await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Enter your username and password."));
}

#[tokio::test]
async fn the_next_page_after_login_is_a_page_of_this_site_only() {
    let s = TestServer::start().await;
    let b = Browser::new(&s.url);
    for next in [
        "https://evil.example/",
        "//evil.example/ui/",
        "/api/v1/users",
    ] {
        let form = b.get("/ui/login").await;
        let answer = b
            .post(
                "/ui/login",
                &[
                    ("csrf", &form.csrf()),
                    ("next", next),
                    ("username", "admin"),
                    ("password", "admin"),
                ],
            )
            .await;
        assert_eq!((answer.status, answer.location()), (303, "/ui/"), "{next}");
    }
}

#[tokio::test]
async fn the_profile_and_password_forms_work_without_javascript() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let page = b.get("/ui/account").await;
    let saved = b
        .post(
            "/ui/account/profile",
            &[("csrf", &page.csrf()), ("fullname", "Ada Admin")],
        )
        .await;
    assert_eq!(
        (saved.status, saved.location()),
        (303, "/ui/account?notice=profile")
    );
    let page = b.get(saved.location()).await;
    assert!(page.body.contains("value=\"Ada Admin\""));
    assert!(page.body.contains("Your profile was saved."));

    let other = Browser::logged_in(&s.url, "admin", "admin").await;
    let wrong = b
        .post(
            "/ui/account/password",
            &[
                ("csrf", &page.csrf()),
                ("current_password", "nope"),
                ("new_password", "a long new passphrase 1"),
                ("confirm_password", "a long new passphrase 1"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.body.contains("id=\"current-error\""),
        "{}",
        wrong.body
    );
    let changed = b
        .post(
            "/ui/account/password",
            &[
                ("csrf", &page.csrf()),
                ("current_password", "admin"),
                ("new_password", "a long new passphrase 1"),
                ("confirm_password", "a long new passphrase 1"),
            ],
        )
        .await;
    assert_eq!(changed.location(), "/ui/account?notice=password");
    assert_eq!(b.get("/ui/account").await.status, 200, "this session stays");
    let ended = other.get("/ui/account").await;
    assert_eq!(ended.status, 303, "the other session ended");
    assert!(ended.location().contains("ended=1"));
    s.client()
        .login("admin", "a long new passphrase 1")
        .await
        .expect("the new password works");
}

#[tokio::test]
async fn logging_out_ends_the_session_in_every_tab() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let other_tab = b.tab();
    let access = b.cookie("tessera-access").unwrap();
    let page = b.get("/ui/account").await;
    let out = b.post("/ui/logout", &[("csrf", &page.csrf())]).await;
    assert_eq!(out.location(), "/ui/login?notice=logged-out");
    assert_eq!(b.cookie("tessera-access"), None);
    assert_eq!(b.cookie("tessera-refresh"), None);
    assert!(
        b.cookie("tessera-device").is_some(),
        "the device mark stays"
    );
    assert!(s.validate(&access).await.is_err(), "the session ended");
    let stale = other_tab.get("/ui/account").await;
    assert_eq!(stale.status, 303);
    assert_eq!(stale.location(), "/ui/login?next=/ui/account&ended=1");
    let login = other_tab.get(stale.location()).await;
    assert!(login.body.contains("Your session has ended"));
}
