//! A resource's token page, as the QGIS plugin site's: generate a token for the resource,
//! list, details, edit the description, delete; and its maintainers.

use serde_json::json;

use super::browser::{Browser, Page};
use crate::common::TestServer;

fn secret_of(page: &Page) -> String {
    let at = page
        .body
        .find("id=\"new-token\">")
        .expect("the secret is shown")
        + 15;
    page.body[at..at + page.body[at..].find('<').unwrap()].to_string()
}

async fn resource(s: &TestServer, name: &str, maintainers: &[&str]) {
    let (admin, _) = s.login("admin", "admin").await;
    let answer = s
        .post(
            "/resources",
            Some(&admin),
            Some(json!({"name": name, "maintainers": maintainers})),
        )
        .await;
    assert_eq!(answer.0, 201, "{:?}", answer.1);
}

#[tokio::test]
async fn a_maintainer_generates_lists_renames_and_deletes_a_resource_token() {
    let s = TestServer::start().await;
    resource(&s, "qgis-plugin", &["admin"]).await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let list = b.get("/ui/resources").await;
    assert!(list.body.contains("href=\"/ui/resources/qgis-plugin\""));
    let page = b.get("/ui/resources/qgis-plugin").await;
    assert_eq!(page.status, 200);
    let created = b
        .post(
            "/ui/resources/qgis-plugin/tokens",
            &[
                ("csrf", &page.csrf()),
                ("description", "plugin upload"),
                ("permissions", "read"),
                ("permissions", "write"),
                ("expires_days", "0"),
            ],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(created.body.contains("you will not see it again"));
    let secret = secret_of(&created);
    let valid = s.validate(&secret).await.expect("the token works");
    assert_eq!(valid.resource.as_deref(), Some("qgis-plugin"));
    let page = b.get("/ui/resources/qgis-plugin").await;
    assert!(!page.body.contains(&secret));
    let marker = "href=\"/ui/resources/qgis-plugin/tokens/";
    let at = page.body.find(marker).unwrap() + marker.len();
    let id = page.body[at..at + page.body[at..].find('"').unwrap()].to_string();
    assert!(page.body.contains("plugin upload") && page.body.contains("never"));
    let details = b
        .get(&format!("/ui/resources/qgis-plugin/tokens/{id}"))
        .await;
    assert_eq!(details.status, 200);
    assert!(details.body.contains("<dt>Created by</dt><dd>admin</dd>"));
    let renamed = b
        .post(
            &format!("/ui/resources/qgis-plugin/tokens/{id}/description"),
            &[
                ("csrf", &details.csrf()),
                ("description", "plugin upload (CI)"),
            ],
        )
        .await;
    assert_eq!(
        renamed.location(),
        format!("/ui/resources/qgis-plugin/tokens/{id}?notice=renamed")
    );
    let empty = b
        .post(
            &format!("/ui/resources/qgis-plugin/tokens/{id}/description"),
            &[("csrf", &details.csrf()), ("description", "   ")],
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("id=\"description-error\""));
    let details = b
        .get(&format!("/ui/resources/qgis-plugin/tokens/{id}"))
        .await;
    assert!(details.body.contains("plugin upload (CI)"));
    let deleted = b
        .post(
            &format!("/ui/resources/qgis-plugin/tokens/{id}/delete"),
            &[("csrf", &details.csrf())],
        )
        .await;
    assert_eq!(
        deleted.location(),
        "/ui/resources/qgis-plugin?notice=deleted"
    );
    assert!(s.validate(&secret).await.is_err(), "deleted: refused");
}

#[tokio::test]
async fn maintainers_are_added_and_removed_and_others_see_nothing() {
    let s = TestServer::start().await;
    resource(&s, "qgis-plugin", &["admin"]).await;
    let admin = s.admin().await;
    let bob = serde_json::from_value(json!({
        "username": "bob", "fullname": "Bob", "role": "contributor", "password": "a long passphrase 43"
    }))
    .unwrap();
    admin.create_user(&bob).await.unwrap();
    let bob_browser = Browser::logged_in(&s.url, "bob", "a long passphrase 43").await;
    assert!(bob_browser
        .get("/ui/resources")
        .await
        .body
        .contains("You maintain no resource."));
    assert_eq!(
        bob_browser.get("/ui/resources/qgis-plugin").await.status,
        403
    );

    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let page = b.get("/ui/resources/qgis-plugin").await;
    let unknown = b
        .post(
            "/ui/resources/qgis-plugin/maintainers",
            &[("csrf", &page.csrf()), ("username", "nobody-here")],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.contains("id=\"maintainer-error\""),
        "{}",
        unknown.body
    );
    assert!(unknown.body.contains("value=\"nobody-here\""));
    let added = b
        .post(
            "/ui/resources/qgis-plugin/maintainers",
            &[("csrf", &page.csrf()), ("username", "bob")],
        )
        .await;
    assert_eq!(added.location(), "/ui/resources/qgis-plugin?notice=added");
    assert_eq!(
        bob_browser.get("/ui/resources/qgis-plugin").await.status,
        200
    );
    let removed = b
        .post(
            "/ui/resources/qgis-plugin/maintainers/bob/remove",
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(
        removed.location(),
        "/ui/resources/qgis-plugin?notice=removed"
    );
    assert_eq!(
        bob_browser.get("/ui/resources/qgis-plugin").await.status,
        403
    );
}
