//! Personal tokens: PlantDB's create-api-token, with its bugs fixed.

use serde_json::json;
use tessera_core::Role;

use crate::common::{assert_error, TestServer, START};
use crate::scoped_support::{auth, call, personal, user};

#[tokio::test]
async fn create_api_token_answers_plantdb_shape_and_validates_as_a_personal_token() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let body = json!({"datasets": {"scan_*": ["Permission.READ", "WRITE"]}, "token_exp": 3600});
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

    let v = s.validate(token).await;
    assert_eq!(v.0, 200, "{}", v.1);
    assert_eq!(v.1["message"], "Token validation successful");
    assert_eq!(
        v.1["user"],
        json!({"username": "admin", "fullname": "Demo Admin"})
    );
    assert_eq!(v.1["kind"], "personal_token");
    assert_eq!(v.1["actor"], "admin");
    assert_eq!(v.1["scopes"], json!(["scan_*:read", "scan_*:write"]));
    assert_eq!(v.1["datasets"], json!({"scan_*": ["read", "write"]}));
    assert!(v.1.get("resource").is_none());
}

#[tokio::test]
async fn create_api_token_refuses_what_plantdb_accepted() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (guest, _) = s.login("guest", "guest").await;
    let ok = json!({"a": ["read"]});
    let create = |bearer: Option<String>, body: serde_json::Value| {
        let s = &s;
        async move {
            call(
                s,
                "POST",
                "/auth/token/create-api-token",
                bearer.as_deref(),
                Some(body),
            )
            .await
        }
    };
    assert_error(
        &create(None, json!({"datasets": ok, "token_exp": 60})).await,
        401,
        "missing_token",
    );
    for exp in [json!(0), json!(-5), json!("3600"), json!(null)] {
        let got = create(
            Some(admin.clone()),
            json!({"datasets": ok, "token_exp": exp}),
        )
        .await;
        assert_error(&got, 400, "bad_request");
    }
    assert_error(
        &create(Some(admin.clone()), json!({"datasets": ok})).await,
        400,
        "bad_request",
    );
    for datasets in [
        json!({}),
        json!([]),
        json!(null),
        json!({"a": []}),
        json!({"a": ["fly"]}),
        json!({"a": [5]}),
    ] {
        let got = create(
            Some(admin.clone()),
            json!({"datasets": datasets, "token_exp": 60}),
        )
        .await;
        assert_error(&got, 400, "bad_request");
    }
    let beyond = create(
        Some(guest),
        json!({"datasets": {"a": ["write"]}, "token_exp": 60}),
    )
    .await;
    assert_error(&beyond, 403, "forbidden");
}

#[tokio::test]
async fn expired_and_malformed_tokens_are_refused() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (token, _) = personal(&s, &admin, json!({"a": "read"}), 60).await;
    assert_eq!(s.validate(&token).await.0, 200);
    s.clock.advance(61);
    assert_error(&s.validate(&token).await, 401, "token_expired");

    let (token, _) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    // One character changed (to one it was not), so the checksum no longer matches.
    let other = if &token[20..21] == "x" { "y" } else { "x" };
    let typo = format!("{}{other}{}", &token[..20], &token[21..]);
    let got = s.validate(&typo).await;
    assert_error(&got, 401, "invalid_token");
    assert!(
        got.1["error"].as_str().unwrap().contains("malformed"),
        "{}",
        got.1
    );
}

#[tokio::test]
async fn a_scoped_token_is_neither_a_refresh_token_nor_an_access_token() {
    let s = TestServer::start().await;
    let (admin, refresh) = s.login("admin", "admin").await;
    let (token, _) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    let got = s.refresh(&token).await;
    assert_error(&got, 401, "invalid_token");
    assert!(got.1["error"]
        .as_str()
        .unwrap()
        .contains("a scoped token is not a refresh token"));
    assert_error(&s.validate(&refresh).await, 401, "invalid_token");
    let managing = call(&s, "GET", "/auth/tokens", Some(&token), None).await;
    assert_error(&managing, 401, "invalid_token");
    assert_eq!(s.validate(&token).await.0, 200);
}

#[tokio::test]
async fn owners_list_and_revoke_their_tokens_and_admins_revoke_any() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (guest, _) = s.login("guest", "guest").await;
    let (mine, mine_id) = personal(&s, &admin, json!({"a": "read"}), 600).await;
    let (guests, guests_id) = personal(&s, &guest, json!({"b": ["read"]}), 600).await;

    let list = call(&s, "GET", "/auth/tokens", Some(&admin), None).await;
    assert_eq!(list.0, 200);
    let tokens = list.1["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["id"], mine_id.as_str());
    assert_eq!(tokens[0]["scopes"], json!(["a:read"]));
    assert_eq!(tokens[0]["created_by"], "admin");
    assert_eq!(tokens[0]["expires_at"], START + 600);
    assert!(!list.1.to_string().contains("tsr_pat_"), "{}", list.1);

    let path = format!("/auth/tokens/{mine_id}");
    assert_error(
        &call(&s, "DELETE", &path, Some(&guest), None).await,
        404,
        "not_found",
    );
    assert_error(
        &call(&s, "DELETE", "/auth/tokens/nope", Some(&guest), None).await,
        404,
        "not_found",
    );
    assert_eq!(call(&s, "DELETE", &path, Some(&admin), None).await.0, 200);
    assert_error(&s.validate(&mine).await, 401, "invalid_token");
    assert_error(
        &call(&s, "DELETE", &path, Some(&admin), None).await,
        404,
        "not_found",
    );
    let path = format!("/auth/tokens/{guests_id}");
    assert_eq!(call(&s, "DELETE", &path, Some(&admin), None).await.0, 200);
    assert_error(&s.validate(&guests).await, 401, "invalid_token");
    let list = call(&s, "GET", "/auth/tokens", Some(&admin), None).await;
    assert_eq!(list.1["tokens"], json!([]));
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
    let v = s.validate(&token).await;
    assert_eq!(v.1["scopes"], json!(["x:read", "x:write", "y:write"]));

    auth(&s).set_role("alice", Role::Reader).await.unwrap();
    let v = s.validate(&token).await;
    assert_eq!(v.0, 200);
    assert_eq!(v.1["scopes"], json!(["x:read"]));
    assert_eq!(v.1["datasets"], json!({"x": ["read"]}));

    auth(&s).set_disabled("alice", true).await.unwrap();
    assert_error(&s.validate(&token).await, 401, "invalid_token");
}
