//! Service clients: admins make, list, re-key and remove them; the secret is shown once and
//! every change ends the tokens it should, and is audited.

use tessera_api::audit::AuditFilter;
use tessera_api::clients::CreateClientRequest;
use tessera_api::ErrorCode;

use super::{client_token, new_client, on_each_backend};
use crate::common::{assert_refused, TestServer};

#[tokio::test]
async fn admins_make_list_rekey_and_remove_clients() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            let admin = s.admin().await;
            let made = new_client(s, " billing ", &["read", "api:write"], &["introspect"]).await;
            assert_eq!(made.name, "billing");
            assert!(
                made.client_secret.starts_with("tsr_cs_"),
                "a prefixed secret"
            );
            assert_eq!(made.client_secret.len(), "tsr_cs_".len() + 43, "256 bits");
            let list = admin.list_clients().await.unwrap().clients;
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].client_id, made.client_id);
            assert_eq!(list[0].scopes, ["read", "api:write"]);
            assert_eq!(list[0].rights, ["introspect"]);
            assert_eq!(list[0].last_used_at, None);
            let listed = serde_json::to_string(&list).unwrap();
            assert!(
                !listed.contains(&made.client_secret),
                "the secret is never listed"
            );

            // Its token works until its secret is replaced; the new secret works, the old not.
            let token = client_token(s, &made, Some("read")).await;
            let v = s.validate(&token).await.unwrap();
            assert_eq!(v.kind.as_deref(), Some("client"));
            let subject = format!("client:{}", made.client_id);
            assert_eq!(v.actor.as_deref(), Some(subject.as_str()));
            assert_eq!(
                (v.user.username.as_str(), v.user.fullname.as_str()),
                (subject.as_str(), "billing")
            );
            assert_eq!(v.scopes.as_deref(), Some(&["read".to_string()][..]));
            let rotated = admin.rotate_client_secret(&made.client_id).await.unwrap();
            assert_ne!(rotated.client_secret, made.client_secret);
            assert_refused(&s.validate(&token).await, 401, ErrorCode::InvalidToken);
            let mut renewed = made.clone();
            renewed.client_secret = rotated.client_secret.clone();
            let fresh = client_token(s, &renewed, None).await;
            let v = s.validate(&fresh).await.unwrap();
            assert_eq!(
                v.scopes.unwrap(),
                ["read", "api:write"],
                "all granted scopes by default"
            );
            let old = super::form(
                s,
                "/oauth2/token",
                Some((&made.client_id, &made.client_secret)),
                &[("grant_type", "client_credentials")],
            )
            .await;
            super::assert_oauth_error(&old, 401, "invalid_client");

            // Removing it ends its tokens and its secret.
            admin.remove_client(&made.client_id).await.unwrap();
            assert_refused(&s.validate(&fresh).await, 401, ErrorCode::InvalidToken);
            let gone = super::form(
                s,
                "/oauth2/token",
                Some((&renewed.client_id, &renewed.client_secret)),
                &[("grant_type", "client_credentials")],
            )
            .await;
            super::assert_oauth_error(&gone, 401, "invalid_client");
            assert!(admin.list_clients().await.unwrap().clients.is_empty());
            assert_refused(
                &admin.remove_client(&made.client_id).await,
                404,
                ErrorCode::NotFound,
            );
            assert_refused(
                &admin.rotate_client_secret(&made.client_id).await,
                404,
                ErrorCode::NotFound,
            );

            // Every change is audited.
            let audit = |event: &str| AuditFilter {
                event: Some(event.into()),
                ..AuditFilter::default()
            };
            for event in ["client_created", "client_secret_rotated", "client_removed"] {
                let got = admin.audit(&audit(event)).await.unwrap();
                assert_eq!(got.events.len(), 1, "{event}");
                assert_eq!(got.events[0].actor.as_deref(), Some("admin"));
            }
        },
    )
    .await;
}

#[tokio::test]
async fn only_admins_manage_clients_and_bad_input_is_refused() {
    let s = TestServer::start().await;
    let (guest, _) = s.login("guest", "guest").await;
    let guest = s.bearer(&guest).await;
    assert_refused(&guest.list_clients().await, 403, ErrorCode::Forbidden);
    let request = |name: Option<&str>, scopes: &[&str], rights: &[&str]| CreateClientRequest {
        name: name.map(str::to_string),
        scopes: Some(scopes.iter().map(|x| x.to_string()).collect()),
        rights: Some(rights.iter().map(|x| x.to_string()).collect()),
    };
    assert_refused(
        &guest.create_client(&request(Some("x"), &[], &[])).await,
        403,
        ErrorCode::Forbidden,
    );
    assert_refused(
        &guest.rotate_client_secret("x").await,
        403,
        ErrorCode::Forbidden,
    );
    assert_refused(&guest.remove_client("x").await, 403, ErrorCode::Forbidden);
    let admin = s.admin().await;
    for bad in [
        request(None, &["read"], &[]),
        request(Some("  "), &["read"], &[]),
        request(Some("x"), &["two words"], &[]),
        request(Some("x"), &["quote\"d"], &[]),
        request(Some("x"), &["read"], &["root"]),
    ] {
        assert_refused(&admin.create_client(&bad).await, 400, ErrorCode::BadRequest);
    }
    assert!(
        admin.list_clients().await.unwrap().clients.is_empty(),
        "nothing half-made"
    );
    let anyone = s.post("/clients", None, None).await;
    crate::common::assert_error(&anyone, 401, ErrorCode::MissingToken);
}
