//! Request extractors whose rejections use the API's error body.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use tessera_api::ErrorCode;
use tessera_core::{Error, Validated};

use crate::error::ApiError;
use crate::state::AppState;

/// The credential of `Authorization: Bearer <token>`; the scheme is case-insensitive and may be
/// left out. `None` when there is no (or an empty) token.
pub struct Bearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(raw) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Bearer(None));
        };
        let raw = raw
            .to_str()
            .map_err(|_| {
                ApiError::unauthorized(ErrorCode::InvalidToken, "malformed Authorization header")
            })?
            .trim();
        let token = match raw.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            Some(_) => {
                return Err(ApiError::unauthorized(
                    ErrorCode::InvalidToken,
                    "unsupported authorization scheme",
                ))
            }
            None if raw.eq_ignore_ascii_case("bearer") => "",
            None => raw,
        };
        Ok(Bearer((!token.is_empty()).then(|| token.to_string())))
    }
}

/// The user of the request's bearer access token: 401 without one (`missing_token`) or with
/// one that does not validate. Take `Result<AuthUser, ApiError>` to word the refusal.
pub struct AuthUser(pub Validated);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
        let token = token.ok_or(Error::MissingCredential("missing token"))?;
        Ok(AuthUser(state.auth.validate_access(&token).await?))
    }
}

/// The request's `User-Agent`, as sent (bytes that are not UTF-8 replaced); `None` without one.
/// The domain makes it printable and caps it before keeping it.
pub struct UserAgent(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for UserAgent {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(UserAgent(parts.headers.get(USER_AGENT).map(|v| {
            String::from_utf8_lossy(v.as_bytes()).into_owned()
        })))
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy — what
/// `X-Forwarded-For` says (see [`crate::forwarded`]).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(crate::forwarded::client_ip(
            peer,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

/// A JSON object body. Malformed JSON, `null` or a non-object is a 400; a non-JSON content type
/// is a 415. With `LENIENT`, a missing, empty or malformed body reads as `{}` (for POST routes
/// that take no input).
pub struct JsonObject<T, const LENIENT: bool = false>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync, const LENIENT: bool> FromRequest<S>
    for JsonObject<T, LENIENT>
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| {
                let ct = ct
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                ct == "application/json" || ct.ends_with("+json")
            });
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                    "Request body too large",
                )
            } else if crate::timeouts::is_body_timeout(&e) {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    ErrorCode::RequestTimeout,
                    "The request body stopped arriving",
                )
            } else {
                ApiError::bad_request("could not read the request body")
            }
        })?;
        if LENIENT {
            let value = serde_json::from_slice::<T>(&bytes).unwrap_or_default();
            return Ok(JsonObject(value));
        }
        if json_type == Some(false) && !bytes.is_empty() {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Content-Type must be application/json",
            ));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("a JSON object body is required"));
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| ApiError::bad_request("malformed JSON body"))?;
        if !value.is_object() {
            return Err(ApiError::bad_request("the JSON body must be an object"));
        }
        serde_json::from_value(value)
            .map(JsonObject)
            .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
    }
}
