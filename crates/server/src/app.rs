//! The router with its layers: a panicking handler answered with a 500, the body and request
//! timeouts, body limit, JSON errors for everything, no-store, CORS, and outermost the request
//! id, its log tag, metrics and access line.

use std::time::Duration;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};

use tessera_api::ErrorCode;

use crate::config::Config;
use crate::error::ApiError;
use crate::panics::CatchPanicLayer;
use crate::request_trace::TraceLayer;
use crate::state::AppState;

/// The API, with `extra` routes merged in (what an embedding program adds; tests inject
/// faults with it).
pub fn build(state: AppState, config: &Config, extra: Router<AppState>) -> Router {
    // Each `Router::layer` call boxes every route once more, and a request pays for each box
    // (a clone and an allocation): every layer goes on in one call, and none boxes its future.
    let mut routes = crate::routes::router()
        .merge(crate::web::router(state.clone()))
        .merge(extra);
    if config.metrics_bind.is_none() {
        routes = routes.merge(crate::metrics::routes());
    }
    let cors = (!config.cors_origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(allowed_origins(&config.cors_origins))
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([CONTENT_TYPE, axum::http::header::AUTHORIZATION])
    });
    // Outermost first: the request's id, log tag, count and access line; CORS; then the
    // body limit, JSON errors, the time limits and the panic catcher.
    routes
        .fallback(not_found)
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new(state.metrics.requests.clone()))
                .option_layer(cors)
                .layer(DefaultBodyLimit::max(config.max_body_bytes))
                .map_response(json_errors)
                .layer(crate::timeouts::layers(
                    Duration::from_secs(config.body_timeout_seconds),
                    Duration::from_secs(config.request_timeout_seconds),
                ))
                .layer(CatchPanicLayer),
        )
        .with_state(state)
}

/// `["*"]`: any origin, without credentials (tessera's credentials are bearer tokens, which a
/// page must hold and send itself; no cookie is involved). Otherwise the origins listed.
fn allowed_origins(cors_origins: &[String]) -> AllowOrigin {
    if cors_origins.iter().any(|o| o == "*") {
        return AllowOrigin::any();
    }
    let origins: Vec<HeaderValue> = cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    AllowOrigin::list(origins)
}

/// Wraps `app` so that every error answer has the API's JSON body, and none is cached.
pub fn with_json_errors<S: Clone + Send + Sync + 'static>(app: Router<S>) -> Router<S> {
    app.layer(tower::util::MapResponseLayer::new(json_errors))
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not found")
}

/// Turns the framework's plain-text rejections (405, 413, …) into the API's JSON error body,
/// and marks every answer `no-store` (they carry tokens or who holds them), but for a success
/// that says how long it may be cached (the JWKS).
fn json_errors(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    // The web page's own error pages are HTML, and stay so.
    let is_json = response.headers().get(CONTENT_TYPE).is_some_and(|ct| {
        ct.as_bytes().starts_with(b"application/json") || ct.as_bytes().starts_with(b"text/html")
    });
    let mut response = if (status.is_client_error() || status.is_server_error()) && !is_json {
        let (code, text) = match status {
            StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::MethodNotAllowed, "Method not allowed"),
            StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::PayloadTooLarge, "Request body too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                (ErrorCode::UnsupportedMediaType, "Unsupported media type")
            }
            StatusCode::NOT_FOUND => (ErrorCode::NotFound, "Not found"),
            StatusCode::REQUEST_TIMEOUT => (ErrorCode::RequestTimeout, "Request timeout"),
            StatusCode::SERVICE_UNAVAILABLE => {
                (ErrorCode::Unavailable, "Service unavailable, retry later")
            }
            s if s.is_server_error() => (ErrorCode::InternalError, "Internal server error"),
            _ => (ErrorCode::BadRequest, "Bad request"),
        };
        let mut fresh = ApiError::new(status, code, text).into_response();
        for name in ["allow", "retry-after"] {
            if let Some(v) = response.headers().get(name) {
                fresh.headers_mut().insert(name, v.clone());
            }
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            let retry = fresh.headers_mut().entry("retry-after");
            retry.or_insert(HeaderValue::from_static("1"));
        }
        fresh
    } else {
        response
    };
    // A public document that says how long it may be cached (the JWKS) keeps its own.
    if !(response.status().is_success() && response.headers().contains_key(CACHE_CONTROL)) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
