use tessera_api::ErrorCode;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The server answered with an error; `code` is `None` when the body was not the API's
    /// error body.
    #[error("{status} {}: {message}", code.as_ref().map_or("", ErrorCode::as_str))]
    Api {
        status: u16,
        code: Option<ErrorCode>,
        message: String,
    },
    /// An OAuth 2.0 endpoint refused (RFC 6749 section 5.2): `error` is its code
    /// (`invalid_client`, `invalid_grant`, ...).
    #[error("{status} {error}: {description}")]
    OAuth {
        status: u16,
        error: String,
        description: String,
    },
    #[error("not logged in")]
    NotLoggedIn,
    #[error("unexpected response: {0}")]
    Decode(String),
}

impl ClientError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `error` text of the server's answer.
    pub fn message(&self) -> Option<&str> {
        match self {
            ClientError::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The error's `code`, for matching: `err.code() == Some(ErrorCode::TokenExpired)`.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { code, .. } => code.clone(),
            _ => None,
        }
    }

    /// Whether a refreshed access token may cure it: the access token was refused (expired,
    /// revoked, unreadable), or was issued while the user had to change their password (which
    /// may be changed since). A code this version does not know counts when it came with 401.
    pub fn refresh_may_help(&self) -> bool {
        match self.code() {
            Some(
                ErrorCode::TokenExpired
                | ErrorCode::InvalidToken
                | ErrorCode::MissingToken
                | ErrorCode::PasswordChangeRequired,
            ) => true,
            Some(ErrorCode::Unknown(_)) | None => self.status() == Some(401),
            Some(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: Option<ErrorCode>) -> ClientError {
        ClientError::Api {
            status,
            code,
            message: "m".into(),
        }
    }

    #[test]
    fn refresh_is_tried_for_a_refused_access_token_only() {
        assert!(api(401, Some(ErrorCode::TokenExpired)).refresh_may_help());
        assert!(api(401, Some(ErrorCode::InvalidToken)).refresh_may_help());
        assert!(api(401, Some(ErrorCode::Unknown("new".into()))).refresh_may_help());
        assert!(api(401, None).refresh_may_help());
        assert!(!api(403, Some(ErrorCode::Forbidden)).refresh_may_help());
        assert!(!api(403, Some(ErrorCode::WrongPassword)).refresh_may_help());
        assert!(api(403, Some(ErrorCode::PasswordChangeRequired)).refresh_may_help());
        assert!(!api(401, Some(ErrorCode::InvalidCredentials)).refresh_may_help());
        assert!(!api(502, None).refresh_may_help());
        assert_eq!(
            api(401, Some(ErrorCode::TokenExpired)).to_string(),
            "401 token_expired: m"
        );
    }
}
