//! A request id for every request, a tag that puts it in every log line of the request, and
//! the access log: one line per answer.
//!
//! `x-request-id` is taken from the request only when it is at most 64 characters of
//! `[A-Za-z0-9._-]`; otherwise (or without one) a UUID is made. The answer carries it back. The
//! tag names the method, the route template (never the raw URI: a query string such as
//! `?username=` must not reach the log) and the id; it is a task-local value the log format
//! (`crate::log_format`) writes as `request{method=.. route=.. request_id=..}:`, which costs a
//! request nothing unless a line is written (a tracing span would be made, formatted, entered
//! and left on every poll of every request). When the answer's head is ready, the layer that
//! counts the request for the metrics writes its access line (`crate::access_log`): no token,
//! no query string, no client address.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::Router;
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};
use tower_http::request_id::PropagateRequestIdLayer;
use tower_http::set_header::SetRequestHeaderLayer;

use crate::metrics::{RecordLayer, Requests};

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

/// A random (version 4) UUID: 122 bits from a fast per-thread generator (wyrand, seeded once
/// per thread from the system's generator: an id must be unique, not unpredictable), written
/// two digits at a time (`format!`, or the cryptographic generator per request, cost more than
/// the rest of a validation's id handling).
fn new_id() -> HeaderValue {
    thread_local! {
        static STATE: std::cell::Cell<u64> = std::cell::Cell::new(rand::random());
    }
    let next = || {
        STATE.with(|s| {
            let x = s.get().wrapping_add(0xa076_1d64_78bd_642f);
            s.set(x);
            let t = u128::from(x) * u128::from(x ^ 0xe703_7ed1_a0b4_28db);
            (t >> 64) as u64 ^ t as u64
        })
    };
    let n = (u128::from(next()) << 64 | u128::from(next())) & !(0xF << 76) & !(0x3 << 62)
        | (0x4 << 76)
        | (0x2 << 62);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = n.to_be_bytes();
    let mut id = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        id[at] = HEX[usize::from(byte >> 4)];
        id[at + 1] = HEX[usize::from(byte & 0xF)];
        at += 2;
    }
    HeaderValue::from_bytes(&id).expect("hex and dashes make a header value")
}

/// `None` to keep the request's id (exactly one, acceptable); otherwise a new one to put in
/// its place.
fn id_to_set(req: &Request) -> Option<HeaderValue> {
    let mut ids = req.headers().get_all(&REQUEST_ID).iter();
    match (ids.next(), ids.next()) {
        (Some(id), None) if acceptable_id(id.as_bytes()) => None,
        _ => Some(new_id()),
    }
}

/// What every log line written while a request is handled says about it.
struct Tag {
    method: Method,
    route: Option<MatchedPath>,
    id: Option<HeaderValue>,
}

tokio::task_local! {
    static REQUEST: Tag;
}

impl Tag {
    fn of(req: &Request) -> Self {
        Tag {
            method: req.method().clone(),
            route: req.extensions().get::<MatchedPath>().cloned(),
            id: req.headers().get(&REQUEST_ID).cloned(),
        }
    }
}

/// Writes `request{method=.. route=.. request_id=..}: ` when called while a request is
/// handled (in its task), nothing otherwise.
pub fn write_tag(out: &mut impl fmt::Write) -> fmt::Result {
    REQUEST
        .try_with(|tag| {
            let route = tag.route.as_ref().map_or("unmatched", MatchedPath::as_str);
            let id = tag.id.as_ref().and_then(|v| v.to_str().ok());
            write!(
                out,
                "request{{method={} route={route} request_id={}}}: ",
                tag.method,
                id.unwrap_or_default()
            )
        })
        .unwrap_or(Ok(()))
}

/// Handles each request with its [`Tag`] set.
#[derive(Clone, Copy)]
struct TagLayer;

impl<S> Layer<S> for TagLayer {
    type Service = Tagged<S>;
    fn layer(&self, inner: S) -> Tagged<S> {
        Tagged(inner)
    }
}

#[derive(Clone)]
struct Tagged<S>(S);

impl<S: Service<Request>> Service<Request> for Tagged<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = TaskLocalFuture<Tag, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let tag = Tag::of(&req);
        REQUEST.scope(tag, self.0.call(req))
    }
}

/// Wraps `app` (every route and the fallback) in the request-id and log-tag layers, and the
/// count of requests for the metrics (in the same call: each `Router::layer` call costs every
/// request another boxed clone).
pub fn layer(app: Router, requests: Arc<Requests>) -> Router {
    // Outermost last: the id is kept or replaced, then the tag set; the answer gets the id on
    // the way out.
    app.layer(
        tower::ServiceBuilder::new()
            .layer(SetRequestHeaderLayer::overriding(REQUEST_ID, id_to_set))
            .layer(TagLayer)
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(RecordLayer::new(requests)),
    )
}

#[cfg(test)]
mod tests {
    use super::{acceptable_id, new_id};

    #[test]
    fn made_ids_are_version_4_uuids() {
        let a = new_id();
        let a = a.to_str().unwrap();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert!(acceptable_id(a.as_bytes()));
        assert_ne!(a, new_id().to_str().unwrap());
        let dashes: Vec<usize> = a.match_indices('-').map(|(at, _)| at).collect();
        assert_eq!(dashes, [8, 13, 18, 23]);
        assert!(a
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

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
