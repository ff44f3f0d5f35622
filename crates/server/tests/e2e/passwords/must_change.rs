//! While a user must change their password, their sessions may do nothing else: every route
//! that takes their access token answers 403 `password_change_required`, validation included,
//! until they change it.

use serde_json::json;
use tessera_api::tokens::CreateApiTokenRequest;
use tessera_client::ErrorCode;
use tessera_core::Role;

use super::{on_each_backend, user, STRONG, STRONGER};
use crate::apikeys::svc;
use crate::common::{assert_error, assert_refused, TestServer};

#[tokio::test]
async fn every_other_route_refuses_the_session_until_the_password_is_changed() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "lena", Role::Admin).await;
            let admin = s.admin().await;
            admin
                .reset_password("lena", Some(STRONGER), None)
                .await
                .unwrap();
            // Login still works: that is how the user reaches the change.
            let (access, refresh) = s.login("lena", STRONGER).await;
            let lena = s.bearer(&access).await;
            let refused = ErrorCode::PasswordChangeRequired;
            assert_refused(&s.validate(&access).await, 403, refused.clone());
            assert_refused(&lena.create_apikey(&svc()).await, 403, refused.clone());
            let token = CreateApiTokenRequest {
                datasets: Some(json!({"*": ["read"]})),
                token_exp: Some(json!(60)),
                description: None,
            };
            assert_refused(&lena.create_api_token(&token).await, 403, refused.clone());
            assert_refused(&lena.list_tokens().await, 403, refused.clone());
            assert_refused(&lena.list_apikeys().await, 403, refused.clone());
            let got = lena.register("mia", "Mia", STRONG).await;
            assert_refused(&got, 403, refused.clone());
            let got = lena.reset_password("admin", None, None).await;
            assert_refused(&got, 403, refused.clone());
            // Raw: a 403, so no WWW-Authenticate asking for another token.
            let answer = s.post("/auth/token/validation", Some(&access), None).await;
            assert_error(&answer, 403, refused.clone());
            // A refresh gives a token with the same limit.
            let pair = s.refresh(&refresh).await.unwrap();
            assert_refused(&s.validate(&pair.access_token).await, 403, refused.clone());

            // The change clears the flag; the calling session's next token is a normal one.
            lena.change_password(STRONGER, STRONG, false).await.unwrap();
            assert_refused(&s.validate(&pair.access_token).await, 403, refused.clone());
            let pair = s.refresh(&pair.refresh_token).await.unwrap();
            s.validate(&pair.access_token).await.unwrap();
            let lena = s.bearer(&pair.access_token).await;
            lena.register("mia", "Mia", STRONGER).await.unwrap();
            // And a new login is not limited either.
            let (access, _) = s.login("lena", STRONG).await;
            s.validate(&access).await.unwrap();
        },
    )
    .await;
}

#[tokio::test]
async fn a_session_that_must_change_the_password_may_log_out() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "nora", Role::Reader).await;
            let admin = s.admin().await;
            let generated = admin.reset_password("nora", None, None).await.unwrap();
            let nora = s.client();
            nora.login("nora", &generated.password.unwrap())
                .await
                .unwrap();
            let access = nora.tokens().await.unwrap().access_token;
            nora.logout().await.unwrap();
            let got = s
                .post("/users/me/password", Some(&access), Some(json!({})))
                .await;
            assert_error(&got, 401, "invalid_token");
        },
    )
    .await;
}
