//! Wire types of password changes: a user changing their own (`POST /users/me/password`) and an
//! admin's reset (`POST /users/{username}/password`).

use serde::{Deserialize, Serialize};

use crate::redacted;

/// `POST /users/me/password`. Its `Debug` hides both passwords.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1)]
    pub current_password: Option<String>,
    #[serde(default)]
    #[schema(required = true, value_type = String, min_length = 1)]
    pub new_password: Option<String>,
    /// End the user's personal tokens too (default false).
    #[serde(default)]
    pub revoke_personal_tokens: bool,
}

impl std::fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePasswordRequest")
            .field(
                "current_password",
                &format_args!("{}", redacted(&self.current_password)),
            )
            .field(
                "new_password",
                &format_args!("{}", redacted(&self.new_password)),
            )
            .field("revoke_personal_tokens", &self.revoke_personal_tokens)
            .finish()
    }
}

/// The answer of `POST /users/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordResponse {
    pub message: String,
    /// How many of the user's other sessions ended.
    pub revoked_sessions: u64,
}

/// `POST /users/{username}/password`. Its `Debug` hides the password.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResetPasswordRequest {
    /// The new password; left out, one is generated (and shown once).
    #[serde(default)]
    pub password: Option<String>,
    /// Whether the user must change the password at their next login (default true; always
    /// true for a generated password).
    #[serde(default)]
    pub must_change: Option<bool>,
}

impl std::fmt::Debug for ResetPasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetPasswordRequest")
            .field("password", &format_args!("{}", redacted(&self.password)))
            .field("must_change", &self.must_change)
            .finish()
    }
}

/// The answer of `POST /users/{username}/password`. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResetPasswordResponse {
    pub message: String,
    /// The generated password, shown this once; absent when the request gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Whether the user must change the password at their next login.
    pub must_change: bool,
}

impl std::fmt::Debug for ResetPasswordResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetPasswordResponse")
            .field("message", &self.message)
            .field("password", &format_args!("{}", redacted(&self.password)))
            .field("must_change", &self.must_change)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_password() {
        let change = ChangePasswordRequest {
            current_password: Some("old-secret-words".into()),
            new_password: Some("new-secret-words".into()),
            revoke_personal_tokens: true,
        };
        let reset = ResetPasswordResponse {
            message: "m".into(),
            password: Some("generated-secret".into()),
            must_change: true,
        };
        let shown = format!("{change:?} {reset:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn a_missing_flag_reads_as_false_and_an_absent_password_is_not_sent() {
        let req: ChangePasswordRequest = serde_json::from_str("{}").unwrap();
        assert!(!req.revoke_personal_tokens);
        let resp = ResetPasswordResponse {
            message: "m".into(),
            password: None,
            must_change: false,
        };
        assert!(!serde_json::to_string(&resp).unwrap().contains("password"));
    }
}
