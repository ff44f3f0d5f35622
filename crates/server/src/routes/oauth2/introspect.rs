//! `POST /oauth2/introspect` (RFC 7662), for a client with the `introspect` right or an admin.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use tessera_api::oauth2::IntrospectionResponse;
use tessera_core::auth::clients::{words, RIGHT_INTROSPECT};
use tessera_core::{Error, Role};

use super::client_auth::authenticated_client;
use super::errors::{OAuthFail, OAuthResult};
use super::form::OAuthForm;
use crate::extract::ClientIp;
use crate::state::AppState;

/// The introspection form, as the OpenAPI document shows it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct IntrospectionForm {
    /// Any credential tessera issues.
    token: String,
    /// Ignored: the token's form tells its kind.
    token_type_hint: Option<String>,
    /// `client_secret_post`; or use HTTP Basic.
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// Who may introspect: a client with the `introspect` right (HTTP Basic or the form), or an
/// admin's access token (`Authorization: Bearer`).
pub(super) async fn may_introspect(
    state: &AppState,
    ip: std::net::IpAddr,
    headers: &HeaderMap,
    form: &OAuthForm,
) -> OAuthResult<()> {
    let denied = || {
        OAuthFail::new(
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            "introspection needs a client with the introspect right, or an admin",
        )
    };
    if let Some(client) = authenticated_client(state, headers, form, ip).await? {
        return if words(&client.rights).iter().any(|r| r == RIGHT_INTROSPECT) {
            Ok(())
        } else {
            Err(denied())
        };
    }
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string());
    let Some(bearer) = bearer else {
        return Err(OAuthFail::invalid_client(
            "authenticate as a client (HTTP Basic) or with an admin's bearer token",
        ));
    };
    let caller = state
        .auth
        .validate_access(&bearer)
        .await
        .map_err(|e| match e {
            e @ (Error::Unavailable(_) | Error::Storage(_) | Error::Internal(_)) => {
                OAuthFail::other(e)
            }
            _ => OAuthFail::invalid_client("the bearer token is not valid"),
        })?;
    if caller.role == Role::Admin {
        Ok(())
    } else {
        Err(denied())
    }
}

/// `POST /oauth2/introspect`
#[utoipa::path(
    post,
    path = "/oauth2/introspect",
    operation_id = "oauth2_introspect",
    tag = "oauth2",
    description = "Token introspection (RFC 7662) for every credential tessera issues: access \
        tokens, client tokens, refresh tokens, API keys and their refresh tokens, personal and resource tokens. Anything \
        not live answers `{\"active\": false}` alone, whatever the reason. Callers: a client with \
        the `introspect` right (HTTP Basic, or `client_id` and `client_secret` in the form), or \
        an admin's access token (`Authorization: Bearer`). Served from memory like validation; \
        the store is read for refresh tokens and for what memory does not hold. `token_type` is \
        `access_token`, `client_token`, `refresh_token`, `api_key`, `api_key_refresh_token`, \
        `personal_token` or `resource_token`.",
    request_body(content = IntrospectionForm, content_type = "application/x-www-form-urlencoded"),
    security(("client_basic" = []), ("access_token" = [])),
    responses(
        (status = 200, description = "`active`, and for a live credential `token_type`, `scope`, `client_id`, `username`, `sub`, `aud`, `iss`, `exp`, `iat` where they apply", body = IntrospectionResponse),
        (status = 400, description = "`invalid_request`: not a form, no `token`, a parameter repeated", body = tessera_api::oauth2::OAuthError),
        (status = 401, description = "`invalid_client`: no or wrong client credentials, or an invalid bearer token", body = tessera_api::oauth2::OAuthError),
        (status = 403, description = "`unauthorized_client`: a client without the `introspect` right, or a bearer who is not an admin", body = tessera_api::oauth2::OAuthError),
    )
)]
pub async fn introspect(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<OAuthForm, OAuthFail>,
) -> OAuthResult<Json<IntrospectionResponse>> {
    let form = form?;
    may_introspect(&state, ip, &headers, &form).await?;
    let token = form.required("token")?;
    let Some(found) = state
        .auth
        .introspect(token)
        .await
        .map_err(OAuthFail::other)?
    else {
        return Ok(Json(IntrospectionResponse::default()));
    };
    Ok(Json(IntrospectionResponse {
        active: true,
        token_type: Some(found.token_type.to_string()),
        scope: found.scope,
        client_id: found.client_id,
        username: found.username,
        sub: found.sub,
        aud: found.aud,
        iss: found.iss,
        exp: found.exp,
        iat: found.iat,
    }))
}
