use axum::extract::State;
use axum::Json;
use tessera_api::HealthResponse;

use crate::state::AppState;

pub async fn health(State(state): State<AppState>) -> Json<HealthResponse> {
    let live = state.auth.feed_live();
    Json(HealthResponse {
        status: if live { "healthy" } else { "degraded" }.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        revocation_feed: Some(if live { "live" } else { "down" }.into()),
        clock_skew_ms: state.auth.clock_skew_ms(),
    })
}
