//! The one place where meaning becomes HTTP: status codes, machine codes and error bodies.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tessera_api::{ErrorBody, ErrorCode};
use tessera_core::{Error, Rejection};
use tracing::error;

/// An error answer: status, stable `code`, human `error` text.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub authenticated: Option<bool>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            authenticated: None,
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// Puts `prefix` before the text of a 401, as PlantDB words them ("Token validation
    /// failed: …"); other errors keep their text.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        if self.status == StatusCode::UNAUTHORIZED {
            self.message = format!("{prefix}{}", self.message);
        }
        self
    }

    pub fn with_authenticated(mut self, authenticated: bool) -> Self {
        self.authenticated = Some(authenticated);
        self
    }
}

/// The status-code table.
impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        use ErrorCode as C;
        use StatusCode as S;
        match e {
            Error::InvalidCredentials => Self::new(
                S::UNAUTHORIZED,
                C::InvalidCredentials,
                "Invalid credentials",
            ),
            Error::MissingCredential(m) => Self::new(S::UNAUTHORIZED, C::MissingToken, m),
            Error::InvalidToken(m) => Self::new(S::UNAUTHORIZED, C::InvalidToken, m),
            Error::TokenExpired => Self::new(S::UNAUTHORIZED, C::TokenExpired, "token expired"),
            Error::Rejected(why, m) => {
                let code = match why {
                    Rejection::NotYetValid => C::TokenNotYetValid,
                    Rejection::WrongAudience => C::WrongAudience,
                    Rejection::WrongSubject => C::WrongSubject,
                    Rejection::WrongAddress => C::WrongAddress,
                    Rejection::Revoked => C::TokenRevoked,
                    Rejection::Reused => C::RefreshTokenReused,
                    Rejection::SessionEnded => C::SessionExpired,
                };
                Self::new(S::UNAUTHORIZED, code, m)
            }
            e @ Error::RefreshReuse => {
                Self::new(S::UNAUTHORIZED, C::RefreshTokenReused, e.to_string())
            }
            Error::Forbidden(m) => Self::new(S::FORBIDDEN, C::Forbidden, m),
            e @ Error::WrongPassword => Self::new(S::FORBIDDEN, C::WrongPassword, e.to_string()),
            e @ Error::PasswordChangeRequired => {
                Self::new(S::FORBIDDEN, C::PasswordChangeRequired, e.to_string())
            }
            Error::BadRequest(m) => Self::new(S::BAD_REQUEST, C::BadRequest, m),
            Error::WeakPassword(why) => Self::new(S::BAD_REQUEST, C::WeakPassword, why.to_string()),
            Error::NotFound(m) => Self::new(S::NOT_FOUND, C::NotFound, m),
            Error::Conflict(m) => Self::new(S::CONFLICT, C::Conflict, m),
            Error::LastAdmin(m) => Self::new(S::CONFLICT, C::LastAdmin, m),
            Error::ReservedUsername(m) => Self::new(S::BAD_REQUEST, C::ReservedUsername, m),
            e @ Error::SessionLimit => Self::new(S::CONFLICT, C::SessionLimit, e.to_string()),
            e @ Error::ApiKeyLimit => Self::new(S::CONFLICT, C::ApiKeyLimit, e.to_string()),
            Error::RateLimited { retry_after } => {
                let mut err = Self::new(
                    S::TOO_MANY_REQUESTS,
                    C::RateLimited,
                    "Too many requests, retry later",
                );
                err.retry_after = Some(retry_after.max(1));
                err
            }
            Error::Unavailable(m) => {
                let mut err = Self::new(S::SERVICE_UNAVAILABLE, C::Unavailable, m);
                err.retry_after = Some(1);
                err
            }
            e @ (Error::Storage(_) | Error::Internal(_)) => {
                error!(error = %e, "request failed");
                Self::new(
                    S::INTERNAL_SERVER_ERROR,
                    C::InternalError,
                    "Internal server error",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
            code: self.code,
            authenticated: self.authenticated,
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(why: Rejection) -> Error {
        Error::Rejected(why, "x".into())
    }

    #[test]
    fn status_table_is_pinned() {
        let cases: Vec<(Error, u16, &str)> = vec![
            (Error::InvalidCredentials, 401, "invalid_credentials"),
            (Error::MissingCredential("x"), 401, "missing_token"),
            (Error::InvalidToken("x".into()), 401, "invalid_token"),
            (Error::TokenExpired, 401, "token_expired"),
            (rejected(Rejection::NotYetValid), 401, "token_not_yet_valid"),
            (rejected(Rejection::WrongAudience), 401, "wrong_audience"),
            (rejected(Rejection::WrongSubject), 401, "wrong_subject"),
            (rejected(Rejection::WrongAddress), 401, "wrong_address"),
            (rejected(Rejection::Revoked), 401, "token_revoked"),
            (rejected(Rejection::Reused), 401, "refresh_token_reused"),
            (rejected(Rejection::SessionEnded), 401, "session_expired"),
            (Error::RefreshReuse, 401, "refresh_token_reused"),
            (Error::Forbidden("x".into()), 403, "forbidden"),
            (Error::WrongPassword, 403, "wrong_password"),
            (
                Error::PasswordChangeRequired,
                403,
                "password_change_required",
            ),
            (Error::BadRequest("x".into()), 400, "bad_request"),
            (
                Error::WeakPassword(tessera_core::WeakPassword::Common),
                400,
                "weak_password",
            ),
            (Error::NotFound("x".into()), 404, "not_found"),
            (Error::Conflict("x".into()), 409, "conflict"),
            (Error::LastAdmin("x".into()), 409, "last_admin"),
            (
                Error::ReservedUsername("x".into()),
                400,
                "reserved_username",
            ),
            (Error::SessionLimit, 409, "session_limit"),
            (Error::ApiKeyLimit, 409, "apikey_limit"),
            (Error::RateLimited { retry_after: 3 }, 429, "rate_limited"),
            (Error::Unavailable("x".into()), 503, "unavailable"),
            (Error::storage("secret detail"), 500, "internal_error"),
            (
                Error::Internal("secret detail".into()),
                500,
                "internal_error",
            ),
        ];
        for (err, status, code) in cases {
            let api = ApiError::from(err);
            assert_eq!(api.status.as_u16(), status, "{code}");
            assert_eq!(api.code.as_str(), code);
            assert!(!matches!(api.code, ErrorCode::Unknown(_)), "{code}");
            assert!(!api.message.contains("secret detail"));
        }
    }

    #[test]
    fn unauthorized_and_rate_limited_carry_their_headers() {
        let r = ApiError::from(Error::TokenExpired).into_response();
        assert!(r.headers().contains_key(header::WWW_AUTHENTICATE));
        let r = ApiError::from(Error::RateLimited { retry_after: 7 }).into_response();
        assert_eq!(r.headers()[header::RETRY_AFTER], "7");
    }
}
