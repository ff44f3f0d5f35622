//! `GET /.well-known/oauth-authorization-server`: an `issuer` URL and absolute endpoints, from
//! `public_url`, an `issuer` that is a URL, or a loopback request's own host; never from
//! another host a request names.

use tessera_api::ErrorCode;

use crate::common::http::send_request;
use crate::common::TestServer;

const METADATA: &str = "/.well-known/oauth-authorization-server";

#[tokio::test]
async fn the_metadata_names_the_endpoints_and_the_grants_switched_on() {
    for password in [false, true] {
        let s = TestServer::start_with(|c| c.oauth_password_grant = password).await;
        let meta = s.client().server_metadata().await.unwrap();
        // No public_url: the loopback address the request named (development).
        let base = s.url.trim_end_matches('/');
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        assert_eq!(meta.issuer, base);
        assert_eq!(meta.token_endpoint, format!("{base}/oauth2/token"));
        assert_eq!(
            meta.introspection_endpoint,
            format!("{base}/oauth2/introspect")
        );
        assert_eq!(meta.revocation_endpoint, format!("{base}/oauth2/revoke"));
        assert_eq!(meta.jwks_uri, format!("{base}/.well-known/jwks.json"));
        let mut grants = vec!["client_credentials", "refresh_token"];
        if password {
            grants.push("password");
        }
        assert_eq!(meta.grant_types_supported, grants);
        assert_eq!(
            meta.token_endpoint_auth_methods_supported,
            ["client_secret_basic", "client_secret_post"]
        );
        assert!(!meta.access_token_signing_alg_values_supported.is_empty());
        s.stop().await;
    }
}

/// The metadata fetched with `Host: host`.
async fn metadata_for_host(s: &TestServer, host: &str) -> (u16, serde_json::Value) {
    let req = reqwest::Client::new()
        .get(format!("{}{METADATA}", s.url))
        .header(reqwest::header::HOST, host);
    let (status, _, body) = send_request(req).await;
    (status, body)
}

#[tokio::test]
async fn another_host_gets_no_metadata_without_public_url() {
    let s = TestServer::start().await;
    let (status, body) = metadata_for_host(&s, "auth.example.org").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], ErrorCode::NotFound.as_str(), "{body}");
    let (status, body) = metadata_for_host(&s, "localhost:8080").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["issuer"], "http://localhost:8080");
    s.stop().await;
}

#[tokio::test]
async fn public_url_names_the_issuer_and_the_endpoints_whatever_the_host() {
    let s =
        TestServer::start_with(|c| c.public_url = Some("https://auth.example.org/".into())).await;
    for host in ["auth.example.org", "127.0.0.1"] {
        let (status, body) = metadata_for_host(&s, host).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["issuer"], "https://auth.example.org");
        assert_eq!(
            body["token_endpoint"],
            "https://auth.example.org/oauth2/token"
        );
        assert_eq!(
            body["jwks_uri"],
            "https://auth.example.org/.well-known/jwks.json"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn an_issuer_that_is_a_url_is_the_metadatas_issuer_and_the_tokens_iss() {
    let issuer = "https://id.example.org";
    let s = TestServer::start_with(|c| c.issuer = issuer.into()).await;
    let (status, body) = metadata_for_host(&s, "id.example.org").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["issuer"], issuer);
    assert_eq!(
        body["revocation_endpoint"],
        format!("{issuer}/oauth2/revoke")
    );
    let (access, _) = s.login("admin", "admin").await;
    let valid = s.validate(&access).await.unwrap();
    let _ = valid;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let claims: serde_json::Value =
        serde_json::from_slice(&B64.decode(access.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(claims["iss"], issuer);
    s.stop().await;
}
