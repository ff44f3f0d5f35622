//! The OpenAPI document and the router agree: every documented operation reaches a handler of
//! the real server, no other method is routed on a documented path, and no JSON route is added
//! to the router outside the registration that also documents it (`routes::api`).

use std::path::Path;

use reqwest::Method;
use serde_json::Value;

use crate::common::http::send_request as send;
use crate::common::TestServer;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The documented operations: (path, method).
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.push((path.clone(), method.to_string()));
            }
        }
    }
    ops
}

/// `path` with each `{param}` filled in.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str("x1");
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// The router's own answers for a path or method it does not have.
fn unrouted(status: u16, body: &Value) -> bool {
    status == 405 || (status == 404 && body["error"] == "Not found")
}

#[tokio::test]
async fn the_served_document_is_the_generated_one_in_openapi_3_1() {
    let s = TestServer::start().await;
    let http = reqwest::Client::new();
    let (status, headers, served) = send(http.get(s.api("/openapi.json"))).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1."));
    let generated = serde_json::to_value(tessera_server::openapi::document()).unwrap();
    assert_eq!(served, generated);
    // Every error code the server sends is in the document.
    let codes = &served["components"]["schemas"]["ErrorCode"]["enum"];
    for code in tessera_api::ErrorCode::ALL {
        assert!(
            codes.as_array().unwrap().contains(&code.as_str().into()),
            "{code}"
        );
    }
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_nothing_else_on_its_path() {
    let s = TestServer::start().await;
    let doc = serde_json::to_value(tessera_server::openapi::document()).unwrap();
    let ops = operations(&doc);
    assert!(ops.len() >= 25, "{ops:?}");
    let mut ids: Vec<&str> = ops
        .iter()
        .map(|(path, method)| doc["paths"][path][method]["operationId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "operationIds must be unique: {ids:?}");
    let http = reqwest::Client::new();
    for (path, method) in &ops {
        let standard = path.starts_with("/.well-known/") || path.starts_with("/oauth2/");
        assert!(path.starts_with("/api/v1/") || standard, "{path}");
        let url = format!("{}{}", s.url, concrete(path));
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, _, body) = send(http.request(m, &url)).await;
        assert!(
            !unrouted(status, &body),
            "{method} {path} is documented but not routed: {status} {body}"
        );
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        let url = format!("{}{}", s.url, concrete(path));
        for method in METHODS.into_iter().filter(|m| item.get(*m).is_none()) {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (status, _, body) = send(http.request(m, &url)).await;
            assert_eq!(
                status, 405,
                "{method} {path} is routed but not documented: {body}"
            );
        }
    }
}

/// A route added with a bare `.route(...)` (or nested) under `/api/v1` would be served but not
/// documented: every JSON route goes through `.routes(routes!(...))` in `routes::api`.
#[test]
fn no_json_route_is_added_beside_the_documented_registration() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
                for (at, _) in text.match_indices(call) {
                    let args: String = text[at + call.len()..].chars().take(120).collect();
                    let first = args.split(',').next().unwrap_or("");
                    if first.contains("/api/v1")
                        || first.contains("API_PREFIX")
                        || first.contains("at(")
                    {
                        offenders.push(format!("{}: {call}{first}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "JSON routes added outside routes::api (see \"How to add a route\" there): {offenders:?}"
    );
}

/// The request body schema of an operation, with a `$ref` resolved.
fn body_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let mut schema = op["requestBody"]["content"]["application/json"].get("schema")?;
    if let Some(one_of) = schema.get("oneOf") {
        schema = one_of
            .as_array()?
            .iter()
            .find(|s| s.get("$ref").is_some())?;
    }
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(&r.replace("#/", "/")),
        None => Some(schema),
    }
}

/// Where the server refuses an empty object as incomplete (400 `bad_request`), the document says
/// which fields the body needs: a client generated from it, or a fuzzer, sends them.
#[tokio::test]
async fn a_body_the_server_refuses_when_empty_lists_its_required_fields() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let token = admin.tokens().await.unwrap().access_token;
    // The placeholder every path parameter gets names a resource that exists.
    let made = s
        .post(
            "/resources",
            Some(&token),
            Some(serde_json::json!({"name": "x1", "maintainers": ["admin"]})),
        )
        .await;
    assert_eq!(made.0, 201, "{}", made.1);
    let doc = serde_json::to_value(tessera_server::openapi::document()).unwrap();
    let mut checked = 0;
    for (path, method) in operations(&doc) {
        let op = &doc["paths"][&path][&method];
        let Some(schema) = body_schema(&doc, op) else {
            continue;
        };
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let url = format!("{}{}", s.url, concrete(&path));
        let got =
            crate::common::http::send(m, &url, Some(&token), Some(&serde_json::json!({}))).await;
        if got.0 == 400 && got.1["code"] == "bad_request" {
            checked += 1;
            let required = schema["required"].as_array().map_or(0, Vec::len);
            assert!(
                required > 0,
                "{method} {path} refuses {{}} ({}) but its body schema requires nothing",
                got.1
            );
        }
    }
    assert!(
        checked >= 8,
        "only {checked} operations refused an empty body"
    );
}
