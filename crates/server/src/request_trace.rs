//! One layer for what every request gets: its id ([`crate::request_id`]), a tag that puts it in
//! every log line of the request, its count and latency in the metrics, its access line, and
//! the id on its answer.
//!
//! The tag names the method, the route template (never the raw URI: a query string such as
//! `?username=` must not reach the log) and the id; it is a task-local value the log format
//! (`crate::log_format`) writes as `request{method=.. route=.. request_id=..}:`, which costs a
//! request nothing unless a line is written (a tracing span would be made, formatted, entered
//! and left on every poll of every request). When the answer's head is ready the request is
//! counted by method, route template and status with its latency, and its access line written
//! (`crate::access_log`): no token, no query string, no client address. One layer instead of
//! one per concern: each would wrap the answer's future once more and look the id up again.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, Response};
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};

use crate::access_log::{self, Answered};
use crate::metrics::requests::UNMATCHED;
use crate::metrics::Requests;
use crate::request_id::{Id, REQUEST_ID};

/// What every log line written while a request is handled says about it.
struct Tag {
    method: Method,
    route: Option<MatchedPath>,
    id: Id,
}

tokio::task_local! {
    static REQUEST: Tag;
}

/// Writes `request{method=.. route=.. request_id=..}: ` when called while a request is
/// handled (in its task), nothing otherwise.
pub fn write_tag(out: &mut impl fmt::Write) -> fmt::Result {
    REQUEST
        .try_with(|tag| {
            let route = tag.route.as_ref().map_or("unmatched", MatchedPath::as_str);
            write!(
                out,
                "request{{method={} route={route} request_id={}}}: ",
                tag.method,
                tag.id.as_str()
            )
        })
        .unwrap_or(Ok(()))
}

/// The layer, counting into `requests`.
#[derive(Clone)]
pub struct TraceLayer(Arc<Requests>);

impl TraceLayer {
    pub fn new(requests: Arc<Requests>) -> Self {
        Self(requests)
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Traced<S>;

    fn layer(&self, inner: S) -> Traced<S> {
        Traced {
            inner,
            requests: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Traced<S> {
    inner: S,
    requests: Arc<Requests>,
}

impl<S, B> Service<Request> for Traced<S>
where
    S: Service<Request, Response = Response<B>>,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Answer<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = Id::of(req.headers());
        let route = req.extensions().get::<MatchedPath>().cloned();
        let template = route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
        let slot = self.requests.index(req.method(), template);
        // Past the table's size the slot is `other`'s; the access line still names the route.
        let unlisted = (self.requests.at(slot).template() != template).then(|| template.into());
        let method = req.method().clone();
        let tag = Tag {
            method: method.clone(),
            route,
            id,
        };
        // A latency measured for the metrics, not a time anything is decided by.
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        Answer {
            inner: REQUEST.scope(tag, self.inner.call(req)),
            requests: self.requests.clone(),
            slot,
            started,
            method,
            id,
            unlisted,
        }
    }
}

pin_project_lite::pin_project! {
    pub struct Answer<F> {
        #[pin]
        inner: TaskLocalFuture<Tag, F>,
        requests: Arc<Requests>,
        slot: usize,
        started: Instant,
        method: Method,
        id: Id,
        unlisted: Option<Box<str>>,
    }
}

impl<F, B, E> Future for Answer<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut answer = std::task::ready!(this.inner.poll(cx));
        if let Ok(response) = &mut answer {
            let route = this.requests.at(*this.slot);
            let status = response.status().as_u16();
            let latency = this.started.elapsed();
            route.observe(status, latency);
            access_log::write(&Answered {
                request_id: this.id.as_str(),
                method: this.method,
                route: this.unlisted.as_deref().unwrap_or(route.template()),
                status,
                latency,
            });
            if let Some(id) = this.id.header_value() {
                response.headers_mut().insert(REQUEST_ID, id);
            }
        }
        Poll::Ready(answer)
    }
}
