//! Rights before the body, on every route that needs a credential: without one (or with a
//! forged one) the answer is 401, and with one that lacks the route's right 403, whatever the
//! body is (malformed JSON, `null`, a list, wrong types, another content type, too large).

use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::json;

use crate::common::http::send_request;
use crate::common::{assert_error, TestServer};

/// Every route that takes a credential, and whether a reader who maintains nothing lacks its
/// right (`plugin-a` exists, maintained by the admin; `ID` is one of its tokens).
const ROUTES: &[(&str, &str, bool)] = &[
    ("POST", "/auth/logout", false),
    ("POST", "/auth/register", true),
    ("POST", "/auth/token/validation", false),
    ("GET", "/auth/apikeys", false),
    ("POST", "/auth/apikeys", true),
    ("POST", "/auth/apikeys/revoke-all", false),
    ("DELETE", "/auth/apikeys/0123456789abcdef", false),
    ("POST", "/auth/token/create-api-token", false),
    ("GET", "/auth/tokens", false),
    ("DELETE", "/auth/tokens/0123456789abcdef", false),
    ("GET", "/resources", false),
    ("POST", "/resources", true),
    ("POST", "/resources/plugin-a/maintainers", true),
    ("DELETE", "/resources/plugin-a/maintainers/admin", true),
    ("GET", "/resources/plugin-a/tokens", true),
    ("POST", "/resources/plugin-a/tokens", true),
    ("DELETE", "/resources/plugin-a/tokens/ID", true),
    ("PATCH", "/resources/plugin-a/tokens/ID", true),
];

/// Bodies no route accepts: (content type, bytes).
fn bad_bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("application/json", b"{\"audience\":".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"[1, 2]".to_vec()),
        ("application/json", b"   ".to_vec()),
        (
            "application/json",
            br#"{"audience": 5, "description": [], "username": {}, "scopes": 7}"#.to_vec(),
        ),
        ("text/plain", b"username=eve".to_vec()),
        ("application/json", vec![b'x'; 70 * 1024]),
    ]
}

async fn send(
    s: &TestServer,
    method: &str,
    path: &str,
    bearer: Option<&str>,
) -> Vec<(u16, String)> {
    let mut answers = Vec::new();
    for (content_type, body) in bad_bodies() {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = reqwest::Client::new()
            .request(method, s.api(path))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        let (status, _, body) = send_request(req).await;
        answers.push((status, body.to_string()));
        let answer = (status, body);
        match status {
            401 => assert!(answer.1["code"].is_string(), "{path}: {}", answer.1),
            403 => assert_error(&answer, 403, "forbidden"),
            _ => {}
        }
    }
    answers
}

#[tokio::test]
async fn every_authenticated_route_checks_the_credential_and_the_right_before_the_body() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (reader, _) = s.login("guest", "guest").await;
    let made = s
        .post(
            "/resources",
            Some(&admin),
            Some(json!({"name": "plugin-a", "maintainers": ["admin"]})),
        )
        .await;
    assert_eq!(made.0, 201, "{}", made.1);
    let token = s
        .post(
            "/resources/plugin-a/tokens",
            Some(&admin),
            Some(json!({"description": "ci", "scopes": ["read"]})),
        )
        .await;
    let id = token.1["id"].as_str().unwrap().to_string();

    for &(method, path, needs_right) in ROUTES {
        let path = path.replace("ID", &id);
        for bearer in [
            None,
            Some("not-a-token"),
            Some("eyJhbGciOiJIUzUxMiJ9.e30.AAAA"),
        ] {
            for (status, body) in send(&s, method, &path, bearer).await {
                assert_eq!(status, 401, "{method} {path} with {bearer:?}: {body}");
            }
        }
        if needs_right {
            for (status, body) in send(&s, method, &path, Some(&reader)).await {
                assert_eq!(status, 403, "{method} {path} as a reader: {body}");
            }
        }
    }
}
