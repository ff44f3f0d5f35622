use axum::extract::State;
use axum::Json;
use tessera_api::HealthResponse;

use crate::state::AppState;

/// `GET /health`
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "operations",
    responses((status = 200, description = "`healthy`/`live`, or `degraded`/`down` while revocations from other instances are not arriving", body = HealthResponse))
)]
pub async fn health(State(state): State<AppState>) -> Json<HealthResponse> {
    let live = state.auth.feed_live();
    Json(HealthResponse {
        status: if live { "healthy" } else { "degraded" }.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        revocation_feed: Some(if live { "live" } else { "down" }.into()),
        clock_skew_ms: state.auth.clock_skew_ms(),
    })
}
