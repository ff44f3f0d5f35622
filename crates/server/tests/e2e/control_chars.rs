//! Free text with control characters (a newline, an escape, a bidirectional override) is
//! refused wherever it enters, with a 400 and a code, so nothing can forge a log line.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{assert_error, http, TestServer};

const BAD: [&str; 4] = [
    "a\nforged line",
    "x\u{1b}[2Kx",
    "x\u{202e}gpj.exe",
    "tab\there",
];

async fn refused(s: &TestServer, method: Method, path: &str, bearer: &str, body: Value) {
    let got = http::send(method, &s.api(path), Some(bearer), Some(&body)).await;
    assert_error(&got, 400, "bad_request");
    let text = got.1["error"].as_str().unwrap();
    assert!(
        text.contains("control characters") || text.contains("printable"),
        "{path}: {text}"
    );
}

#[tokio::test]
async fn control_characters_are_refused_in_every_free_text_field() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let resource = json!({"name": "plugin:x", "maintainers": ["admin"]});
    assert_eq!(
        s.post("/resources", Some(&admin), Some(resource)).await.0,
        201
    );
    let made = s
        .post(
            "/resources/plugin:x/tokens",
            Some(&admin),
            Some(json!({"description": "ci", "scopes": ["read"]})),
        )
        .await;
    let id = made.1["id"].as_str().unwrap().to_string();

    for bad in BAD {
        let register = json!({"username": "eve", "fullname": bad, "password": "pw-long-enough"});
        refused(&s, Method::POST, "/auth/register", &admin, register).await;
        let key = json!({"audience": bad, "subject": "/data"});
        refused(&s, Method::POST, "/auth/apikeys", &admin, key).await;
        let key = json!({"audience": "svc", "subject": bad});
        refused(&s, Method::POST, "/auth/apikeys", &admin, key).await;
        let key = json!({"audience": "svc", "subject": "/data", "api_version": bad});
        refused(&s, Method::POST, "/auth/apikeys", &admin, key).await;
        let verify = json!({"apikey": "x.y.z", "audience": bad});
        refused(&s, Method::POST, "/auth/apikeys/verify", &admin, verify).await;
        let verify = json!({"apikey": "x.y.z", "audience": "svc", "subject": bad});
        refused(&s, Method::POST, "/auth/apikeys/verify", &admin, verify).await;
        let personal = json!({"datasets": {"*": ["read"]}, "token_exp": 60, "description": bad});
        refused(
            &s,
            Method::POST,
            "/auth/token/create-api-token",
            &admin,
            personal,
        )
        .await;
        let token = json!({"description": bad, "scopes": ["read"]});
        refused(
            &s,
            Method::POST,
            "/resources/plugin:x/tokens",
            &admin,
            token,
        )
        .await;
        let path = format!("/resources/plugin:x/tokens/{id}");
        refused(
            &s,
            Method::PATCH,
            &path,
            &admin,
            json!({"description": bad}),
        )
        .await;
    }
    // Usernames keep to their own alphabet.
    let register =
        json!({"username": "eve\nadmin", "fullname": "Eve", "password": "pw-long-enough"});
    let got = s.post("/auth/register", Some(&admin), Some(register)).await;
    assert_error(&got, 400, "bad_request");
}
