//! `POST /oauth2/token`: each grant, and each bad input answered as RFC 6749 section 5.2 says.

use tessera_api::ErrorCode;

use super::{assert_oauth_error, client_token, form, new_client, on_each_backend, Answer};
use crate::common::{assert_error, assert_refused, TestServer};

const TOKEN: &str = "/oauth2/token";

/// A form POST to the token endpoint: `grant_type`, then `fields`, with optional HTTP Basic
/// credentials.
async fn grant(
    s: &TestServer,
    basic: Option<(&str, &str)>,
    grant_type: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let mut all = vec![("grant_type", grant_type)];
    all.extend_from_slice(fields);
    form(s, TOKEN, basic, &all).await
}

/// `grant_type=refresh_token` with `token`.
async fn refresh_grant(s: &TestServer, token: &str) -> Answer {
    grant(s, None, "refresh_token", &[("refresh_token", token)]).await
}

/// `grant_type=password` for `username` with `password`.
async fn password_grant(
    s: &TestServer,
    basic: Option<(&str, &str)>,
    username: &str,
    password: &str,
) -> Answer {
    let fields = [("username", username), ("password", password)];
    grant(s, basic, "password", &fields).await
}

#[tokio::test]
async fn client_credentials_gives_a_client_its_own_token() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            let c = new_client(s, "reports", &["read", "write"], &[]).await;
            let basic = Some((c.client_id.as_str(), c.client_secret.as_str()));
            let got = grant(s, basic, "client_credentials", &[("scope", "read")]).await;
            assert_eq!(got.0, 200, "{}", got.2);
            assert_eq!(got.1["cache-control"], "no-store");
            assert_eq!(got.2["token_type"], "Bearer");
            assert_eq!(got.2["scope"], "read");
            assert_eq!(got.2["expires_in"], 900);
            assert!(got.2.get("refresh_token").is_none(), "{}", got.2);
            // client_secret_post works as well.
            let id = ("client_id", c.client_id.as_str());
            let secret_post = [id, ("client_secret", c.client_secret.as_str())];
            let posted = grant(s, None, "client_credentials", &secret_post).await;
            assert_eq!(posted.0, 200, "{}", posted.2);
            assert_eq!(posted.2["scope"], "read write");
            // A client token is no user's access token.
            let token = got.2["access_token"].as_str().unwrap();
            let me = s.bearer(token).await.list_sessions().await;
            assert_refused(&me, 401, ErrorCode::InvalidToken);
            // The client's use is recorded.
            s.running
                .as_ref()
                .unwrap()
                .auth
                .flush_token_uses()
                .await
                .unwrap();
            let listed = s.admin().await.list_clients().await.unwrap().clients;
            assert!(listed[0].last_used_at.is_some());

            let scope = grant(s, basic, "client_credentials", &[("scope", "read admin")]).await;
            assert_oauth_error(&scope, 400, "invalid_scope");
            let wrong = Some((c.client_id.as_str(), "tsr_cs_wrong"));
            let wrong = grant(s, wrong, "client_credentials", &[]).await;
            assert_oauth_error(&wrong, 401, "invalid_client");
            let unknown = grant(s, Some(("nobody", "x")), "client_credentials", &[]).await;
            assert_oauth_error(&unknown, 401, "invalid_client");
            let none = grant(s, None, "client_credentials", &[]).await;
            assert_oauth_error(&none, 401, "invalid_client");
            let id_only = grant(s, None, "client_credentials", &[id]).await;
            assert_oauth_error(&id_only, 401, "invalid_client");
            let both = grant(s, basic, "client_credentials", &secret_post).await;
            assert_oauth_error(&both, 400, "invalid_request");
        },
    )
    .await;
}

#[tokio::test]
async fn bad_requests_get_rfc_6749_errors() {
    let s = TestServer::start().await;
    let unknown = grant(&s, None, "authorization_code", &[]).await;
    assert_oauth_error(&unknown, 400, "unsupported_grant_type");
    let missing = form(&s, TOKEN, None, &[("scope", "read")]).await;
    assert_oauth_error(&missing, 400, "invalid_request");
    let http = reqwest::Client::new();
    let url = format!("{}{TOKEN}", s.url);
    let json = http
        .post(&url)
        .json(&serde_json::json!({"grant_type": "client_credentials"}));
    let got = crate::common::http::send_request(json).await;
    assert_oauth_error(&got, 400, "invalid_request");
    let none = crate::common::http::send_request(http.post(&url)).await;
    assert_oauth_error(&none, 400, "invalid_request");
    let twice = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=refresh_token&grant_type=password");
    let got = crate::common::http::send_request(twice).await;
    assert_oauth_error(&got, 400, "invalid_request");
    let get = crate::common::http::send_request(http.get(&url)).await;
    assert_eq!(get.0, 405);
    // The password grant is off unless switched on.
    let password = password_grant(&s, None, "admin", "admin").await;
    assert_oauth_error(&password, 400, "unsupported_grant_type");
}

#[tokio::test]
async fn refresh_tokens_rotate_alike_here_and_at_the_auth_route() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            let (_, login_refresh) = s.login("admin", "admin").await;
            let got = refresh_grant(s, &login_refresh).await;
            assert_eq!(got.0, 200, "{}", got.2);
            assert_eq!(got.2["token_type"], "Bearer");
            let access = got.2["access_token"].as_str().unwrap().to_string();
            let next = got.2["refresh_token"].as_str().unwrap().to_string();
            assert_eq!(s.validate(&access).await.unwrap().user.username, "admin");
            // Its successor rotates at the auth route, and that one's successor here.
            let pair = s.refresh(&next).await.unwrap();
            let again = refresh_grant(s, &pair.refresh_token).await;
            assert_eq!(again.0, 200, "{}", again.2);
            let last_access = again.2["access_token"].as_str().unwrap().to_string();
            // Presenting a spent one is reuse: invalid_grant, and the session ends.
            s.clock.advance(120);
            let reused = refresh_grant(s, &login_refresh).await;
            assert_oauth_error(&reused, 400, "invalid_grant");
            assert_refused(
                &s.validate(&last_access).await,
                401,
                ErrorCode::InvalidToken,
            );
            for bad in ["tsr_rt_unknown", "nonsense", &access] {
                let got = refresh_grant(s, bad).await;
                assert_oauth_error(&got, 400, "invalid_grant");
            }
            let missing = grant(s, None, "refresh_token", &[]).await;
            assert_oauth_error(&missing, 400, "invalid_request");
        },
    )
    .await;
}

#[tokio::test]
async fn the_password_grant_when_on_is_the_login_with_its_lockout() {
    on_each_backend(
        |c| c.oauth_password_grant = true,
        async |s: &TestServer| {
            let got = password_grant(s, None, "Guest", "guest").await;
            assert_eq!(got.0, 200, "{}", got.2);
            let access = got.2["access_token"].as_str().unwrap();
            assert_eq!(s.validate(access).await.unwrap().user.username, "guest");
            let refresh = got.2["refresh_token"].as_str().unwrap();
            assert!(
                s.refresh(refresh).await.is_ok(),
                "its refresh token works at the auth route"
            );
            let missing = grant(s, None, "password", &[("username", "guest")]).await;
            assert_oauth_error(&missing, 400, "invalid_request");
            // Three wrong passwords lock the account for this client, as at /auth/login.
            for _ in 0..3 {
                let wrong = password_grant(s, None, "admin", "nope").await;
                assert_oauth_error(&wrong, 400, "invalid_grant");
            }
            let locked = password_grant(s, None, "admin", "admin").await;
            assert_oauth_error(&locked, 400, "invalid_grant");
            let login = s
                .post(
                    "/auth/login",
                    None,
                    Some(serde_json::json!({"username": "admin", "password": "admin"})),
                )
                .await;
            assert_error(&login, 401, ErrorCode::InvalidCredentials);
            // A client's bad credentials are refused even here.
            let bad_client = password_grant(s, Some(("nobody", "x")), "guest", "guest").await;
            assert_oauth_error(&bad_client, 401, "invalid_client");
        },
    )
    .await;
}

#[tokio::test]
async fn client_tokens_survive_nothing_but_their_clients_changes() {
    let s = TestServer::start().await;
    let a = new_client(&s, "a", &["read"], &[]).await;
    let b = new_client(&s, "b", &["read"], &[]).await;
    let ta = client_token(&s, &a, None).await;
    let tb = client_token(&s, &b, None).await;
    s.admin().await.remove_client(&a.client_id).await.unwrap();
    assert_refused(&s.validate(&ta).await, 401, ErrorCode::InvalidToken);
    assert!(
        s.validate(&tb).await.is_ok(),
        "another client's token lives on"
    );
    s.clock.advance(900 + 3600);
    assert_refused(&s.validate(&tb).await, 401, ErrorCode::TokenExpired);
}
