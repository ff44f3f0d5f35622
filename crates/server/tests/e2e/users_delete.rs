//! Deleting users, and the last enabled admin, through the real client on each backend.

use reqwest::Method;
use serde_json::json;
use tessera_api::tokens::{
    CreateApiTokenRequest, CreateResourceRequest, CreateResourceTokenRequest,
};
use tessera_api::users::UserFilter;

use crate::apikeys::svc;
use crate::backends::on_each_backend;
use crate::common::{assert_error, assert_refused, http, refused, TestServer};
use crate::users::{disabled, logged_in, new_user, role, STRONG};

const RESOURCE: &str = "plugin:fancy";

async fn deleting(s: &TestServer) {
    let admin = s.admin().await;
    admin
        .create_user(&new_user("erin", Some("contributor"), Some(STRONG)))
        .await
        .unwrap();
    let erin = logged_in(s, "erin", STRONG).await;
    let personal = erin
        .create_api_token(&CreateApiTokenRequest {
            datasets: Some(json!({"*": ["read"]})),
            token_exp: Some(json!(3600)),
            description: None,
        })
        .await
        .unwrap();
    let key = erin.create_apikey(&svc()).await.unwrap();
    admin
        .create_resource(&CreateResourceRequest {
            name: Some(RESOURCE.into()),
            maintainers: Some(vec!["erin".into()]),
        })
        .await
        .unwrap();
    let made = erin
        .create_resource_token(
            RESOURCE,
            &CreateResourceTokenRequest {
                description: Some("CI".into()),
                scopes: Some(json!(["read"])),
                expires_in: None,
            },
        )
        .await
        .unwrap();

    admin.delete_user("Erin", None).await.unwrap();
    // Every credential of hers ends...
    assert_eq!(refused(&erin.me().await), Some(401));
    assert_eq!(refused(&s.validate(&personal.api_token).await), Some(401));
    let verified = crate::apikeys::check(s, &key.apikey, None, None).await;
    assert_eq!(refused(&verified), Some(401));
    assert!(s.client().login("erin", STRONG).await.is_err());
    // ...but the resource token she made keeps working.
    let still = s.validate(&made.token).await.unwrap();
    assert_eq!(still.kind.as_deref(), Some("resource_token"));
    // She is gone: 404, in no list, no maintainer anyone sees.
    assert_refused(&admin.user("erin").await, 404, "not_found");
    assert_refused(&admin.delete_user("erin", None).await, 404, "not_found");
    let all = admin.list_users(&UserFilter::default()).await.unwrap();
    assert!(all.users.iter().all(|u| u.username != "erin"));
    let resources = admin.list_resources().await.unwrap().resources;
    let plugin = resources.iter().find(|r| r.name == RESOURCE).unwrap();
    assert!(plugin.maintainers.is_empty(), "{:?}", plugin.maintainers);

    // Her name may be taken again; the new erin inherits nothing.
    admin
        .create_user(&new_user("erin", None, Some(STRONG)))
        .await
        .unwrap();
    let new_erin = logged_in(s, "erin", STRONG).await;
    assert!(new_erin
        .list_resources()
        .await
        .unwrap()
        .resources
        .is_empty());
    assert!(new_erin.list_tokens().await.unwrap().tokens.is_empty());
    assert!(new_erin.list_apikeys().await.unwrap().apikeys.is_empty());
    let mine = tessera_api::audit::AuditFilter {
        user: Some("erin".into()),
        ..Default::default()
    };
    let events = admin.audit(&mine).await.unwrap().events;
    assert!(
        events.iter().all(|e| e.event != "user_deleted"),
        "{events:?}"
    );
    let deleted = tessera_api::audit::AuditFilter {
        event: Some("user_deleted".into()),
        ..Default::default()
    };
    let events = admin.audit(&deleted).await.unwrap().events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject.as_deref(), Some("erin"));
    assert_eq!(events[0].actor.as_deref(), Some("admin"));
}

#[tokio::test]
async fn deleting_a_user_ends_their_credentials_but_not_the_resource_tokens_they_made() {
    on_each_backend(async |s| deleting(s).await).await;
}

async fn deleting_oneself(s: &TestServer) {
    let admin = s.admin().await;
    admin
        .create_user(&new_user("frank", None, Some(STRONG)))
        .await
        .unwrap();
    let frank = logged_in(s, "frank", STRONG).await;
    assert_refused(&frank.delete_user("frank", None).await, 400, "bad_request");
    let wrong = frank.delete_user("frank", Some("not my password")).await;
    assert_refused(&wrong, 403, "wrong_password");
    assert_refused(
        &frank.delete_user("guest", Some(STRONG)).await,
        403,
        "forbidden",
    );
    assert_refused(
        &frank.delete_user("nobody", Some(STRONG)).await,
        403,
        "forbidden",
    );
    frank.delete_user("frank", Some(STRONG)).await.unwrap();
    assert!(s.client().login("frank", STRONG).await.is_err());
    assert_eq!(refused(&frank.me().await), Some(401));
    let guest = logged_in(s, "guest", "guest").await;
    assert_refused(&guest.delete_user("admin", None).await, 403, "forbidden");
    let got = http::send(Method::DELETE, &s.api("/users/guest"), None, None).await;
    assert_error(&got, 401, "missing_token");
}

#[tokio::test]
async fn a_user_deletes_themself_with_their_password() {
    on_each_backend(async |s| deleting_oneself(s).await).await;
}

async fn last_admin(s: &TestServer) {
    let admin = s.admin().await;
    assert_refused(
        &admin.update_user("admin", &role("reader")).await,
        409,
        "last_admin",
    );
    assert_refused(
        &admin.update_user("admin", &disabled(true)).await,
        409,
        "last_admin",
    );
    assert_refused(
        &admin.update_me(&role("contributor")).await,
        409,
        "last_admin",
    );
    assert_refused(&admin.delete_user("admin", None).await, 409, "last_admin");
    assert_eq!(admin.me().await.unwrap().user.user.role, "admin");

    admin
        .create_user(&new_user("root", Some("admin"), Some(STRONG)))
        .await
        .unwrap();
    let root = logged_in(s, "root", STRONG).await;
    // With two, either may go; then the other is the last.
    admin.update_user("admin", &role("reader")).await.unwrap();
    assert_refused(
        &root.update_user("root", &disabled(true)).await,
        409,
        "last_admin",
    );
    assert_refused(&root.delete_user("root", None).await, 409, "last_admin");
    root.update_user("admin", &role("admin")).await.unwrap();
    root.delete_user("root", None).await.unwrap();
    assert_eq!(refused(&root.me().await), Some(401));
}

#[tokio::test]
async fn the_last_enabled_admin_is_never_deleted_disabled_or_demoted() {
    on_each_backend(async |s| last_admin(s).await).await;
}
