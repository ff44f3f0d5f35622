//! What went wrong, by meaning. The server maps these to HTTP in one place.

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    /// Input that breaks the rules.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The user's session limit is reached and the policy is to refuse.
    #[error("session limit reached for this user")]
    SessionLimit,
    #[error("too many requests")]
    RateLimited { retry_after: u64 },
    /// The server cannot take the work now (hashing queue full, store down).
    #[error("{0}")]
    Unavailable(String),
    /// A storage failure; the text is logged, never shown.
    #[error("storage: {0}")]
    Storage(String),
    #[error("internal: {0}")]
    Internal(String),
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
}
