//! `POST /oauth2/revoke` (RFC 7009).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};
use tessera_core::audit::from_client;

use super::client_auth::authenticated_client;
use super::errors::{OAuthFail, OAuthResult};
use super::form::OAuthForm;
use crate::extract::ClientIp;
use crate::state::AppState;

/// The revocation form, as the OpenAPI document shows it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct RevocationForm {
    /// Any revocable credential tessera issues.
    token: String,
    /// Ignored: the token's form tells its kind.
    token_type_hint: Option<String>,
    /// `client_secret_post`; or use HTTP Basic.
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// `POST /oauth2/revoke`
#[utoipa::path(
    post,
    path = "/oauth2/revoke",
    operation_id = "oauth2_revoke",
    tag = "oauth2",
    description = "Token revocation (RFC 7009). The token is its holder's proof: an access or \
        refresh token ends its whole session (as a logout does), a client token ends alone, a \
        personal or resource token ends as its own revocation route does, an API key or its \
        refresh token ends the key with its refresh chain; on every instance, through the revocation feed. Client \
        credentials may be sent (HTTP Basic or the form) and must then be right. An unknown or \
        already ended token is answered 200 too.",
    request_body(content = RevocationForm, content_type = "application/x-www-form-urlencoded"),
    security((), ("client_basic" = [])),
    responses(
        (status = 200, description = "Revoked, or nothing to revoke", body = Object),
        (status = 400, description = "`invalid_request`: not a form, no `token`, a parameter repeated", body = tessera_api::oauth2::OAuthError),
        (status = 401, description = "`invalid_client`: wrong client credentials", body = tessera_api::oauth2::OAuthError),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<OAuthForm, OAuthFail>,
) -> OAuthResult<Json<Value>> {
    let form = form?;
    authenticated_client(&state, &headers, &form, ip).await?;
    let token = form.required("token")?;
    from_client(ip, state.auth.revoke_presented(token))
        .await
        .map_err(OAuthFail::other)?;
    Ok(Json(json!({})))
}
