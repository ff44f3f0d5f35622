//! The admin pages: users (search, create, role, disable and enable, end sessions, delete)
//! and the audit trail (filters, paging); both for admins only.

use super::browser::Browser;
use crate::common::TestServer;

#[tokio::test]
async fn an_admin_creates_a_user_changes_their_role_disables_them_and_deletes_them() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let page = b.get("/ui/admin/users").await;
    assert_eq!(page.status, 200);
    let created = b
        .post(
            "/ui/admin/users",
            &[
                ("csrf", &page.csrf()),
                ("username", "carol"),
                ("fullname", "Carol C"),
                ("role", "reader"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(created.body.contains("you will not see it again"));
    let at = created.body.find("id=\"new-password\">").unwrap() + 18;
    let password = &created.body[at..at + created.body[at..].find('<').unwrap()];
    s.client()
        .login("carol", password)
        .await
        .expect("the generated password works");

    let duplicate = b
        .post(
            "/ui/admin/users",
            &[
                ("csrf", &page.csrf()),
                ("username", "carol"),
                ("fullname", "Again"),
                ("role", "reader"),
            ],
        )
        .await;
    assert_eq!(duplicate.status, 400);
    assert!(duplicate.body.contains("id=\"username-error\""));
    assert!(
        duplicate.body.contains("value=\"Again\""),
        "what was typed is kept"
    );

    let role = b
        .post(
            "/ui/admin/users/carol/role",
            &[("csrf", &page.csrf()), ("role", "contributor")],
        )
        .await;
    assert_eq!(role.location(), "/ui/admin/users?notice=user");
    let found = b.get("/ui/admin/users?q=car&role=contributor").await;
    assert!(found.body.contains("<strong>carol</strong>"));
    assert!(!found.body.contains("<strong>admin</strong>"));

    let carol = Browser::logged_in(&s.url, "carol", password).await;
    assert_eq!(carol.get("/ui/account").await.status, 200);
    let off = b
        .post(
            "/ui/admin/users/carol/disabled",
            &[("csrf", &page.csrf()), ("disabled", "true")],
        )
        .await;
    assert_eq!(off.location(), "/ui/admin/users?notice=user");
    assert_eq!(
        carol.get("/ui/sessions").await.status,
        303,
        "disabled: sent to login"
    );
    let listed = b.get("/ui/admin/users?disabled=true").await;
    assert!(listed.body.contains("Enable carol"));
    let on = b
        .post(
            "/ui/admin/users/carol/disabled",
            &[("csrf", &page.csrf()), ("disabled", "false")],
        )
        .await;
    assert_eq!(on.status, 303);
    let carol = Browser::logged_in(&s.url, "carol", password).await;
    let ended = b
        .post("/ui/admin/users/carol/sessions", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(ended.location(), "/ui/admin/users?notice=user-sessions");
    assert_eq!(carol.get("/ui/account").await.status, 303);
    let deleted = b
        .post("/ui/admin/users/carol/delete", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(deleted.location(), "/ui/admin/users?notice=user-deleted");
    assert!(!b
        .get("/ui/admin/users")
        .await
        .body
        .contains("<strong>carol</strong>"));
}

#[tokio::test]
async fn the_admin_pages_are_for_admins_only() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let dave = serde_json::from_value(serde_json::json!({
        "username": "dave", "fullname": "Dave", "password": "a long passphrase 42"
    }))
    .unwrap();
    admin.create_user(&dave).await.unwrap();
    let b = Browser::logged_in(&s.url, "dave", "a long passphrase 42").await;
    assert!(
        !b.get("/ui/account").await.body.contains("/ui/admin/users"),
        "no admin links"
    );
    assert_eq!(b.get("/ui/admin/users").await.status, 403);
    assert_eq!(b.get("/ui/admin/audit").await.status, 403);
    let csrf = b.get("/ui/account").await.csrf();
    let refused = b
        .post(
            "/ui/admin/users/admin/role",
            &[("csrf", &csrf), ("role", "reader")],
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn the_audit_trail_is_filtered_and_paged() {
    let s = TestServer::start().await;
    for _ in 0..2 {
        let _ = s.client().login("admin", "wrong").await;
    }
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let failed = b.get("/ui/admin/audit?event=login_failed&user=admin").await;
    assert_eq!(failed.status, 200);
    assert_eq!(
        failed
            .body
            .matches("<td data-label=\"Event\">login_failed</td>")
            .count(),
        2
    );
    assert!(!failed
        .body
        .contains("<td data-label=\"Event\">login_succeeded"));
    let paged = b.get("/ui/admin/audit?limit=2").await;
    let at = paged
        .body
        .find("href=\"/ui/admin/audit?")
        .expect("a next page")
        + 6;
    let next = paged.body[at..at + paged.body[at..].find('"').unwrap()].replace("&amp;", "&");
    let second = b.get(&next).await;
    assert_eq!(second.status, 200);
    assert!(second.body.contains("<tbody>"));
    let bad = b.get("/ui/admin/audit?since=yesterday").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("role=\"alert\""));
    assert!(
        bad.body.contains("value=\"yesterday\""),
        "what was typed is kept"
    );
}
