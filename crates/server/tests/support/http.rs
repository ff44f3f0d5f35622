//! Raw HTTP, for what the client deliberately cannot send (malformed bodies, missing or odd
//! headers) or when a test needs the exact status, headers and body of an answer.

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use tessera_api::ErrorCode;

/// An answer: its status and its JSON body (`null` when it has none).
pub type Answer = (u16, Value);

/// Sends `req`: the status, the headers and the JSON body (`null` when it has none).
pub async fn send_request(req: RequestBuilder) -> (u16, HeaderMap, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.json().await.unwrap_or(Value::Null))
}

/// A call to `url` with an optional bearer and JSON body.
pub async fn send(method: Method, url: &str, bearer: Option<&str>, body: Option<&Value>) -> Answer {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(b) = bearer {
        req = req.bearer_auth(b);
    }
    if let Some(body) = body {
        req = req.json(body);
    }
    let (status, _, body) = send_request(req).await;
    (status, body)
}

/// Asserts an error body has the API's shape and the given status and code (an [`ErrorCode`]
/// or its wire string), and that the code is one the API defines.
pub fn assert_error(got: &Answer, status: u16, code: impl Into<ErrorCode>) {
    assert_eq!(got.0, status, "{}", got.1);
    let sent: ErrorCode = serde_json::from_value(got.1["code"].clone())
        .unwrap_or_else(|_| panic!("no code in {}", got.1));
    assert!(!matches!(sent, ErrorCode::Unknown(_)), "{}", got.1);
    assert_eq!(sent, code.into(), "{}", got.1);
    assert!(got.1["error"].is_string(), "{}", got.1);
}
