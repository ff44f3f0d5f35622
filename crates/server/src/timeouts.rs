//! Time limits on a request once its headers are in (tower-http's layers): a body that sends
//! nothing for `body_timeout` is refused with 408 `request_timeout`; a request not answered
//! within `request_timeout` gets 503 `unavailable`. Both in the API's JSON error body (the
//! request timeout's bare status is dressed by `app::json_errors`, the body timeout's is the
//! body extractor's).
//! (The time to send the headers themselves is the connection's: see `connections`.)

use std::time::Duration;

use axum::http::StatusCode;
use tower::layer::util::{Identity, Stack};
use tower::ServiceBuilder;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutError, TimeoutLayer};

/// The body and request timeouts as one stack, to which `app::build` adds its inner layers so
/// that all of them go on in one `Router::layer` call.
pub type Timeouts = ServiceBuilder<Stack<RequestBodyTimeoutLayer, Stack<TimeoutLayer, Identity>>>;

/// The request timeout outside the body timeout.
pub fn layers(body_timeout: Duration, request_timeout: Duration) -> Timeouts {
    ServiceBuilder::new()
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            request_timeout,
        ))
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
}

/// Whether reading a body failed because it sent nothing for too long.
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::post;
    use axum::Router;
    use futures_util::stream;
    use tower::ServiceExt;

    use super::*;
    use crate::extract::JsonObject;

    /// A router with a route that reads a JSON body and one that never answers, wrapped as the
    /// server wraps its own.
    fn app() -> Router {
        let routes = Router::new()
            .route(
                "/echo",
                post(|JsonObject(v): JsonObject<serde_json::Value>| async move { v.to_string() }),
            )
            .route("/stuck", post(std::future::pending::<()>));
        let routes = routes.layer(layers(Duration::from_secs(10), Duration::from_secs(30)));
        crate::app::with_json_errors(routes)
    }

    /// A body that sends its first bytes, then nothing.
    fn stalled_body() -> Body {
        let first = stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from("{\"a\":"))]);
        Body::from_stream(futures_util::StreamExt::chain(first, stream::pending()))
    }

    async fn json(response: axum::response::Response) -> (StatusCode, serde_json::Value) {
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    // Tokio's paused clock: the timers fire as soon as nothing else can run.
    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_is_408_and_a_stuck_request_503_in_json() {
        let request = |path: &str, body: Body| {
            Request::post(path)
                .header("content-type", "application/json")
                .body(body)
                .unwrap()
        };
        let answer = app()
            .oneshot(request("/echo", stalled_body()))
            .await
            .unwrap();
        let (status, body) = json(answer).await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(body["code"], "request_timeout", "{body}");
        let answer = app()
            .oneshot(request("/stuck", Body::empty()))
            .await
            .unwrap();
        assert_eq!(answer.headers()["retry-after"], "1");
        let (status, body) = json(answer).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["code"], "unavailable", "{body}");
        let answer = app()
            .oneshot(request("/echo", Body::from("{\"a\":1}")))
            .await;
        assert_eq!(json(answer.unwrap()).await.0, StatusCode::OK);
    }
}
