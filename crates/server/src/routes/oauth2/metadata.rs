//! `GET /.well-known/oauth-authorization-server` (RFC 8414): where the endpoints are and what
//! they take, for clients that configure themselves from it.

use axum::extract::State;
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use tessera_api::oauth2::ServerMetadata;
use tessera_api::ErrorCode;

use crate::error::ApiError;
use crate::public_url::is_loopback;
use crate::state::AppState;

/// `GET /.well-known/oauth-authorization-server`
#[utoipa::path(
    get,
    path = "/.well-known/oauth-authorization-server",
    operation_id = "oauth2_metadata",
    tag = "oauth2",
    description = "Authorization server metadata (RFC 8414). The endpoints are absolute URLs \
        under `public_url`; without it, under the `issuer` setting when that is a URL, and \
        otherwise under the request's own `Host` when that is a loopback address (`localhost`, \
        `127.0.0.1`, `[::1]`: development), else 404. `issuer` is the `issuer` setting when \
        that is a URL, else that base URL. The `password` grant is listed only when \
        `oauth_password_grant` is on.",
    responses(
        (status = 200, description = "The metadata", body = ServerMetadata),
        (status = 404, description = "`not_found`: no `public_url` is configured and the request did not name a loopback host"),
    )
)]
pub async fn metadata(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ServerMetadata>, ApiError> {
    let base = match &state.public_url {
        Some(url) => url.clone(),
        None => {
            let host = headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| is_loopback(h) && h.bytes().all(|b| b.is_ascii_graphic()))
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::NOT_FOUND,
                        ErrorCode::NotFound,
                        "no public_url is configured: the server metadata is served only on a \
                         loopback address until it is",
                    )
                })?;
            let scheme = if state.web.https { "https" } else { "http" };
            format!("{scheme}://{host}")
        }
    };
    let at = |path: &str| format!("{base}{path}");
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
    let issuer = match &state.issuer_url {
        Some(url) => url.clone(),
        None => base.clone(),
    };
    Ok(Json(ServerMetadata {
        issuer,
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
    }))
}
