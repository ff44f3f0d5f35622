//! The router with its layers: body limit, JSON errors for everything, no-store, CORS, and
//! outermost the request id and its tracing span.

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

use tessera_api::ErrorCode;

use crate::error::ApiError;
use crate::state::AppState;

pub fn build(state: AppState, max_body_bytes: usize, cors_origins: &[String]) -> Router {
    let mut app = crate::routes::router()
        .fallback(not_found)
        .layer(axum::middleware::map_response(json_errors))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state);
    if !cors_origins.is_empty() {
        app = app.layer(
            CorsLayer::new()
                .allow_origin(allowed_origins(cors_origins))
                .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
                .allow_headers([CONTENT_TYPE, axum::http::header::AUTHORIZATION]),
        );
    }
    crate::request_trace::layer(app)
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

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not found")
}

/// Turns the framework's plain-text rejections (405, 413, …) into the API's JSON error body,
/// and marks every answer `no-store`: they carry tokens or who holds them.
async fn json_errors(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
    let mut response = if (status.is_client_error() || status.is_server_error()) && !is_json {
        let (code, text) = match status {
            StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::MethodNotAllowed, "Method not allowed"),
            StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::PayloadTooLarge, "Request body too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                (ErrorCode::UnsupportedMediaType, "Unsupported media type")
            }
            StatusCode::NOT_FOUND => (ErrorCode::NotFound, "Not found"),
            s if s.is_server_error() => (ErrorCode::InternalError, "Internal server error"),
            _ => (ErrorCode::BadRequest, "Bad request"),
        };
        let mut fresh = ApiError::new(status, code, text).into_response();
        for name in ["allow", "retry-after"] {
            if let Some(v) = response.headers().get(name) {
                fresh.headers_mut().insert(name, v.clone());
            }
        }
        fresh
    } else {
        response
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
