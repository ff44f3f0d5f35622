//! A user changes their own password: the current one is required, the new one passes the
//! policy, every other session and API key ends, the calling session stays.

use serde_json::json;
use tessera_api::audit::AuditFilter;
use tessera_api::tokens::CreateApiTokenRequest;
use tessera_client::ErrorCode;
use tessera_core::Role;

use super::{on_each_backend, user, STRONG, STRONGER};
use crate::apikeys::{svc, verify_key};
use crate::common::{assert_error, assert_refused, reason, TestServer};

#[tokio::test]
async fn other_sessions_and_api_keys_end_and_the_calling_session_stays() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "dora", Role::Contributor).await;
            let dora = s.client();
            dora.login("dora", STRONG).await.unwrap();
            let (other_access, other_refresh) = s.login("dora", STRONG).await;
            let (_, third_refresh) = s.login("dora", STRONG).await;
            let key = dora.create_apikey(&svc()).await.unwrap();
            verify_key(s, &key.apikey).await.unwrap();
            let personal = dora
                .create_api_token(&CreateApiTokenRequest {
                    datasets: Some(json!({"*": ["read"]})),
                    token_exp: Some(json!(3600)),
                    description: None,
                })
                .await
                .unwrap();

            let changed = dora.change_password(STRONG, STRONGER, false).await.unwrap();
            assert_eq!(changed.revoked_sessions, 2);
            assert_eq!(changed.message, "Password changed");

            // The other sessions end at once, access and refresh tokens alike.
            assert_refused(&s.validate(&other_access).await, 401, "invalid_token");
            assert_refused(&s.refresh(&other_refresh).await, 401, "invalid_token");
            assert_refused(&s.refresh(&third_refresh).await, 401, "invalid_token");
            // So do the API keys, and their refresh tokens.
            assert_refused(&verify_key(s, &key.apikey).await, 401, "token_revoked");
            let refreshed = s.client().refresh_apikey(&key.refresh_token).await;
            assert_eq!(refreshed.unwrap_err().status(), Some(401));
            // The personal token was not asked for: it stays.
            s.validate(&personal.api_token).await.unwrap();
            // The calling session goes on, and may make credentials again.
            dora.validate().await.unwrap();
            dora.create_apikey(&svc()).await.unwrap();
            // The old password is gone, the new one logs in.
            let old = s.client().login("dora", STRONG).await;
            assert_refused(&old, 401, ErrorCode::InvalidCredentials);
            s.login("dora", STRONGER).await;

            // One event records the change, by the user.
            let admin = s.admin().await;
            let filter = AuditFilter {
                event: Some("password_changed".into()),
                ..AuditFilter::default()
            };
            let events = admin.audit(&filter).await.unwrap().events;
            assert_eq!(events.len(), 1, "{events:?}");
            assert_eq!(events[0].actor.as_deref(), Some("dora"));
            assert_eq!(events[0].subject.as_deref(), Some("dora"));
            assert_eq!(events[0].outcome, "success");
        },
    )
    .await;
}

#[tokio::test]
async fn personal_tokens_end_too_when_asked() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "erin", Role::Reader).await;
            let erin = s.client();
            erin.login("erin", STRONG).await.unwrap();
            let personal = erin
                .create_api_token(&CreateApiTokenRequest {
                    datasets: Some(json!({"*": ["read"]})),
                    token_exp: Some(json!(3600)),
                    description: None,
                })
                .await
                .unwrap();
            let changed = erin.change_password(STRONG, STRONGER, true).await.unwrap();
            assert_eq!(changed.revoked_sessions, 0);
            assert_refused(&s.validate(&personal.api_token).await, 401, "invalid_token");
            erin.validate().await.unwrap();
        },
    )
    .await;
}

#[tokio::test]
async fn a_wrong_current_password_is_403_and_changes_nothing() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "finn", Role::Reader).await;
            let finn = s.client();
            finn.login("finn", STRONG).await.unwrap();
            let before = finn.tokens().await.unwrap();
            let (other, _) = s.login("finn", STRONG).await;

            let got = finn
                .change_password("not my password", STRONGER, false)
                .await;
            assert_refused(&got, 403, ErrorCode::WrongPassword);
            // Not taken for an expired token: the client did not refresh, its token still works.
            assert_eq!(finn.tokens().await.unwrap(), before);
            finn.validate().await.unwrap();
            s.validate(&other).await.unwrap();
            s.login("finn", STRONG).await;

            // The refusal is in the audit trail, as a failure.
            let admin = s.admin().await;
            let filter = AuditFilter {
                event: Some("password_changed".into()),
                ..AuditFilter::default()
            };
            let events = admin.audit(&filter).await.unwrap().events;
            assert_eq!(events.len(), 1, "{events:?}");
            assert_eq!(events[0].outcome, "failure");
        },
    )
    .await;
}

#[tokio::test]
async fn a_weak_or_missing_new_password_is_400() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            user(s, "gwen", Role::Reader).await;
            let gwen = s.client();
            gwen.login("gwen", STRONG).await.unwrap();
            for (new, why) in [
                ("short", "at least 12"),
                ("QwertyUIOP123", "common"),
                ("call me gwendolyn", "username"),
            ] {
                let got = gwen.change_password(STRONG, new, false).await;
                assert_refused(&got, 400, ErrorCode::WeakPassword);
                assert!(reason(&got).contains(why), "{new}: {}", reason(&got));
            }
            let (access, _) = s.login("gwen", STRONG).await;
            let path = "/users/me/password";
            let missing = s
                .post(
                    path,
                    Some(&access),
                    Some(json!({"current_password": STRONG})),
                )
                .await;
            assert_error(&missing, 400, "bad_request");
            let not_bool = json!({"current_password": STRONG, "new_password": STRONGER,
                              "revoke_personal_tokens": "yes"});
            assert_error(
                &s.post(path, Some(&access), Some(not_bool)).await,
                400,
                "bad_request",
            );
            let anonymous = json!({"current_password": STRONG, "new_password": STRONGER});
            assert_error(
                &s.post(path, None, Some(anonymous)).await,
                401,
                "missing_token",
            );
            // Nothing changed.
            s.login("gwen", STRONG).await;
            s.validate(&access).await.unwrap();
        },
    )
    .await;
}
