//! The HTTP routes under `/api/v1`.
//!
//! How to add a route: give the handler a `#[utoipa::path(...)]` (method, full path, tag,
//! parameters, request body, every answer it gives, and `security` when it takes a credential)
//! and register it in [`api`] with `.routes(routes!(module::handler))`: that one line puts it in
//! the router and in the OpenAPI document (`GET /api/v1/openapi.json`). Never add a JSON route
//! with a bare `.route(...)`: the e2e test `openapi` fails for a route the document lacks.

mod apikeys;
mod audit;
mod auth;
mod clients;
mod health;
mod jwks;
mod list_query;
mod oauth2;
mod passwords;
mod resource_tokens;
mod resources;
mod sessions;
mod tokens;
mod users;
mod users_me;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub(crate) use audit::entry as audit_entry;

/// Every route with its OpenAPI operation, at its full path: a nested router would strip the
/// prefix from every request (rebuilding its URI) before handling it.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .routes(routes!(health::health))
        .routes(routes!(jwks::jwks))
        .routes(routes!(audit::list))
        .routes(routes!(crate::openapi::serve))
        .routes(routes!(auth::check_username, auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::register))
        .routes(routes!(auth::validate))
        .routes(routes!(auth::refresh))
        .routes(routes!(apikeys::list, apikeys::create))
        .routes(routes!(apikeys::verify))
        .routes(routes!(apikeys::refresh))
        .routes(routes!(apikeys::revoke_all))
        .routes(routes!(apikeys::revoke))
        .routes(routes!(sessions::list))
        .routes(routes!(sessions::revoke))
        .routes(routes!(sessions::revoke_others))
        .routes(routes!(sessions::list_of_user))
        .routes(routes!(sessions::revoke_all_of_user))
        .routes(routes!(tokens::create_api_token))
        .routes(routes!(tokens::list))
        .routes(routes!(tokens::revoke))
        .routes(routes!(resources::list, resources::create))
        .routes(routes!(resources::add_maintainer))
        .routes(routes!(resources::remove_maintainer))
        .routes(routes!(resource_tokens::list, resource_tokens::create))
        .routes(routes!(resource_tokens::revoke, resource_tokens::describe))
        .routes(routes!(clients::list, clients::create))
        .routes(routes!(clients::rotate_secret))
        .routes(routes!(clients::remove))
        .routes(routes!(oauth2::token::token))
        .routes(routes!(oauth2::introspect::introspect))
        .routes(routes!(oauth2::revoke::revoke))
        .routes(routes!(oauth2::metadata::metadata))
        .routes(routes!(passwords::change_own))
        .routes(routes!(passwords::reset))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users_me::me, users_me::update_me))
        .routes(routes!(users::read, users::update, users::delete))
}

/// The routes of [`api`], without their document.
pub fn router() -> Router<AppState> {
    api().into()
}
