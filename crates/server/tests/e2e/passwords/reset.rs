//! An admin's reset: a given or generated password, the user's sessions and API keys ending,
//! and who may reset.

use serde_json::json;
use tessera_client::ErrorCode;
use tessera_core::Role;

use super::{on_each_backend, user, STRONG, STRONGER};
use crate::apikeys::{svc, verify_key};
use crate::common::{assert_error, assert_refused, TestServer};

#[tokio::test]
async fn a_generated_password_is_shown_once_works_and_must_be_changed() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "hana", Role::Contributor).await;
            let hana = s.client();
            hana.login("hana", STRONG).await.unwrap();
            let (other, _) = s.login("hana", STRONG).await;
            let key = hana.create_apikey(&svc()).await.unwrap();

            let admin = s.admin().await;
            let reset = admin.reset_password("Hana", None, None).await.unwrap();
            assert_eq!(reset.message, "Password of hana reset");
            assert!(reset.must_change);
            let generated = reset.password.expect("the generated password");
            assert!(generated.len() >= 20, "{generated}");

            // Every session and API key of hana ended; the admin's goes on.
            assert_refused(&hana.validate().await, 401, "invalid_token");
            assert_refused(&s.validate(&other).await, 401, "invalid_token");
            assert_eq!(
                verify_key(s, &key.apikey).await.unwrap_err().status(),
                Some(401)
            );
            admin.validate().await.unwrap();
            // The old password is gone; the generated one logs in, to change it.
            let old = s.client().login("hana", STRONG).await;
            assert_refused(&old, 401, ErrorCode::InvalidCredentials);
            let fresh = s.client();
            fresh.login("hana", &generated).await.unwrap();
            assert_refused(
                &fresh.validate().await,
                403,
                ErrorCode::PasswordChangeRequired,
            );
            fresh
                .change_password(&generated, STRONGER, false)
                .await
                .unwrap();
            fresh.validate().await.unwrap();
        },
    )
    .await;
}

#[tokio::test]
async fn a_given_password_is_not_echoed_and_need_not_be_changed() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "ivan", Role::Reader).await;
            let admin = s.admin().await;
            let reset = admin
                .reset_password("ivan", Some(STRONGER), Some(false))
                .await
                .unwrap();
            assert_eq!(reset.password, None);
            assert!(!reset.must_change);
            let ivan = s.client();
            ivan.login("ivan", STRONGER).await.unwrap();
            ivan.validate().await.unwrap();
            // A given password may be made to be changed too.
            let reset = admin
                .reset_password("ivan", Some(STRONG), None)
                .await
                .unwrap();
            assert_eq!(reset.password, None);
            assert!(reset.must_change);
            let ivan = s.client();
            ivan.login("ivan", STRONG).await.unwrap();
            assert_refused(
                &ivan.validate().await,
                403,
                ErrorCode::PasswordChangeRequired,
            );
        },
    )
    .await;
}

#[tokio::test]
async fn only_admins_reset_and_bad_input_is_refused() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "jill", Role::Contributor).await;
            user(s, "kurt", Role::Reader).await;
            let jill = s.client();
            jill.login("jill", STRONG).await.unwrap();
            let got = jill.reset_password("kurt", Some(STRONGER), None).await;
            assert_refused(&got, 403, ErrorCode::Forbidden);
            // Not even an unknown user is told apart from a known one by a non-admin.
            let got = jill.reset_password("nobody", None, None).await;
            assert_refused(&got, 403, ErrorCode::Forbidden);
            s.login("kurt", STRONG).await;

            let admin = s.admin().await;
            let got = admin.reset_password("nobody", None, None).await;
            assert_refused(&got, 404, ErrorCode::NotFound);
            let got = admin.reset_password("kurt", None, Some(false)).await;
            assert_refused(&got, 400, ErrorCode::BadRequest);
            let got = admin
                .reset_password("kurt", Some("kurt-password-1"), None)
                .await;
            assert_refused(&got, 400, ErrorCode::WeakPassword);
            let (access, _) = s.login("admin", "admin").await;
            let path = "/users/kurt/password";
            let not_bool = json!({"must_change": "no"});
            assert_error(
                &s.post(path, Some(&access), Some(not_bool)).await,
                400,
                "bad_request",
            );
            assert_error(
                &s.post(path, None, Some(json!({}))).await,
                401,
                "missing_token",
            );
            // None of it changed kurt's password.
            s.login("kurt", STRONG).await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_command_line_sets_a_password_in_one_change_and_clears_must_change() {
    let s = TestServer::start().await;
    user(&s, "omar", Role::Reader).await;
    let (before, _) = s.login("omar", STRONG).await;
    s.admin()
        .await
        .reset_password("omar", Some(STRONGER), None)
        .await
        .unwrap();
    assert_refused(&s.validate(&before).await, 401, "invalid_token");
    let set = tessera_server::cli::UserAction::SetPassword {
        username: "omar".into(),
        password_stdin: true,
    };
    crate::cli::try_user(&s, set, "a third strong passphrase\n")
        .await
        .unwrap();
    let (access, _) = s.login("omar", "a third strong passphrase").await;
    s.validate(&access).await.unwrap();
    s.stop().await;
}
