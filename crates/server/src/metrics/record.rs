//! The layer that counts every request by method, route template and status, with its latency
//! (to its answer's head), and writes its access line (`crate::access_log`). It goes in the
//! stack `request_trace::layer` puts on the router, so it adds no `Router::layer` call; per
//! request it costs a table look-up, a clock read at each end and two atomic adds, and the line.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, Response};
use tower::{Layer, Service};

use super::requests::{Requests, UNMATCHED};
use crate::access_log::{self, Answered};
use crate::request_trace::REQUEST_ID;

#[derive(Clone)]
pub struct RecordLayer(Arc<Requests>);

impl RecordLayer {
    pub fn new(requests: Arc<Requests>) -> Self {
        Self(requests)
    }
}

impl<S> Layer<S> for RecordLayer {
    type Service = Record<S>;

    fn layer(&self, inner: S) -> Record<S> {
        Record {
            inner,
            requests: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Record<S> {
    inner: S,
    requests: Arc<Requests>,
}

impl<S, B> Service<Request> for Record<S>
where
    S: Service<Request, Response = Response<B>>,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Recorded<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let template = req
            .extensions()
            .get::<MatchedPath>()
            .map_or(UNMATCHED, MatchedPath::as_str);
        let slot = self.requests.index(req.method(), template);
        // Past the table's size the slot is `other`'s; the access line still names the route.
        let unlisted = (self.requests.at(slot).template() != template).then(|| template.into());
        let method = req.method().clone();
        let request_id = req.headers().get(&REQUEST_ID).cloned();
        // A latency measured for the metrics, not a time anything is decided by.
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        Recorded {
            inner: self.inner.call(req),
            requests: self.requests.clone(),
            slot,
            started,
            method,
            request_id,
            unlisted,
        }
    }
}

pin_project_lite::pin_project! {
    pub struct Recorded<F> {
        #[pin]
        inner: F,
        requests: Arc<Requests>,
        slot: usize,
        started: Instant,
        method: Method,
        request_id: Option<HeaderValue>,
        unlisted: Option<Box<str>>,
    }
}

impl<F, B, E> Future for Recorded<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answer = std::task::ready!(this.inner.poll(cx));
        if let Ok(response) = &answer {
            let route = this.requests.at(*this.slot);
            let status = response.status().as_u16();
            let latency = this.started.elapsed();
            route.observe(status, latency);
            access_log::write(&Answered {
                request_id: this.request_id.as_ref(),
                method: this.method,
                route: this.unlisted.as_deref().unwrap_or(route.template()),
                status,
                latency,
            });
        }
        Poll::Ready(answer)
    }
}
