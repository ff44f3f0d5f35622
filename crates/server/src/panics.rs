//! A handler that panics is answered with a 500 in the API's error body (the panic's message
//! goes to the log by the panic hook, never to the client); the server carries on.
//!
//! The answer keeps the route's own body type: no body is boxed again on its way out.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{Response, StatusCode};
use axum::response::IntoResponse;
use tessera_api::ErrorCode;
use tower::{Layer, Service};
use tracing::error;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, Default)]
pub struct CatchPanicLayer;

impl<S> Layer<S> for CatchPanicLayer {
    type Service = CatchPanic<S>;

    fn layer(&self, inner: S) -> CatchPanic<S> {
        CatchPanic(inner)
    }
}

#[derive(Debug, Clone)]
pub struct CatchPanic<S>(S);

impl<S, R> Service<R> for CatchPanic<S>
where
    S: Service<R, Response = Response<Body>>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Caught<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        match catch_unwind(AssertUnwindSafe(|| self.0.call(request))) {
            Ok(future) => Caught::Running { future },
            Err(_) => Caught::Panicked,
        }
    }
}

pin_project_lite::pin_project! {
    /// The route's answer, or the 500 if it panicked.
    #[project = State]
    pub enum Caught<F> {
        Running { #[pin] future: F },
        Panicked,
    }
}

impl<F, E> Future for Caught<F>
where
    F: Future<Output = Result<Response<Body>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.project() {
            State::Running { future } => match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                Ok(answer) => answer,
                Err(_) => Poll::Ready(Ok(answer_panic())),
            },
            State::Panicked => Poll::Ready(Ok(answer_panic())),
        }
    }
}

fn answer_panic() -> Response<Body> {
    error!("a request handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::InternalError,
        "Internal server error",
    )
    .into_response()
}
