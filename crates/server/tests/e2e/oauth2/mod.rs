//! Service clients and the OAuth 2.0 endpoints through the real server, on SQLite and on
//! PostgreSQL: raw form posts for the exact answers, the real client for the admin routes.

mod apikeys;
mod cli;
mod clients;
mod introspect;
mod metadata;
mod revoke;
mod third_party;
mod token;

use reqwest::header::HeaderMap;
use serde_json::Value;
use tessera_api::clients::{ClientCreated, CreateClientRequest};

use crate::common::http::send_request;
use crate::common::TestServer;

pub use crate::backends::on_each_backend_with as on_each_backend;

/// An answer of `/oauth2/*`: status, headers, JSON body.
pub type Answer = (u16, HeaderMap, Value);

/// A form POST to `path` (at the server's root), with optional HTTP Basic credentials.
pub async fn form(
    s: &TestServer,
    path: &str,
    basic: Option<(&str, &str)>,
    fields: &[(&str, &str)],
) -> Answer {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", s.url))
        .form(fields);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    send_request(req).await
}

/// Asserts an RFC 6749 error answer.
pub fn assert_oauth_error(got: &Answer, status: u16, error: &str) {
    assert_eq!(got.0, status, "{}", got.2);
    assert_eq!(got.2["error"], error, "{}", got.2);
    assert!(got.2["error_description"].is_string(), "{}", got.2);
    assert!(got.2.get("code").is_none(), "{}", got.2);
    if status == 401 {
        assert_eq!(got.1["www-authenticate"], "Basic realm=\"tessera\"");
    }
}

/// A client made by the admin, with these scopes and rights.
pub async fn new_client(
    s: &TestServer,
    name: &str,
    scopes: &[&str],
    rights: &[&str],
) -> ClientCreated {
    let request = CreateClientRequest {
        name: Some(name.into()),
        scopes: Some(scopes.iter().map(|x| x.to_string()).collect()),
        rights: Some(rights.iter().map(|x| x.to_string()).collect()),
    };
    s.admin().await.create_client(&request).await.unwrap()
}

/// A client token by `client_credentials` with HTTP Basic: its access token.
pub async fn client_token(s: &TestServer, c: &ClientCreated, scope: Option<&str>) -> String {
    let mut fields = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        fields.push(("scope", scope));
    }
    let got = form(
        s,
        "/oauth2/token",
        Some((&c.client_id, &c.client_secret)),
        &fields,
    )
    .await;
    assert_eq!(got.0, 200, "{}", got.2);
    got.2["access_token"].as_str().unwrap().to_string()
}
