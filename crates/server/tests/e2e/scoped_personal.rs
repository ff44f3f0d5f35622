//! Personal tokens: PlantDB's create-api-token, with its bugs fixed.

use serde_json::json;
use tessera_core::Role;

use tessera_api::tokens::CreateApiTokenRequest;

use crate::common::{assert_error, assert_refused, reason, TestServer, START};
use crate::scoped_support::{auth, call, personal, user};

#[tokio::test]
async fn create_api_token_answers_plantdb_shape_and_validates_as_a_personal_token() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let body = json!({"datasets": {"scan_*": ["Permission.READ", "WRITE"]}, "token_exp": 3600});
    // The exact status and body, raw: PlantDB's clients read them.
    let got = call(
        &s,
        "POST",
        "/auth/token/create-api-token",
        Some(&admin),
        Some(body),
    )
    .await;
    assert_eq!(got.0, 200, "{}", got.1);
    assert_eq!(got.1["message"], "API Token generated successfully");
    assert_eq!(got.1["expiration date"], "2027-01-15T09:00:00+00:00");
    let token = got.1["api_token"].as_str().unwrap();
    assert!(
        token.starts_with("tsr_pat_") && token.len() == 57,
        "{token}"
    );

    let v = s.validate(token).await.unwrap();
    assert_eq!(v.message, "Token validation successful");
    assert_eq!(
        (v.user.username.as_str(), v.user.fullname.as_str()),
        ("admin", "Demo Admin")
    );
    assert_eq!(v.kind.as_deref(), Some("personal_token"));
    assert_eq!(v.actor.as_deref(), Some("admin"));
    assert_eq!(v.scopes.unwrap(), ["scan_*:read", "scan_*:write"]);
    let datasets = serde_json::to_value(v.datasets).unwrap();
    assert_eq!(datasets, json!({"scan_*": ["read", "write"]}));
    assert!(v.resource.is_none());
}

#[tokio::test]
async fn create_api_token_refuses_what_plantdb_accepted() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (guest, _) = s.login("guest", "guest").await;
    let ok = json!({"a": ["read"]});
    let no_credential = call(
        &s,
        "POST",
        "/auth/token/create-api-token",
        None,
        Some(json!({"datasets": ok, "token_exp": 60})),
    )
    .await;
    assert_error(&no_credential, 401, "missing_token");
    let (admin, guest) = (s.bearer(&admin).await, s.bearer(&guest).await);
    let request =
        |datasets: serde_json::Value, token_exp: Option<serde_json::Value>| CreateApiTokenRequest {
            datasets: Some(datasets),
            token_exp,
            description: None,
        };
    for exp in [json!(0), json!(-5), json!("3600"), json!(null)] {
        let got = admin
            .create_api_token(&request(ok.clone(), Some(exp)))
            .await;
        assert_refused(&got, 400, "bad_request");
    }
    let got = admin.create_api_token(&request(ok.clone(), None)).await;
    assert_refused(&got, 400, "bad_request");
    for datasets in [
        json!({}),
        json!([]),
        json!(null),
        json!({"a": []}),
        json!({"a": ["fly"]}),
        json!({"a": [5]}),
    ] {
        let got = admin
            .create_api_token(&request(datasets, Some(json!(60))))
            .await;
        assert_refused(&got, 400, "bad_request");
    }
    let beyond = request(json!({"a": ["write"]}), Some(json!(60)));
    assert_refused(&guest.create_api_token(&beyond).await, 403, "forbidden");
}

#[tokio::test]
async fn expired_and_malformed_tokens_are_refused() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (token, _) = personal(&s, &admin, json!({"a": "read"}), 60).await;
    s.validate(&token).await.unwrap();
    s.clock.advance(61);
    assert_refused(&s.validate(&token).await, 401, "token_expired");

    let (token, _) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    // One character changed (to one it was not), so the checksum no longer matches.
    let other = if &token[20..21] == "x" { "y" } else { "x" };
    let typo = format!("{}{other}{}", &token[..20], &token[21..]);
    let got = s.validate(&typo).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("malformed"), "{got:?}");
}

#[tokio::test]
async fn a_scoped_token_is_neither_a_refresh_token_nor_an_access_token() {
    let s = TestServer::start().await;
    let (admin, refresh) = s.login("admin", "admin").await;
    let (token, _) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    let got = s.refresh(&token).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("a scoped token is not a refresh token"));
    assert_refused(&s.validate(&refresh).await, 401, "invalid_token");
    let managing = s.bearer(&token).await.list_tokens().await;
    assert_refused(&managing, 401, "invalid_token");
    s.validate(&token).await.unwrap();
}

#[tokio::test]
async fn owners_list_and_revoke_their_tokens_and_admins_revoke_any() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (guest, _) = s.login("guest", "guest").await;
    let (mine, mine_id) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    let (guests, guests_id) = personal(&s, &guest, json!({"b": ["read"]}), 600).await;

    let (admin, guest) = (s.bearer(&admin).await, s.bearer(&guest).await);
    let list = admin.list_tokens().await.unwrap();
    let tokens = &list.tokens;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].id, mine_id);
    assert_eq!(tokens[0].scopes, ["a:read"]);
    assert_eq!(tokens[0].created_by, "admin");
    assert_eq!(tokens[0].expires_at, Some(START + 600));
    assert!(!format!("{list:?}").contains("tsr_pat_"), "{list:?}");

    assert_refused(&guest.revoke_token(&mine_id).await, 404, "not_found");
    assert_refused(&guest.revoke_token("nope").await, 404, "not_found");
    admin.revoke_token(&mine_id).await.unwrap();
    assert_refused(&s.validate(&mine).await, 401, "invalid_token");
    assert_refused(&admin.revoke_token(&mine_id).await, 404, "not_found");
    admin.revoke_token(&guests_id).await.unwrap();
    assert_refused(&s.validate(&guests).await, 401, "invalid_token");
    assert_eq!(admin.list_tokens().await.unwrap().tokens, []);
}

#[tokio::test]
async fn rights_follow_the_owners_current_role_and_account() {
    let s = TestServer::start().await;
    let alice = user(&s, "alice", Role::Contributor).await;
    let (token, _) = personal(
        &s,
        &alice,
        json!({"x": ["read", "write"], "y": ["write"]}),
        600,
    )
    .await;
    let v = s.validate(&token).await.unwrap();
    assert_eq!(v.scopes.unwrap(), ["x:read", "x:write", "y:write"]);

    auth(&s).set_role("alice", Role::Reader).await.unwrap();
    let v = s.validate(&token).await.unwrap();
    assert_eq!(v.scopes.unwrap(), ["x:read"]);
    let datasets = serde_json::to_value(v.datasets).unwrap();
    assert_eq!(datasets, json!({"x": ["read"]}));

    auth(&s).set_disabled("alice", true).await.unwrap();
    assert_refused(&s.validate(&token).await, 401, "invalid_token");
}
