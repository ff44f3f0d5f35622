//! Resources and their maintainers.

use serde_json::{json, Value};
use tessera_core::Role;

use crate::common::{assert_error, TestServer};
use crate::scoped_support::{call, user};

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
    let body = json!({"name": "plugin:fancy-plugin", "maintainers": ["Anna", "bob"]});
    let got = call(&s, "POST", "/resources", Some(&admin), Some(body)).await;
    assert_eq!(got.0, 201, "{}", got.1);
    assert_eq!(got.1["resource"]["maintainers"], json!(["anna", "bob"]));
    Team {
        s,
        admin,
        anna,
        bob,
        guest,
    }
}

async fn create(s: &TestServer, bearer: &str, body: Value) -> (u16, Value) {
    call(s, "POST", "/resources", Some(bearer), Some(body)).await
}

async fn add(s: &TestServer, bearer: &str, who: &str) -> (u16, Value) {
    let body = json!({"username": who});
    call(
        s,
        "POST",
        &format!("{R}/maintainers"),
        Some(bearer),
        Some(body),
    )
    .await
}

async fn del(s: &TestServer, bearer: &str, who: &str) -> (u16, Value) {
    call(
        s,
        "DELETE",
        &format!("{R}/maintainers/{who}"),
        Some(bearer),
        None,
    )
    .await
}

#[tokio::test]
async fn admins_create_resources_and_everyone_lists_what_they_may_see() {
    let t = team().await;
    let s = &t.s;
    assert_error(
        &create(s, &t.anna, json!({"name": "other"})).await,
        403,
        "forbidden",
    );
    assert_error(
        &create(s, &t.admin, json!({"name": "plugin:fancy-plugin"})).await,
        409,
        "conflict",
    );
    for bad in ["", "has space", "a/b", "-lead", &"x".repeat(129)] {
        assert_error(
            &create(s, &t.admin, json!({"name": bad})).await,
            400,
            "bad_request",
        );
    }
    assert_error(
        &create(s, &t.admin, json!({"name": "r", "maintainers": ["ghost"]})).await,
        404,
        "not_found",
    );
    assert_error(&create(s, &t.admin, json!({})).await, 400, "bad_request");
    assert_eq!(
        create(s, &t.admin, json!({"name": "plugin:other"})).await.0,
        201
    );

    let names = |v: (u16, Value)| -> Vec<String> {
        v.1["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(call(s, "GET", "/resources", Some(&t.admin), None).await),
        ["plugin:fancy-plugin", "plugin:other"]
    );
    assert_eq!(
        names(call(s, "GET", "/resources", Some(&t.bob), None).await),
        ["plugin:fancy-plugin"]
    );
    assert!(names(call(s, "GET", "/resources", Some(&t.guest), None).await).is_empty());
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
    assert_error(&add(s, &t.guest, "guest").await, 403, "forbidden");
    assert_error(
        &call(
            s,
            "POST",
            "/resources/nope/maintainers",
            Some(&t.admin),
            Some(json!({"username": "guest"})),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(&add(s, &t.anna, "ghost").await, 404, "not_found");
    assert_eq!(add(s, &t.anna, "guest").await.0, 200);
    assert_eq!(
        add(s, &t.admin, "guest").await.0,
        200,
        "adding twice is fine"
    );
    assert_eq!(del(s, &t.guest, "guest").await.0, 200);
    assert_error(&del(s, &t.guest, "anna").await, 403, "forbidden");
    assert_error(&del(s, &t.admin, "guest").await, 404, "not_found");
    assert_eq!(del(s, &t.admin, "bob").await.0, 200);
    let got = call(s, "GET", "/resources", Some(&t.admin), None).await;
    assert_eq!(got.1["resources"][0]["maintainers"], json!(["anna"]));
}
