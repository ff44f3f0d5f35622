//! `POST /oauth2/introspect`: every kind of credential, live or not, and who may ask.

use tessera_api::tokens::CreateApiTokenRequest;

use super::{assert_oauth_error, client_token, form, new_client, on_each_backend};
use crate::common::TestServer;

const INTROSPECT: &str = "/oauth2/introspect";

#[tokio::test]
async fn every_kind_is_introspected_and_anything_not_live_is_inactive() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            let gate = new_client(s, "gateway", &[], &["introspect"]).await;
            let basic = Some((gate.client_id.as_str(), gate.client_secret.as_str()));
            let ask = async |token: &str| {
                let got = form(s, INTROSPECT, basic, &[("token", token)]).await;
                assert_eq!(got.0, 200, "{}", got.2);
                got.2
            };
            let (access, refresh) = s.login("guest", "guest").await;
            let a = ask(&access).await;
            assert_eq!(a["active"], true);
            assert_eq!(a["token_type"], "access_token");
            assert_eq!(
                (&a["username"], &a["sub"]),
                (&"guest".into(), &"guest".into())
            );
            assert_eq!(
                (&a["iss"], &a["aud"]),
                (&"tessera".into(), &"tessera-client".into())
            );
            assert!(a["exp"].as_i64().unwrap() > a["iat"].as_i64().unwrap());
            let r = ask(&refresh).await;
            assert_eq!(
                (&r["active"], &r["token_type"]),
                (&true.into(), &"refresh_token".into())
            );
            assert_eq!(r["username"], "guest");

            let svc = new_client(s, "svc", &["read", "write"], &[]).await;
            let ct = client_token(s, &svc, Some("write")).await;
            let c = ask(&ct).await;
            assert_eq!(
                (&c["active"], &c["token_type"]),
                (&true.into(), &"client_token".into())
            );
            assert_eq!(c["client_id"], svc.client_id.as_str());
            assert_eq!(c["sub"], format!("client:{}", svc.client_id));
            assert_eq!(c["scope"], "write");

            let admin = s.admin().await;
            let request = CreateApiTokenRequest {
                datasets: Some(serde_json::json!({"*": ["read"]})),
                token_exp: Some(3600.into()),
                description: Some("ci".into()),
            };
            let pat = admin.create_api_token(&request).await.unwrap().api_token;
            let p = ask(&pat).await;
            assert_eq!(
                (&p["active"], &p["token_type"]),
                (&true.into(), &"personal_token".into())
            );
            assert_eq!(p["username"], "admin");

            // Not live: inactive alone, whatever the reason.
            assert_eq!(s.post("/auth/logout", Some(&access), None).await.0, 200);
            for dead in [
                access.as_str(),
                refresh.as_str(),
                "tsr_rt_nope",
                "garbage",
                "eyJ.x.y",
                "",
            ] {
                let got = form(s, INTROSPECT, basic, &[("token", dead)]).await;
                if dead.is_empty() {
                    assert_oauth_error(&got, 400, "invalid_request");
                    continue;
                }
                assert_eq!(got.2, serde_json::json!({"active": false}), "{dead}");
            }
            s.clock.advance(900 + 3600);
            assert_eq!(ask(&ct).await, serde_json::json!({"active": false}));

            // An admin's bearer may ask too.
            let (admin_token, _) = s.login("admin", "admin").await;
            let by_admin = reqwest::Client::new()
                .post(format!("{}{INTROSPECT}", s.url))
                .bearer_auth(&admin_token)
                .form(&[("token", admin_token.as_str())]);
            let got = crate::common::http::send_request(by_admin).await;
            assert_eq!((got.0, &got.2["active"]), (200, &true.into()), "{}", got.2);
        },
    )
    .await;
}

#[tokio::test]
async fn only_introspecting_clients_and_admins_may_ask() {
    let s = TestServer::start().await;
    let plain = new_client(&s, "plain", &["read"], &[]).await;
    let token = client_token(&s, &plain, None).await;
    let fields = [("token", token.as_str())];
    let none = form(&s, INTROSPECT, None, &fields).await;
    assert_oauth_error(&none, 401, "invalid_client");
    let wrong = form(&s, INTROSPECT, Some((&plain.client_id, "nope")), &fields).await;
    assert_oauth_error(&wrong, 401, "invalid_client");
    let no_right = form(
        &s,
        INTROSPECT,
        Some((&plain.client_id, &plain.client_secret)),
        &fields,
    )
    .await;
    assert_oauth_error(&no_right, 403, "unauthorized_client");
    let (guest, _) = s.login("guest", "guest").await;
    let by_guest = reqwest::Client::new()
        .post(format!("{}{INTROSPECT}", s.url))
        .bearer_auth(&guest)
        .form(&fields);
    let got = crate::common::http::send_request(by_guest).await;
    assert_oauth_error(&got, 403, "unauthorized_client");
    let json = reqwest::Client::new()
        .post(format!("{}{INTROSPECT}", s.url))
        .basic_auth(&plain.client_id, Some(&plain.client_secret))
        .json(&serde_json::json!({"token": token}));
    let got = crate::common::http::send_request(json).await;
    assert_oauth_error(&got, 400, "invalid_request");
}
