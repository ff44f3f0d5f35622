//! What went wrong, by meaning. The server maps these to HTTP in one place.

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The cause of a storage failure: a driver's error, or a sentence when there is none.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Error)]
pub enum Error {
    /// Wrong username or password, unknown, disabled or locked account: one answer for all.
    #[error("Invalid credentials")]
    InvalidCredentials,
    /// No credential where one is needed.
    #[error("{0}")]
    MissingCredential(&'static str),
    /// A credential that is malformed, of the wrong kind, forged, or revoked.
    #[error("{0}")]
    InvalidToken(String),
    #[error("token expired")]
    TokenExpired,
    /// A credential refused for a reason of its own kind (the text says more).
    #[error("{1}")]
    Rejected(Rejection, String),
    /// A refresh token was presented a second time: its session is now revoked.
    #[error("refresh token reuse detected; the session has been revoked")]
    RefreshReuse,
    /// A valid credential without the right.
    #[error("{0}")]
    Forbidden(String),
    /// The current password given to change a password is wrong. Not `InvalidCredentials`:
    /// the bearer credential is fine, and a client must not take this for an expired token.
    #[error("the current password is wrong")]
    WrongPassword,
    /// The user must change their password first: until then their sessions may only do that.
    #[error("the password must be changed first: POST /api/v1/users/me/password")]
    PasswordChangeRequired,
    /// Input that breaks the rules.
    #[error("{0}")]
    BadRequest(String),
    /// A new password the password policy refuses, and why.
    #[error("{0}")]
    WeakPassword(#[from] crate::password_policy::WeakPassword),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The change would leave no enabled admin.
    #[error("{0}")]
    LastAdmin(String),
    /// A username kept for the API's own use (`me`).
    #[error("{0}")]
    ReservedUsername(String),
    /// The user's session limit is reached and the policy is to refuse.
    #[error("session limit reached for this user")]
    SessionLimit,
    /// The user holds as many live API keys as allowed.
    #[error("API-key limit reached for this user: revoke a key first")]
    ApiKeyLimit,
    #[error("too many requests")]
    RateLimited { retry_after: u64 },
    /// The server cannot take the work now (hashing queue full, store down).
    #[error("{0}")]
    Unavailable(String),
    /// A storage failure, holding its cause (`source()`); logged, never shown.
    #[error("storage: {0}")]
    Storage(#[source] BoxError),
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// A storage failure caused by `cause` (a driver's error, or a message).
    pub fn storage<E: Into<BoxError>>(cause: E) -> Self {
        Error::Storage(cause.into())
    }
}

/// Why a well-formed, correctly signed credential is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    NotYetValid,
    WrongAudience,
    WrongSubject,
    WrongAddress,
    Revoked,
    /// A spent refresh token was presented again; everything descended from it is revoked.
    Reused,
    /// The session reached its absolute lifetime: only a new login goes on.
    SessionEnded,
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn a_storage_error_keeps_its_cause() {
        let cause = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "connection lost");
        let err = Error::storage(cause);
        assert_eq!(err.to_string(), "storage: connection lost");
        let source = err.source().expect("a source");
        let io = source
            .downcast_ref::<std::io::Error>()
            .expect("the io error");
        assert_eq!(io.kind(), std::io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn a_storage_error_can_be_a_message() {
        let err = Error::storage("the writer has stopped");
        assert_eq!(err.to_string(), "storage: the writer has stopped");
        assert_eq!(err.source().unwrap().to_string(), "the writer has stopped");
    }
}
