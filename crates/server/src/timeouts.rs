//! Time limits on a request once its headers are in: a body that sends nothing for
//! `body_timeout` is refused with 408 `request_timeout`; a request not answered within
//! `request_timeout` gets 503 `unavailable`. Both in the API's JSON error body (the request
//! timeout's bare status is dressed by `app::json_errors`, the body timeout's is the body
//! extractor's).
//! (The time to send the headers themselves is the connection's: see `connections`.)
//!
//! A timer is armed only once the request (or its body) has to wait: most requests are answered
//! in their first poll, and a timer armed and cancelled on each would cost every one of them two
//! passes through the runtime's timer wheel.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{Request, Response, StatusCode};
use hyper::body::{Frame, SizeHint};
use tokio::time::{sleep, Sleep};
use tower::{Layer, Service};

/// The request timeout outside the body timeout, as one layer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    body: Duration,
    request: Duration,
}

pub fn layers(body_timeout: Duration, request_timeout: Duration) -> Timeouts {
    Timeouts {
        body: body_timeout,
        request: request_timeout,
    }
}

impl<S> Layer<S> for Timeouts {
    type Service = Timed<S>;

    fn layer(&self, inner: S) -> Timed<S> {
        Timed {
            inner,
            limits: *self,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Timed<S> {
    inner: S,
    limits: Timeouts,
}

impl<S, B> Service<Request<Body>> for Timed<S>
where
    S: Service<Request<Body>, Response = Response<B>>,
    B: Default,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Answer<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let body = self.limits.body;
        let req = req.map(|b| Body::new(TimedBody::new(b, body)));
        Answer {
            inner: self.inner.call(req),
            timeout: self.limits.request,
            timer: None,
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer to a request, or 503 once it waited `timeout` in all.
    pub struct Answer<F> {
        #[pin]
        inner: F,
        timeout: Duration,
        // Armed at the first poll that finds the answer not ready.
        timer: Option<Pin<Box<Sleep>>>,
    }
}

impl<F, B, E> Future for Answer<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if let Poll::Ready(answer) = this.inner.poll(cx) {
            return Poll::Ready(answer);
        }
        let timeout = *this.timeout;
        let timer = this.timer.get_or_insert_with(|| Box::pin(sleep(timeout)));
        ready!(timer.as_mut().poll(cx));
        let mut answer = Response::new(B::default());
        *answer.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        Poll::Ready(Ok(answer))
    }
}

/// A request body that fails with [`BodyTimeout`] when it sends nothing for `timeout`.
struct TimedBody {
    body: Body,
    timeout: Duration,
    /// Armed when a frame is not ready; dropped when one arrives.
    timer: Option<Pin<Box<Sleep>>>,
}

impl TimedBody {
    fn new(body: Body, timeout: Duration) -> Self {
        Self {
            body,
            timeout,
            timer: None,
        }
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            this.timer = None;
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let timeout = this.timeout;
        let timer = this.timer.get_or_insert_with(|| Box::pin(sleep(timeout)));
        ready!(timer.as_mut().poll(cx));
        Poll::Ready(Some(Err(Box::new(BodyTimeout))))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A request body sent nothing for the body timeout.
#[derive(Debug)]
pub struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body sent nothing within the body timeout")
    }
}

impl std::error::Error for BodyTimeout {}

/// Whether reading a body failed because it sent nothing for too long.
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<BodyTimeout>() {
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
        let first = stream::iter([Ok::<_, std::io::Error>(Bytes::from("{\"a\":"))]);
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
