//! Prometheus metrics at `GET /metrics` (outside `/api/v1`): on the main listener, or only on
//! `metrics_bind` when that is set. `requests` counts the requests (`crate::request_trace` records each), `export`
//! writes every metric; the counts of logins, refreshes, revocations, caches, the Argon2 queue
//! and the store live in `tessera_core` (`stats`).

mod export;
pub mod requests;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::registry::Registry;
use tessera_core::Auth;
use tracing::warn;

use crate::state::AppState;
pub use requests::Requests;

/// Where the metrics are served.
pub const PATH: &str = "/metrics";

/// Before the first count of live sessions.
const NOT_COUNTED: u64 = u64::MAX;

/// What the metrics read: the request table, the auth service's counts, the sampled gauges.
pub struct Metrics {
    pub requests: Arc<Requests>,
    auth: Arc<Auth>,
    live_sessions: AtomicU64,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    pub fn new(auth: Arc<Auth>) -> Self {
        Self {
            requests: Arc::default(),
            auth,
            live_sessions: AtomicU64::new(NOT_COUNTED),
        }
    }

    fn live_sessions(&self) -> Option<u64> {
        match self.live_sessions.load(Ordering::Relaxed) {
            NOT_COUNTED => None,
            n => Some(n),
        }
    }

    /// Counts the live sessions in the store (a background task does, periodically: not
    /// every request, nor every scrape).
    pub async fn count_live_sessions(&self) {
        match self.auth.count_live_sessions().await {
            Ok(n) => self.live_sessions.store(n, Ordering::Relaxed),
            Err(e) => warn!(error = %e, "cannot count live sessions"),
        }
    }

    /// Every metric, in the Prometheus text format.
    pub fn render(self: &Arc<Self>) -> String {
        let mut registry = Registry::default();
        registry.register_collector(Box::new(self.clone()));
        let mut out = String::new();
        if prometheus_text::encode(&mut out, &registry).is_err() {
            warn!("cannot encode the metrics");
        }
        out
    }
}

async fn scrape(State(state): State<AppState>) -> Response {
    let mut answer = state.metrics.render().into_response();
    answer.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(prometheus_text::CONTENT_TYPE),
    );
    answer
}

/// `GET /metrics`, for the main router.
pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(scrape))
}

/// The whole app of the `metrics_bind` listener: `/metrics`, and 404 for everything else.
pub fn app(state: AppState) -> Router {
    crate::app::with_json_errors(routes().fallback(crate::app::not_found)).with_state(state)
}
