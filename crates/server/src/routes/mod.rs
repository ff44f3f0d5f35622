//! The HTTP routes under `/api/v1`.

mod apikeys;
mod auth;
mod health;
mod resource_tokens;
mod resources;
mod tokens;

use axum::routing::{delete, get, post};
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
        .route("/auth/apikeys", get(apikeys::list).post(apikeys::create))
        .route("/auth/apikeys/verify", post(apikeys::verify))
        .route("/auth/apikeys/refresh", post(apikeys::refresh))
        .route("/auth/apikeys/revoke-all", post(apikeys::revoke_all))
        .route("/auth/apikeys/{id}", delete(apikeys::revoke))
        .route(
            "/auth/token/create-api-token",
            post(tokens::create_api_token),
        )
        .route("/auth/tokens", get(tokens::list))
        .route("/auth/tokens/{id}", delete(tokens::revoke))
        .route("/resources", get(resources::list).post(resources::create))
        .route(
            "/resources/{name}/maintainers",
            post(resources::add_maintainer),
        )
        .route(
            "/resources/{name}/maintainers/{username}",
            delete(resources::remove_maintainer),
        )
        .route(
            "/resources/{name}/tokens",
            get(resource_tokens::list).post(resource_tokens::create),
        )
        .route(
            "/resources/{name}/tokens/{id}",
            delete(resource_tokens::revoke).patch(resource_tokens::describe),
        )
}
