//! The calling client of `/oauth2/*`: the credentials it presents (HTTP Basic or the form),
//! checked. A client that presents credentials must present good ones, whatever it asks.

use std::net::IpAddr;
use std::sync::Arc;

use axum::http::HeaderMap;
use tessera_core::audit::from_client;
use tessera_core::store::ClientRecord;
use tessera_core::Error;

use super::errors::{OAuthFail, OAuthResult};
use super::form::{client_credentials, OAuthForm};
use crate::state::AppState;

/// The authenticated client, `None` when the request presents no client credentials; unknown
/// credentials are `invalid_client`.
pub(super) async fn authenticated_client(
    state: &AppState,
    headers: &HeaderMap,
    form: &OAuthForm,
    ip: IpAddr,
) -> OAuthResult<Option<Arc<ClientRecord>>> {
    let Some(c) = client_credentials(headers, form)? else {
        return Ok(None);
    };
    let checked = state
        .auth
        .authenticate_client(&c.client_id, &c.client_secret, Some(ip));
    from_client(ip, checked)
        .await
        .map(Some)
        .map_err(|e| match e {
            Error::InvalidCredentials => {
                OAuthFail::invalid_client("unknown client or wrong secret")
            }
            other => OAuthFail::other(other),
        })
}
