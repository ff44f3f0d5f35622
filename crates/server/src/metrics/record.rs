//! The layer that counts every request by method, route template and status, with its latency
//! (to its answer's head). It goes in the stack `request_trace::layer` puts on the router, so
//! it adds no `Router::layer` call; per request it costs a table look-up, a clock read at each
//! end and two atomic adds.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Response;
use tower::{Layer, Service};

use super::requests::{Requests, UNMATCHED};

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
        // A latency measured for the metrics, not a time anything is decided by.
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        Recorded {
            inner: self.inner.call(req),
            requests: self.requests.clone(),
            slot,
            started,
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
            this.requests
                .at(*this.slot)
                .observe(response.status().as_u16(), this.started.elapsed());
        }
        Poll::Ready(answer)
    }
}
