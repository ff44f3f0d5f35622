//! `GET /.well-known/jwks.json`: the public keys that verify tessera's JWTs.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

use crate::state::AppState;

/// `GET /.well-known/jwks.json`
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "standard",
    responses((
        status = 200,
        description = "The public keys (RFC 7517, Ed25519 as RFC 8037) of every key that may have signed a live token, and of a key about to sign (published one `max-age` before it signs); HS512 keys are never listed. `Cache-Control: max-age=<jwks_max_age_seconds>`",
        body = tessera_api::keys::JwkSet,
        headers(("Cache-Control" = String, description = "`public, max-age=<seconds>`"))
    ))
)]
pub async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    let max_age = state.auth.key_policy().jwks_max_age;
    (
        [(header::CACHE_CONTROL, format!("public, max-age={max_age}"))],
        Json(state.auth.jwks()),
    )
}
