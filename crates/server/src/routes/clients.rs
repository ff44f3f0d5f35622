//! `/clients`: service clients (confidential OAuth 2.0 clients), managed by admins.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tessera_api::clients::{
    ClientCreated, ClientInfo, ClientList, ClientSecret, CreateClientRequest,
};
use tessera_api::MessageResponse;
use tessera_core::audit::from_client;
use tessera_core::auth::clients::words;
use tessera_core::auth::Caller;
use tessera_core::iso8601;
use tessera_core::store::ClientRecord;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, JsonObject};
use crate::state::AppState;

/// A client as the API shows it.
pub(crate) fn info(c: &ClientRecord) -> ClientInfo {
    ClientInfo {
        client_id: c.client_id.clone(),
        name: c.name.clone(),
        scopes: words(&c.scopes),
        rights: words(&c.rights),
        created_at: iso8601::format(c.created_at),
        last_used_at: c.last_used_at.map(iso8601::format),
    }
}

/// `GET /clients`
#[utoipa::path(
    get,
    path = "/api/v1/clients",
    operation_id = "list_clients",
    tag = "clients",
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "Every service client, oldest first", body = ClientList),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the caller is not an admin"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(caller): AuthUser,
) -> ApiResult<Json<ClientList>> {
    let clients = state.auth.list_clients(Caller::User(&caller)).await?;
    Ok(Json(ClientList {
        clients: clients.iter().map(info).collect(),
    }))
}

/// `POST /clients`: the only answer that shows the secret.
#[utoipa::path(
    post,
    path = "/api/v1/clients",
    operation_id = "create_client",
    tag = "clients",
    request_body = CreateClientRequest,
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 201, description = "The client and its secret, shown only here", body = ClientCreated),
        (status = 400, description = "`bad_request`: no or an invalid name, a scope that is not an RFC 6749 scope token, an unknown right"),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the caller is not an admin"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    body: Result<JsonObject<CreateClientRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<ClientCreated>)> {
    state.auth.may_manage_clients_as(Caller::User(&caller))?;
    let JsonObject(req) = body?;
    let creating = state.auth.create_client(
        Caller::User(&caller),
        req.name.as_deref().unwrap_or(""),
        req.scopes.as_deref().unwrap_or(&[]),
        req.rights.as_deref().unwrap_or(&[]),
    );
    let created = from_client(ip, creating).await?;
    let shown = info(&created.client);
    Ok((
        StatusCode::CREATED,
        Json(ClientCreated {
            message: format!("Client {} created", shown.client_id),
            client_secret: created.secret.plain,
            client_id: shown.client_id,
            name: shown.name,
            scopes: shown.scopes,
            rights: shown.rights,
            created_at: shown.created_at,
        }),
    ))
}

/// `POST /clients/{client_id}/secret`: a new secret; the old one and its tokens end.
#[utoipa::path(
    post,
    path = "/api/v1/clients/{client_id}/secret",
    operation_id = "rotate_client_secret",
    tag = "clients",
    description = "Replaces the client's secret. The old secret stops working at once, and every \
        token the client got with it ends on every instance. The body is not read.",
    params(("client_id" = String, Path, description = "The client")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "The new secret, shown only here", body = ClientSecret),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the caller is not an admin"),
        (status = 404, description = "`not_found`: no such client"),
    )
)]
pub async fn rotate_secret(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(client_id): Path<String>,
) -> ApiResult<Json<ClientSecret>> {
    let rotating = state
        .auth
        .rotate_client_secret(Caller::User(&caller), &client_id);
    let secret = from_client(ip, rotating).await?;
    Ok(Json(ClientSecret {
        message: format!("Client {client_id} has a new secret; the old one has ended"),
        client_secret: secret.plain,
    }))
}

/// `DELETE /clients/{client_id}`: the client and every token it got end.
#[utoipa::path(
    delete,
    path = "/api/v1/clients/{client_id}",
    operation_id = "remove_client",
    tag = "clients",
    params(("client_id" = String, Path, description = "The client")),
    security(("access_token" = []), ("bare_token" = [])),
    responses(
        (status = 200, description = "Removed; its tokens end on every instance", body = MessageResponse),
        (status = 401, description = "`missing_token`, `invalid_token`, `token_expired`, `token_revoked`"),
        (status = 403, description = "`forbidden`: the caller is not an admin"),
        (status = 404, description = "`not_found`: no such client"),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AuthUser(caller): AuthUser,
    Path(client_id): Path<String>,
) -> ApiResult<Json<MessageResponse>> {
    let removing = state.auth.remove_client(Caller::User(&caller), &client_id);
    from_client(ip, removing).await?;
    Ok(Json(MessageResponse {
        message: format!("Client {client_id} removed"),
    }))
}
