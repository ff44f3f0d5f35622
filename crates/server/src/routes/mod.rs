//! The HTTP routes under `/api/v1`.

mod auth;
mod health;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/auth/login", get(auth::check_username).post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/register", post(auth::register))
        .route("/auth/token/validation", post(auth::validate))
        .route("/auth/token/refresh", post(auth::refresh))
}
