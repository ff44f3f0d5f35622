//! The stable machine `code` of every error answer. A code this version does not know (from a
//! newer server) reads as [`ErrorCode::Unknown`], so it never breaks a client.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident => $wire:literal,)*) => {
        /// What went wrong, as the `code` field of an error body names it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
            /// A code this version does not know.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every code this version sends, in the order of the status table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The wire string, e.g. `invalid_token`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                    ErrorCode::Unknown(code) => code,
                }
            }

            /// Reads a wire string; never fails.
            pub fn parse(code: &str) -> Self {
                match code {
                    $($wire => ErrorCode::$variant,)*
                    other => ErrorCode::Unknown(other.to_string()),
                }
            }
        }
    };
}

error_codes! {
    /// Wrong username or password, unknown, disabled or locked user.
    InvalidCredentials => "invalid_credentials",
    /// No credential where one is needed.
    MissingToken => "missing_token",
    /// A credential that is malformed, of the wrong kind, forged or revoked.
    InvalidToken => "invalid_token",
    TokenExpired => "token_expired",
    TokenNotYetValid => "token_not_yet_valid",
    WrongAudience => "wrong_audience",
    WrongSubject => "wrong_subject",
    WrongAddress => "wrong_address",
    TokenRevoked => "token_revoked",
    /// A spent refresh token was presented again; what descends from it is revoked.
    RefreshTokenReused => "refresh_token_reused",
    /// The session reached its absolute lifetime (`session_absolute_seconds`): log in again.
    SessionExpired => "session_expired",
    Forbidden => "forbidden",
    /// The current password given to change a password is wrong (403, not 401: the bearer
    /// credential is fine, and refreshing it would not help).
    WrongPassword => "wrong_password",
    /// The user must change their password before anything else: their session may only call
    /// `POST /users/me/password` (and log out).
    PasswordChangeRequired => "password_change_required",
    BadRequest => "bad_request",
    /// A new password the password policy refuses (too short, common, or holding the
    /// username); the `error` text says which.
    WeakPassword => "weak_password",
    NotFound => "not_found",
    /// A query parameter a route does not take, or one given twice.
    UnknownParameter => "unknown_parameter",
    /// A query parameter whose value cannot be read (an unknown event, a malformed time, a
    /// limit out of range).
    InvalidParameter => "invalid_parameter",
    /// A `cursor` the server did not give.
    InvalidCursor => "invalid_cursor",
    MethodNotAllowed => "method_not_allowed",
    Conflict => "conflict",
    /// The change would leave no enabled admin (deleting, disabling or demoting the last one).
    LastAdmin => "last_admin",
    /// A username kept for the API's own use (`me`).
    ReservedUsername => "reserved_username",
    SessionLimit => "session_limit",
    /// The user holds as many live API keys as `apikey_max_per_user` allows.
    ApiKeyLimit => "apikey_limit",
    PayloadTooLarge => "payload_too_large",
    UnsupportedMediaType => "unsupported_media_type",
    /// The request's body stopped arriving for too long.
    RequestTimeout => "request_timeout",
    RateLimited => "rate_limited",
    InternalError => "internal_error",
    Unavailable => "unavailable",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        Self::parse(code)
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::parse(&code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_their_snake_case_strings_both_ways() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(&serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        assert_eq!(
            serde_json::to_string(&ErrorCode::RefreshTokenReused).unwrap(),
            "\"refresh_token_reused\""
        );
    }

    #[test]
    fn an_unknown_code_is_kept_not_refused() {
        let code: ErrorCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown("quota_exceeded".into()));
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"quota_exceeded\"");
    }
}
