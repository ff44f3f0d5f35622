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

/// `path` under `/api/v1`.
fn at(path: &str) -> String {
    format!("{}{path}", tessera_api::API_PREFIX)
}

/// Every route, at its full path: a nested router would strip the prefix from every
/// request (rebuilding its URI) before handling it.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(&at("/health"), get(health::health))
        .route(
            &at("/auth/login"),
            get(auth::check_username).post(auth::login),
        )
        .route(&at("/auth/logout"), post(auth::logout))
        .route(&at("/auth/register"), post(auth::register))
        .route(&at("/auth/token/validation"), post(auth::validate))
        .route(&at("/auth/token/refresh"), post(auth::refresh))
        .route(
            &at("/auth/apikeys"),
            get(apikeys::list).post(apikeys::create),
        )
        .route(&at("/auth/apikeys/verify"), post(apikeys::verify))
        .route(&at("/auth/apikeys/refresh"), post(apikeys::refresh))
        .route(&at("/auth/apikeys/revoke-all"), post(apikeys::revoke_all))
        .route(&at("/auth/apikeys/{id}"), delete(apikeys::revoke))
        .route(
            &at("/auth/token/create-api-token"),
            post(tokens::create_api_token),
        )
        .route(&at("/auth/tokens"), get(tokens::list))
        .route(&at("/auth/tokens/{id}"), delete(tokens::revoke))
        .route(
            &at("/resources"),
            get(resources::list).post(resources::create),
        )
        .route(
            &at("/resources/{name}/maintainers"),
            post(resources::add_maintainer),
        )
        .route(
            &at("/resources/{name}/maintainers/{username}"),
            delete(resources::remove_maintainer),
        )
        .route(
            &at("/resources/{name}/tokens"),
            get(resource_tokens::list).post(resource_tokens::create),
        )
        .route(
            &at("/resources/{name}/tokens/{id}"),
            delete(resource_tokens::revoke).patch(resource_tokens::describe),
        )
}
