//! The page's style sheet and script, compiled into the binary: nothing is fetched from
//! elsewhere, and there is no separate front-end build.

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;

use crate::state::AppState;

const CSS: &str = include_str!("assets/tessera.css");
const JS: &str = include_str!("assets/tessera.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/ui/assets/tessera.css",
            get(|| async { ([(CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }),
        )
        .route(
            "/ui/assets/tessera.js",
            get(|| async { ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], JS) }),
        )
}
