//! Who may do what with resources and their tokens: scopes within the caller's role, rights
//! checked before anything else, and lists of live tokens only.

use serde_json::{json, Value};

use crate::common::{assert_error, TestServer};
use crate::scoped_resources::{team, R};
use crate::scoped_support::{call, personal};

async fn post(s: &TestServer, path: &str, bearer: &str, body: Value) -> (u16, Value) {
    call(s, "POST", path, Some(bearer), Some(body)).await
}

#[tokio::test]
async fn resource_token_scopes_stay_within_the_callers_role() {
    let t = team().await;
    let path = format!("{R}/tokens");
    let body = |scopes: Value| json!({"description": "ci", "scopes": scopes});
    let beyond = post(&t.s, &path, &t.bob, body(json!(["manage_users"]))).await;
    assert_error(&beyond, 403, "forbidden");
    assert!(beyond.1["error"].as_str().unwrap().contains("manage_users"));
    assert_error(
        &post(&t.s, &path, &t.bob, body(json!(["read", "write"]))).await,
        403,
        "forbidden",
    );
    assert_error(
        &post(&t.s, &path, &t.anna, body(json!(["delete"]))).await,
        403,
        "forbidden",
    );
    assert_eq!(
        post(&t.s, &path, &t.bob, body(json!(["read"]))).await.0,
        201
    );
    assert_eq!(
        post(
            &t.s,
            &path,
            &t.anna,
            body(json!(["read", "write", "create"]))
        )
        .await
        .0,
        201
    );
    let list = call(&t.s, "GET", &path, Some(&t.bob), None).await;
    assert_eq!(list.1["tokens"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn non_admins_cannot_tell_unknown_resources_from_foreign_ones() {
    let t = team().await;
    let s = &t.s;
    let body = || Some(json!({"description": "x", "scopes": ["read"], "username": "guest"}));
    for (method, path) in [
        ("GET", "/resources/nope/tokens"),
        ("POST", "/resources/nope/tokens"),
        ("PATCH", "/resources/nope/tokens/abc"),
        ("DELETE", "/resources/nope/tokens/abc"),
        ("POST", "/resources/nope/maintainers"),
        ("DELETE", "/resources/nope/maintainers/guest"),
    ] {
        let unknown = call(s, method, path, Some(&t.guest), body()).await;
        assert_error(&unknown, 403, "forbidden");
        let foreign = path.replace("/resources/nope", R);
        let foreign = call(s, method, &foreign, Some(&t.guest), body()).await;
        assert_error(&foreign, 403, "forbidden");
    }
    for (method, path) in [
        ("GET", "/resources/nope/tokens"),
        ("POST", "/resources/nope/maintainers"),
        ("DELETE", "/resources/nope/maintainers/guest"),
    ] {
        let admin = call(s, method, path, Some(&t.admin), body()).await;
        assert_error(&admin, 404, "not_found");
    }
}

#[tokio::test]
async fn rights_are_checked_before_fields() {
    let t = team().await;
    let s = &t.s;
    let create = post(s, "/resources", &t.anna, json!({})).await;
    assert_error(&create, 403, "forbidden");
    let create = post(s, "/resources", &t.admin, json!({})).await;
    assert_error(&create, 400, "bad_request");
    let maintainers = format!("{R}/maintainers");
    let add = post(s, &maintainers, &t.guest, json!({})).await;
    assert_error(&add, 403, "forbidden");
    let add = post(s, &maintainers, &t.anna, json!({})).await;
    assert_error(&add, 400, "bad_request");
    let tokens = format!("{R}/tokens");
    let make = call(s, "POST", &tokens, Some(&t.guest), Some(json!({}))).await;
    assert_error(&make, 403, "forbidden");
}

#[tokio::test]
async fn lists_hold_live_tokens_only() {
    let t = team().await;
    let s: &TestServer = &t.s;
    let (_, short) = personal(s, &t.anna, json!({"a": "read"}), 60).await;
    let (_, long) = personal(s, &t.anna, json!({"a": "read"}), 600).await;
    let tokens = format!("{R}/tokens");
    for expires_in in [json!(60), Value::Null] {
        let body = json!({"description": "ci", "scopes": ["read"], "expires_in": expires_in});
        assert_eq!(
            call(s, "POST", &tokens, Some(&t.anna), Some(body)).await.0,
            201
        );
    }
    let ids = |v: (u16, Value)| -> Vec<Option<i64>> {
        assert_eq!(v.0, 200, "{}", v.1);
        v.1["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["expires_at"].as_i64())
            .collect()
    };
    let mine = call(s, "GET", "/auth/tokens", Some(&t.anna), None).await;
    assert_eq!(mine.1["tokens"].as_array().unwrap().len(), 2);
    assert_eq!(
        ids(call(s, "GET", &tokens, Some(&t.anna), None).await).len(),
        2
    );

    s.clock.advance(60);
    let mine = call(s, "GET", "/auth/tokens", Some(&t.anna), None).await;
    let listed: Vec<_> = mine.1["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, vec![long], "{short} expired");
    assert_eq!(
        ids(call(s, "GET", &tokens, Some(&t.anna), None).await),
        vec![None]
    );
}
