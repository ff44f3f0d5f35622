//! The web page at `/ui/`: people see and end their sessions, manage their tokens, API keys
//! and resources, and admins their users, in a browser. Server-rendered (templates compiled
//! into the binary, assets embedded), working without JavaScript; its handlers call the same
//! domain functions as the JSON routes.
//!
//! The browser holds its session in `HttpOnly`, `SameSite=Strict` cookies (see [`cookies`]);
//! every state-changing form carries a token derived from the session, and its `Origin` is
//! checked (see [`forms`]).

mod account;
mod admin_audit;
mod admin_users;
mod apikeys;
mod assets;
mod cookies;
mod forms;
mod headers;
mod login;
mod page;
mod refresher;
mod resources;
mod session;
mod sessions;
mod tokens;
mod transport;

use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub use refresher::Refresher;

/// What the page keeps beside the API's state.
#[derive(Default)]
pub struct WebState {
    /// tessera serves HTTPS itself.
    pub https: bool,
    pub refresher: Refresher,
}

/// Where the page lives.
pub const ROOT: &str = "/ui/";

/// The page's routes: `/` redirects to `/ui/`.
pub fn router(state: AppState) -> Router<AppState> {
    let signed_in = Router::new()
        .route("/ui/", get(|| async { Redirect::to("/ui/account") }))
        .route("/ui/account", get(account::show))
        .route("/ui/account/profile", post(account::profile))
        .route("/ui/account/password", post(account::password))
        .route("/ui/logout", post(login::logout))
        .route("/ui/sessions", get(sessions::show))
        .route("/ui/sessions/end-others", post(sessions::end_others))
        .route("/ui/sessions/{id}/end", post(sessions::end))
        .route("/ui/tokens", get(tokens::show).post(tokens::create))
        .route("/ui/tokens/{id}/revoke", post(tokens::revoke))
        .route("/ui/apikeys", get(apikeys::show))
        .route("/ui/apikeys/revoke-all", post(apikeys::revoke_all))
        .route("/ui/apikeys/{id}/revoke", post(apikeys::revoke))
        .route("/ui/resources", get(resources::list))
        .route("/ui/resources/{name}", get(resources::show))
        .route("/ui/resources/{name}/tokens", post(resources::generate))
        .route("/ui/resources/{name}/tokens/{id}", get(resources::token))
        .route(
            "/ui/resources/{name}/tokens/{id}/description",
            post(resources::describe),
        )
        .route(
            "/ui/resources/{name}/tokens/{id}/delete",
            post(resources::delete),
        )
        .route(
            "/ui/resources/{name}/maintainers",
            post(resources::add_maintainer),
        )
        .route(
            "/ui/resources/{name}/maintainers/{username}/remove",
            post(resources::remove_maintainer),
        )
        .route(
            "/ui/admin/users",
            get(admin_users::show).post(admin_users::create),
        )
        .route("/ui/admin/users/{username}/role", post(admin_users::role))
        .route(
            "/ui/admin/users/{username}/disabled",
            post(admin_users::disabled),
        )
        .route(
            "/ui/admin/users/{username}/sessions",
            post(admin_users::end_sessions),
        )
        .route(
            "/ui/admin/users/{username}/delete",
            post(admin_users::delete),
        )
        .route("/ui/admin/audit", get(admin_audit::show))
        .route("/ui/alive", get(session::alive))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::require,
        ));
    let open = Router::new()
        .route("/ui/login", get(login::show).post(login::submit))
        .route("/ui", get(|| async { Redirect::to(ROOT) }))
        .route("/", get(|| async { Redirect::to(ROOT) }))
        .route("/ui/{*rest}", get(page::not_found));
    signed_in
        .merge(open)
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            transport::check,
        ))
        .merge(assets::router())
        .layer(axum::middleware::map_response(headers::secure))
}
