//! A request id for every request, and a span that puts it in every log line of the request.
//!
//! `x-request-id` is taken from the request only when it is at most 64 characters of
//! `[A-Za-z0-9._-]`; otherwise (or without one) a UUID is made. The answer carries it back. The
//! span names the method, the route template (never the raw URI: a query string such as
//! `?username=` must not reach the log) and the id.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderName;
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client.
const MAX_ID_LEN: usize = 64;

/// Whether a client's request id may be kept (and so written to the log and echoed).
pub fn acceptable_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Drops a request id the server will not keep, so that one is made in its place.
async fn drop_unacceptable_id(mut req: Request) -> Request {
    let headers = req.headers_mut();
    let mut ids = headers.get_all(&REQUEST_ID).iter();
    let keep = match (ids.next(), ids.next()) {
        (Some(id), None) => acceptable_id(id.as_bytes()),
        (None, _) => true,
        (Some(_), Some(_)) => false,
    };
    if !keep {
        headers.remove(&REQUEST_ID);
    }
    req
}

fn request_span(req: &Request) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", method = %req.method(), route = %route, request_id = %id)
}

/// Wraps `app` (every route and the fallback) in the request-id and tracing layers.
pub fn layer(app: Router) -> Router {
    // Outermost last: the id is checked, then made if missing, then the span opened; the answer
    // gets the id on the way out.
    app.layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unacceptable_id))
}

#[cfg(test)]
mod tests {
    use super::acceptable_id;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(acceptable_id(b"abc-DEF_1.2"));
        assert!(acceptable_id("a".repeat(64).as_bytes()));
        assert!(!acceptable_id("a".repeat(65).as_bytes()));
        assert!(!acceptable_id(b""));
        assert!(!acceptable_id(b"a b"));
        assert!(!acceptable_id(b"a\"b"));
        assert!(!acceptable_id("é".as_bytes()));
    }
}
