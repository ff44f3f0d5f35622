//! Error answers of `/oauth2/*`, as RFC 6749 section 5.2 words them:
//! `{"error", "error_description"}`, never tessera's `code`.

use axum::http::header::{PRAGMA, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tessera_api::oauth2::OAuthError;
use tessera_core::Error;

use crate::error::ApiError;

/// An error answer on `/oauth2/*`.
#[derive(Debug)]
pub struct OAuthFail {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    retry_after: Option<u64>,
}

pub type OAuthResult<T> = Result<T, OAuthFail>;

impl OAuthFail {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            retry_after: None,
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 401, with `WWW-Authenticate: Basic`.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    pub fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            description,
        )
    }

    /// A failure the grant's own mapping did not name: limits, an unavailable or failing
    /// store, input the domain refused. Through the API's one status table, so that a 5xx
    /// is logged and never shows its cause.
    pub fn other(e: Error) -> Self {
        let api = ApiError::from(e);
        let error = match api.status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                "temporarily_unavailable"
            }
            s if s.is_server_error() => "server_error",
            StatusCode::UNAUTHORIZED => "invalid_grant",
            StatusCode::FORBIDDEN => "unauthorized_client",
            _ => "invalid_request",
        };
        let status = match api.status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::CONFLICT => {
                StatusCode::BAD_REQUEST
            }
            s => s,
        };
        Self {
            status,
            error,
            description: api.message,
            retry_after: api.retry_after,
        }
    }
}

impl IntoResponse for OAuthFail {
    fn into_response(self) -> Response {
        let body = OAuthError {
            error: self.error.to_string(),
            error_description: Some(self.description),
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"tessera\""),
            );
        }
        if let Some(secs) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
