//! Resources and their maintainers.

use serde_json::json;
use tessera_api::tokens::{CreateResourceRequest, ResourceList, ResourceResponse};
use tessera_api::MessageResponse;
use tessera_client::ClientError;
use tessera_core::Role;

use crate::common::{assert_error, assert_refused, TestServer};
use crate::scoped_support::{call, user};

/// The team's resource, and its path.
pub const NAME: &str = "plugin:fancy-plugin";
pub const R: &str = "/resources/plugin:fancy-plugin";

pub struct Team {
    pub s: TestServer,
    pub admin: String,
    pub anna: String,
    pub bob: String,
    pub guest: String,
}

/// `plugin:fancy-plugin`, maintained by anna (a contributor) and bob (a reader); guest
/// maintains nothing.
pub async fn team() -> Team {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (guest, _) = s.login("guest", "guest").await;
    let anna = user(&s, "anna", Role::Contributor).await;
    let bob = user(&s, "bob", Role::Reader).await;
    let made = create(&s, &admin, Some(NAME), Some(&["Anna", "bob"])).await;
    assert_eq!(made.unwrap().resource.maintainers, ["anna", "bob"]);
    Team {
        s,
        admin,
        anna,
        bob,
        guest,
    }
}

async fn create(
    s: &TestServer,
    bearer: &str,
    name: Option<&str>,
    maintainers: Option<&[&str]>,
) -> Result<ResourceResponse, ClientError> {
    let request = CreateResourceRequest {
        name: name.map(str::to_string),
        maintainers: maintainers.map(|m| m.iter().map(|u| u.to_string()).collect()),
    };
    s.bearer(bearer).await.create_resource(&request).await
}

async fn add(s: &TestServer, bearer: &str, who: &str) -> Result<MessageResponse, ClientError> {
    s.bearer(bearer).await.add_maintainer(NAME, who).await
}

async fn del(s: &TestServer, bearer: &str, who: &str) -> Result<MessageResponse, ClientError> {
    s.bearer(bearer).await.remove_maintainer(NAME, who).await
}

async fn list(s: &TestServer, bearer: &str) -> ResourceList {
    s.bearer(bearer).await.list_resources().await.unwrap()
}

#[tokio::test]
async fn admins_create_resources_and_everyone_lists_what_they_may_see() {
    let t = team().await;
    let s = &t.s;
    let forbidden = create(s, &t.anna, Some("other"), None).await;
    assert_refused(&forbidden, 403, "forbidden");
    let twice = create(s, &t.admin, Some(NAME), None).await;
    assert_refused(&twice, 409, "conflict");
    for bad in ["", "has space", "a/b", "-lead", &"x".repeat(129)] {
        let got = create(s, &t.admin, Some(bad), None).await;
        assert_refused(&got, 400, "bad_request");
    }
    let ghost = create(s, &t.admin, Some("r"), Some(&["ghost"])).await;
    assert_refused(&ghost, 404, "not_found");
    assert_refused(&create(s, &t.admin, None, None).await, 400, "bad_request");
    // The exact status, raw.
    let other = json!({"name": "plugin:other"});
    let made = call(s, "POST", "/resources", Some(&t.admin), Some(other)).await;
    assert_eq!(made.0, 201, "{}", made.1);

    let names = |list: ResourceList| -> Vec<String> {
        list.resources.into_iter().map(|r| r.name).collect()
    };
    assert_eq!(
        names(list(s, &t.admin).await),
        ["plugin:fancy-plugin", "plugin:other"]
    );
    assert_eq!(names(list(s, &t.bob).await), ["plugin:fancy-plugin"]);
    assert!(names(list(s, &t.guest).await).is_empty());
    assert_error(
        &call(s, "GET", "/resources", None, None).await,
        401,
        "missing_token",
    );
}

#[tokio::test]
async fn admins_and_maintainers_manage_maintainers_and_others_get_403() {
    let t = team().await;
    let s = &t.s;
    assert_refused(&add(s, &t.guest, "guest").await, 403, "forbidden");
    let admin = s.bearer(&t.admin).await;
    let unknown = admin.add_maintainer("nope", "guest").await;
    assert_refused(&unknown, 404, "not_found");
    assert_refused(&add(s, &t.anna, "ghost").await, 404, "not_found");
    add(s, &t.anna, "guest").await.unwrap();
    add(s, &t.admin, "guest")
        .await
        .expect("adding twice is fine");
    del(s, &t.guest, "guest").await.unwrap();
    assert_refused(&del(s, &t.guest, "anna").await, 403, "forbidden");
    assert_refused(&del(s, &t.admin, "guest").await, 404, "not_found");
    del(s, &t.admin, "bob").await.unwrap();
    assert_eq!(list(s, &t.admin).await.resources[0].maintainers, ["anna"]);
}
