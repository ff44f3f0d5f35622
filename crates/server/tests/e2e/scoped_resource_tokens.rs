//! Resource tokens: made, listed, renamed and revoked by maintainers; owned by the resource.

use serde_json::{json, Value};

use crate::common::{assert_error, assert_refused, START};
use crate::scoped_resources::{team, Team, R};
use crate::scoped_support::{auth, call, validate_with};

async fn new_token(t: &Team, bearer: &str, body: Value) -> (u16, Value) {
    call(
        &t.s,
        "POST",
        &format!("{R}/tokens"),
        Some(bearer),
        Some(body),
    )
    .await
}

async fn make_token(t: &Team, description: &str) -> (String, String) {
    let body = json!({"description": description, "scopes": ["write", "Permission.READ"], "expires_in": null});
    let got = new_token(t, &t.anna, body).await;
    assert_eq!(got.0, 201, "{}", got.1);
    (
        got.1["token"].as_str().unwrap().into(),
        got.1["id"].as_str().unwrap().into(),
    )
}

#[tokio::test]
async fn resource_tokens_validate_as_the_token_and_are_shown_once() {
    let t = team().await;
    let got = new_token(
        &t,
        &t.anna,
        json!({"description": "GitHub Actions", "scopes": ["write", "READ"]}),
    )
    .await;
    assert_eq!(got.0, 201, "{}", got.1);
    assert_eq!(got.1["scopes"], json!(["read", "write"]));
    assert_eq!(got.1["expires_at"], Value::Null);
    assert_eq!(got.1["description"], "GitHub Actions");
    let (token, id) = (
        got.1["token"].as_str().unwrap(),
        got.1["id"].as_str().unwrap(),
    );
    assert!(token.starts_with("tsr_pat_"));

    let v = t.s.validate(token).await.unwrap();
    assert_eq!(
        (v.user.username, v.user.fullname.as_str()),
        (format!("token-{id}"), "Token GitHub Actions")
    );
    assert_eq!(v.kind.as_deref(), Some("resource_token"));
    assert_eq!(v.actor.as_deref(), Some("Token GitHub Actions"));
    assert_eq!(v.resource.as_deref(), Some("plugin:fancy-plugin"));
    assert_eq!(v.scopes.unwrap(), ["read", "write"]);

    let list = call(&t.s, "GET", &format!("{R}/tokens"), Some(&t.bob), None).await;
    assert_eq!(list.0, 200);
    let listed = &list.1["tokens"][0];
    assert_eq!(
        (listed["id"].as_str(), listed["created_by"].as_str()),
        (Some(id), Some("anna"))
    );
    assert_eq!(listed["created_at"], START);
    assert_eq!(listed["last_used_at"], Value::Null);
    for key in ["description", "scopes", "expires_at", "last_used_ip"] {
        assert!(listed.get(key).is_some(), "{key}: {listed}");
    }
    assert!(!list.1.to_string().contains(token) && !list.1.to_string().contains("tsr_pat_"));

    let patch = call(
        &t.s,
        "PATCH",
        &format!("{R}/tokens/{id}"),
        Some(&t.bob),
        Some(json!({"description": "Release CI"})),
    )
    .await;
    assert_eq!(patch.0, 200, "{}", patch.1);
    let v = t.s.validate(token).await.unwrap();
    assert_eq!(v.actor.as_deref(), Some("Token Release CI"));
}

#[tokio::test]
async fn creation_input_is_checked() {
    let t = team().await;
    for body in [
        json!({"scopes": ["read"]}),
        json!({"description": " ", "scopes": ["read"]}),
        json!({"description": "d"}),
        json!({"description": "d", "scopes": []}),
        json!({"description": "d", "scopes": ["fly"]}),
        json!({"description": "d", "scopes": ["read"], "expires_in": 0}),
        json!({"description": "d", "scopes": ["read"], "expires_in": "soon"}),
    ] {
        assert_error(&new_token(&t, &t.anna, body).await, 400, "bad_request");
    }
}

#[tokio::test]
async fn non_maintainers_get_403_and_only_admins_learn_a_resource_is_unknown() {
    let t = team().await;
    let (_, id) = make_token(&t, "ci").await;
    let s = &t.s;
    let body = json!({"description": "x", "scopes": ["read"]});
    assert_error(
        &new_token(&t, &t.guest, body.clone()).await,
        403,
        "forbidden",
    );
    assert_error(
        &call(s, "GET", &format!("{R}/tokens"), Some(&t.guest), None).await,
        403,
        "forbidden",
    );
    assert_error(
        &call(s, "GET", &format!("{R}/tokens"), Some(&t.admin), None).await,
        403,
        "forbidden",
    );
    assert_error(
        &call(
            s,
            "DELETE",
            &format!("{R}/tokens/{id}"),
            Some(&t.guest),
            None,
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &call(
            s,
            "PATCH",
            &format!("{R}/tokens/{id}"),
            Some(&t.guest),
            Some(json!({"description": "x"})),
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &call(s, "GET", "/resources/nope/tokens", Some(&t.guest), None).await,
        403,
        "forbidden",
    );
    assert_error(
        &call(s, "GET", "/resources/nope/tokens", Some(&t.admin), None).await,
        404,
        "not_found",
    );
    assert_error(
        &call(s, "DELETE", &format!("{R}/tokens/nope"), Some(&t.bob), None).await,
        404,
        "not_found",
    );
    assert_error(
        &call(s, "GET", &format!("{R}/tokens"), None, None).await,
        401,
        "missing_token",
    );
}

#[tokio::test]
async fn any_maintainer_revokes_and_a_revoked_token_is_gone() {
    let t = team().await;
    let (token, id) = make_token(&t, "ci").await;
    t.s.validate(&token).await.unwrap();
    let path = format!("{R}/tokens/{id}");
    assert_eq!(call(&t.s, "DELETE", &path, Some(&t.bob), None).await.0, 200);
    assert_refused(&t.s.validate(&token).await, 401, "invalid_token");
    assert_error(
        &call(&t.s, "DELETE", &path, Some(&t.anna), None).await,
        404,
        "not_found",
    );
    let list = call(&t.s, "GET", &format!("{R}/tokens"), Some(&t.anna), None).await;
    assert_eq!(list.1["tokens"], json!([]));
}

#[tokio::test]
async fn a_token_outlives_its_creators_maintainership_and_account() {
    let t = team().await;
    let (token, _) = make_token(&t, "ci").await;
    let path = format!("{R}/maintainers/anna");
    assert_eq!(call(&t.s, "DELETE", &path, Some(&t.bob), None).await.0, 200);
    auth(&t.s).set_disabled("anna", true).await.unwrap();
    let v = t.s.validate(&token).await.unwrap();
    assert_eq!(v.actor.as_deref(), Some("Token ci"));
    let list = call(&t.s, "GET", &format!("{R}/tokens"), Some(&t.bob), None).await;
    assert_eq!(list.1["tokens"][0]["created_by"], "anna");
}

#[tokio::test]
async fn a_token_checked_for_another_resource_is_forbidden() {
    let t = team().await;
    let (token, _) = make_token(&t, "ci").await;
    let other = validate_with(&t.s, &token, Some(json!({"resource": "plugin:other"}))).await;
    assert_error(&other, 403, "forbidden");
    let message = other.1["error"].as_str().unwrap();
    assert!(
        message.starts_with("Token validation failed: "),
        "{message}"
    );
    assert!(message.contains("plugin:fancy-plugin"), "{message}");
    let right = validate_with(
        &t.s,
        &token,
        Some(json!({"resource": "plugin:fancy-plugin"})),
    )
    .await;
    assert_eq!(right.0, 200);
    let access = validate_with(
        &t.s,
        &t.anna,
        Some(json!({"resource": "plugin:fancy-plugin"})),
    )
    .await;
    assert_error(&access, 403, "forbidden");
    let message = access.1["error"].as_str().unwrap();
    assert!(
        message.starts_with("Token validation failed: "),
        "{message}"
    );
    assert_error(
        &validate_with(&t.s, &token, Some(json!({"resource": 5}))).await,
        400,
        "bad_request",
    );
}

#[tokio::test]
async fn a_token_with_expires_in_expires() {
    let t = team().await;
    let got = new_token(
        &t,
        &t.anna,
        json!({"description": "short", "scopes": ["read"], "expires_in": 60}),
    )
    .await;
    assert_eq!(got.1["expires_at"], START + 60);
    let token = got.1["token"].as_str().unwrap();
    t.s.validate(token).await.unwrap();
    t.s.clock.advance(60);
    assert_refused(&t.s.validate(token).await, 401, "token_expired");
}
