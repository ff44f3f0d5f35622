//! Who may do what with resources and their tokens: scopes within the caller's role, rights
//! checked before anything else, and lists of live tokens only.

use serde_json::{json, Value};
use tessera_api::tokens::{CreateResourceTokenRequest, TokenList};

use crate::common::{assert_error, assert_refused, reason, TestServer};
use crate::scoped_resources::{team, NAME, R};
use crate::scoped_support::{call, personal};

async fn post(s: &TestServer, path: &str, bearer: &str, body: Value) -> (u16, Value) {
    call(s, "POST", path, Some(bearer), Some(body)).await
}

#[tokio::test]
async fn resource_token_scopes_stay_within_the_callers_role() {
    let t = team().await;
    let (anna, bob) = (t.s.bearer(&t.anna).await, t.s.bearer(&t.bob).await);
    let request = |scopes: Value| CreateResourceTokenRequest {
        description: Some("ci".into()),
        scopes: Some(scopes),
        expires_in: None,
    };
    let beyond = bob
        .create_resource_token(NAME, &request(json!(["manage_users"])))
        .await;
    assert_refused(&beyond, 403, "forbidden");
    assert!(reason(&beyond).contains("manage_users"));
    let got = bob
        .create_resource_token(NAME, &request(json!(["read", "write"])))
        .await;
    assert_refused(&got, 403, "forbidden");
    let got = anna
        .create_resource_token(NAME, &request(json!(["delete"])))
        .await;
    assert_refused(&got, 403, "forbidden");
    bob.create_resource_token(NAME, &request(json!(["read"])))
        .await
        .unwrap();
    anna.create_resource_token(NAME, &request(json!(["read", "write", "create"])))
        .await
        .unwrap();
    let list = bob.list_resource_tokens(NAME).await.unwrap();
    assert_eq!(list.tokens.len(), 2);
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
    let anna = s.bearer(&t.anna).await;
    for expires_in in [Some(json!(60)), None] {
        let request = CreateResourceTokenRequest {
            description: Some("ci".into()),
            scopes: Some(json!(["read"])),
            expires_in,
        };
        anna.create_resource_token(NAME, &request).await.unwrap();
    }
    let expiries = |list: TokenList| -> Vec<Option<i64>> {
        list.tokens.into_iter().map(|t| t.expires_at).collect()
    };
    assert_eq!(anna.list_tokens().await.unwrap().tokens.len(), 2);
    let resource_tokens = anna.list_resource_tokens(NAME).await.unwrap();
    assert_eq!(expiries(resource_tokens).len(), 2);

    s.clock.advance(60);
    let mine = anna.list_tokens().await.unwrap();
    let listed: Vec<_> = mine.tokens.into_iter().map(|t| t.id).collect();
    assert_eq!(listed, vec![long], "{short} expired");
    let resource_tokens = anna.list_resource_tokens(NAME).await.unwrap();
    assert_eq!(expiries(resource_tokens), vec![None]);
}
