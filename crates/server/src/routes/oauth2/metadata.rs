//! `GET /.well-known/oauth-authorization-server` (RFC 8414): where the endpoints are and what
//! they take, for clients that configure themselves from it.

use axum::extract::State;
use axum::http::header::HOST;
use axum::http::HeaderMap;
use axum::Json;
use tessera_api::oauth2::ServerMetadata;

use crate::state::AppState;

/// `GET /.well-known/oauth-authorization-server`
#[utoipa::path(
    get,
    path = "/.well-known/oauth-authorization-server",
    operation_id = "oauth2_metadata",
    tag = "oauth2",
    description = "Authorization server metadata (RFC 8414). `issuer` is the `iss` of tessera's \
        tokens (`issuer`); the endpoints are absolute URLs on the host the request named. The \
        `password` grant is listed only when `oauth_password_grant` is on.",
    responses(
        (status = 200, description = "The metadata", body = ServerMetadata),
    )
)]
pub async fn metadata(State(state): State<AppState>, headers: HeaderMap) -> Json<ServerMetadata> {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    let scheme = if state.web.https { "https" } else { "http" };
    let at = |path: &str| format!("{scheme}://{host}{path}");
    let mut grants = vec![
        "client_credentials".to_string(),
        "refresh_token".to_string(),
    ];
    if state.oauth_password_grant {
        grants.push("password".into());
    }
    let methods = || {
        vec![
            "client_secret_basic".to_string(),
            "client_secret_post".to_string(),
        ]
    };
    Json(ServerMetadata {
        issuer: state.auth.issuer().to_string(),
        token_endpoint: at("/oauth2/token"),
        introspection_endpoint: at("/oauth2/introspect"),
        revocation_endpoint: at("/oauth2/revoke"),
        jwks_uri: at("/.well-known/jwks.json"),
        grant_types_supported: grants,
        response_types_supported: vec![],
        token_endpoint_auth_methods_supported: methods(),
        introspection_endpoint_auth_methods_supported: methods(),
        revocation_endpoint_auth_methods_supported: methods(),
        access_token_signing_alg_values_supported: state
            .auth
            .signing_algorithms()
            .iter()
            .map(|a| a.to_string())
            .collect(),
    })
}
