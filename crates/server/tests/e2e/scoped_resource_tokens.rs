//! Resource tokens: made, listed, renamed and revoked by maintainers; owned by the resource.

use serde_json::{json, Value};
use tessera_api::tokens::CreateResourceTokenRequest;

use crate::common::{assert_error, assert_refused, reason, START};
use crate::scoped_resources::{team, Team, NAME, R};
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

/// A token of the team's resource made by anna through the client, until revoked: (secret, id).
async fn make_token(t: &Team, description: &str) -> (String, String) {
    let request = CreateResourceTokenRequest {
        description: Some(description.into()),
        scopes: Some(json!(["write", "Permission.READ"])),
        expires_in: None,
    };
    let anna = t.s.bearer(&t.anna).await;
    let made = anna.create_resource_token(NAME, &request).await.unwrap();
    (made.token, made.id)
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

    let bob = t.s.bearer(&t.bob).await;
    bob.describe_resource_token(NAME, id, "Release CI")
        .await
        .unwrap();
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
    let (guest, admin, bob) = (
        s.bearer(&t.guest).await,
        s.bearer(&t.admin).await,
        s.bearer(&t.bob).await,
    );
    let request = CreateResourceTokenRequest {
        description: Some("x".into()),
        scopes: Some(json!(["read"])),
        expires_in: None,
    };
    let made = guest.create_resource_token(NAME, &request).await;
    assert_refused(&made, 403, "forbidden");
    let listed = guest.list_resource_tokens(NAME).await;
    assert_refused(&listed, 403, "forbidden");
    let listed = admin.list_resource_tokens(NAME).await;
    assert_refused(&listed, 403, "forbidden");
    let revoked = guest.revoke_resource_token(NAME, &id).await;
    assert_refused(&revoked, 403, "forbidden");
    let described = guest.describe_resource_token(NAME, &id, "x").await;
    assert_refused(&described, 403, "forbidden");
    let unknown = guest.list_resource_tokens("nope").await;
    assert_refused(&unknown, 403, "forbidden");
    let unknown = admin.list_resource_tokens("nope").await;
    assert_refused(&unknown, 404, "not_found");
    let unknown = bob.revoke_resource_token(NAME, "nope").await;
    assert_refused(&unknown, 404, "not_found");
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
    let (anna, bob) = (t.s.bearer(&t.anna).await, t.s.bearer(&t.bob).await);
    bob.revoke_resource_token(NAME, &id).await.unwrap();
    assert_refused(&t.s.validate(&token).await, 401, "invalid_token");
    let again = anna.revoke_resource_token(NAME, &id).await;
    assert_refused(&again, 404, "not_found");
    assert_eq!(anna.list_resource_tokens(NAME).await.unwrap().tokens, []);
}

#[tokio::test]
async fn a_token_outlives_its_creators_maintainership_and_account() {
    let t = team().await;
    let (token, _) = make_token(&t, "ci").await;
    let bob = t.s.bearer(&t.bob).await;
    bob.remove_maintainer(NAME, "anna").await.unwrap();
    auth(&t.s).set_disabled("anna", true).await.unwrap();
    let v = t.s.validate(&token).await.unwrap();
    assert_eq!(v.actor.as_deref(), Some("Token ci"));
    let list = bob.list_resource_tokens(NAME).await.unwrap();
    assert_eq!(list.tokens[0].created_by, "anna");
}

#[tokio::test]
async fn a_token_checked_for_another_resource_is_forbidden() {
    let t = team().await;
    let (token, _) = make_token(&t, "ci").await;
    let service = t.s.client();
    let other = service.validate_token(&token, Some("plugin:other")).await;
    assert_refused(&other, 403, "forbidden");
    let message = reason(&other);
    assert!(
        message.starts_with("Token validation failed: "),
        "{message}"
    );
    assert!(message.contains("plugin:fancy-plugin"), "{message}");
    let right = service.validate_token(&token, Some(NAME)).await;
    assert!(right.is_ok(), "{right:?}");
    let access = service.validate_token(&t.anna, Some(NAME)).await;
    assert_refused(&access, 403, "forbidden");
    let message = reason(&access);
    assert!(
        message.starts_with("Token validation failed: "),
        "{message}"
    );
    // Raw: a body the client cannot send.
    assert_error(
        &validate_with(&t.s, &token, Some(json!({"resource": 5}))).await,
        400,
        "bad_request",
    );
}

#[tokio::test]
async fn a_token_with_expires_in_expires() {
    let t = team().await;
    let request = CreateResourceTokenRequest {
        description: Some("short".into()),
        scopes: Some(json!(["read"])),
        expires_in: Some(json!(60)),
    };
    let anna = t.s.bearer(&t.anna).await;
    let got = anna.create_resource_token(NAME, &request).await.unwrap();
    assert_eq!(got.expires_at, Some(START + 60));
    let token = &got.token;
    t.s.validate(token).await.unwrap();
    t.s.clock.advance(60);
    assert_refused(&t.s.validate(token).await, 401, "token_expired");
}
