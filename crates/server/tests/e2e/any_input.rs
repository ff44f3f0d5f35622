//! Property tests through the real server: any body on any route, with any Authorization
//! header, gets an answer in the API's format — never a 5xx, and every error a JSON object with
//! a `code` the API defines. The cases come from a deterministic generator, so a failure names a
//! case that fails again on the next run.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use reqwest::Method;
use serde_json::{Map, Value};
use tessera_api::ErrorCode;

use crate::common::http::send_request;
use crate::common::TestServer;

/// Every route, with its path parameters filled in.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/health"),
    ("GET", "/auth/login?username=admin"),
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("POST", "/auth/register"),
    ("POST", "/auth/token/validation"),
    ("POST", "/auth/token/refresh"),
    ("GET", "/auth/apikeys"),
    ("POST", "/auth/apikeys"),
    ("POST", "/auth/apikeys/verify"),
    ("POST", "/auth/apikeys/refresh"),
    ("POST", "/auth/apikeys/revoke-all"),
    ("DELETE", "/auth/apikeys/0123456789abcdef"),
    ("POST", "/auth/token/create-api-token"),
    ("GET", "/auth/tokens"),
    ("DELETE", "/auth/tokens/0123456789abcdef"),
    ("GET", "/resources"),
    ("POST", "/resources"),
    ("POST", "/resources/plugin-a/maintainers"),
    ("DELETE", "/resources/plugin-a/maintainers/alice"),
    ("GET", "/resources/plugin-a/tokens"),
    ("POST", "/resources/plugin-a/tokens"),
    ("DELETE", "/resources/plugin-a/tokens/0123456789abcdef"),
    ("PATCH", "/resources/plugin-a/tokens/0123456789abcdef"),
];

/// The field names the routes read, so that generated objects reach past the first check.
const FIELDS: &[&str] = &[
    "username",
    "password",
    "fullname",
    "refresh_token",
    "token",
    "audience",
    "subject",
    "api_version",
    "bind_ip",
    "expires_in",
    "not_before",
    "refresh_expires_in",
    "refresh_not_before",
    "apikey",
    "ip",
    "description",
    "scopes",
    "name",
    "token_exp",
    "datasets",
    "resource",
    "role",
    "permissions",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-z0-9_.@-]{0,12}".prop_map(Value::String),
        "(tsr_rt_|tsr_ak_|tsr_pat_|eyJ)[A-Za-z0-9_.-]{0,60}".prop_map(Value::String),
        prop::sample::select(vec![
            "read",
            "Permission.WRITE",
            "admin",
            "reader",
            "127.0.0.1"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{0,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Objects keyed by the routes' own field names, with values of any type.
fn route_object() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(FIELDS), json_value()), 0..6).prop_map(|fields| {
        let map: Map<String, Value> = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        Value::Object(map)
    })
}

#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    Raw(Vec<u8>, &'static str),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        Just(Body::None),
        json_value().prop_map(Body::Json),
        route_object().prop_map(Body::Json),
        route_object().prop_map(Body::Json),
        (
            prop::collection::vec(any::<u8>(), 0..64),
            prop::sample::select(vec!["application/json", "text/plain", "application/x+json"])
        )
            .prop_map(|(b, ct)| Body::Raw(b, ct)),
    ]
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    /// A fresh admin access token.
    Admin,
    Value(String),
}

fn auth() -> impl Strategy<Value = Auth> {
    prop_oneof![
        Just(Auth::None),
        Just(Auth::Admin),
        Just(Auth::Admin),
        "(Bearer |bearer |Basic |Bearer  |)[ -~]{0,80}".prop_map(Auth::Value),
        "Bearer (tsr_rt_|tsr_ak_|tsr_pat_|eyJ)[A-Za-z0-9_.-]{0,80}".prop_map(Auth::Value),
    ]
}

#[tokio::test]
async fn any_body_and_authorization_on_any_route_gets_an_answer_in_the_api_format() {
    let s = TestServer::start().await;
    let http = reqwest::Client::new();
    let mut runner = TestRunner::deterministic();
    let case = (prop::sample::select(ROUTES), body(), auth());
    let mut seen = std::collections::BTreeMap::<u16, u32>::new();
    for n in 0..1000 {
        let ((method, path), body, auth) = case.new_tree(&mut runner).unwrap().current();
        let mut req = http.request(Method::from_bytes(method.as_bytes()).unwrap(), s.api(path));
        match &auth {
            Auth::None => {}
            // A fresh login each time: a generated logout may have ended the last session.
            Auth::Admin => req = req.bearer_auth(s.login("admin", "admin").await.0),
            Auth::Value(v) => req = req.header("authorization", v.as_str()),
        }
        match &body {
            Body::None => {}
            Body::Json(v) => req = req.json(v),
            Body::Raw(bytes, ct) => req = req.header("content-type", *ct).body(bytes.clone()),
        }
        let (status, _, answer) = send_request(req).await;
        *seen.entry(status).or_default() += 1;
        let what = format!("case {n}: {method} {path} {auth:?} {body:?} → {status} {answer}");
        assert!(status < 500, "{what}");
        if status >= 400 {
            let code = answer.get("code").and_then(Value::as_str);
            let code = code.unwrap_or_else(|| panic!("no code: {what}"));
            assert!(
                !matches!(ErrorCode::parse(code), ErrorCode::Unknown(_)),
                "{what}"
            );
        } else {
            assert!(answer.is_object(), "{what}");
        }
    }
    // The generator reaches past the first checks: some calls succeed, some are refused for their body, some for their credential.
    for status in [200, 400, 401] {
        assert!(seen.get(&status).is_some_and(|n| *n > 5), "{seen:?}");
    }
}
