//! Changing a password and ending what the old one opened, in one transaction.

use async_trait::async_trait;

use super::Unchanged;
use crate::audit::AuditEvent;
use crate::error::Result;
use crate::Timestamp;

/// A new password for a user. `Debug` leaves the hash out.
#[derive(Clone)]
pub struct PasswordChange {
    pub username: String,
    pub password_hash: String,
    /// The flag the user is left with: set by an admin's reset, cleared by the user's change.
    pub must_change_password: bool,
    /// For a user changing their own password: their stamp (read when their current password
    /// was checked) must be unchanged and the session they call with live. That session stays;
    /// every other ends. Without it, every session of the user ends.
    pub requires: Option<Unchanged>,
    /// Whether the user's personal tokens end too.
    pub revoke_personal_tokens: bool,
    pub now: Timestamp,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChange")
            .field("username", &self.username)
            .field("must_change_password", &self.must_change_password)
            .field("requires", &self.requires)
            .field("revoke_personal_tokens", &self.revoke_personal_tokens)
            .finish_non_exhaustive()
    }
}

/// What a password change ended, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordChanged {
    pub sessions: Vec<String>,
    pub apikeys: Vec<String>,
    pub tokens: Vec<String>,
}

#[async_trait]
pub trait PasswordStore: Send + Sync {
    /// In one transaction: sets the password hash and the flag, bumps the security stamp,
    /// records the user as changed (so every instance forgets their cached profile), revokes
    /// the user's sessions (but the one `requires` names) and API keys, and their personal
    /// tokens when asked, each revocation in the revocation log; and appends `audit`.
    /// `Ok(None)` when there is no such user; [`Unchanged::broken`] when `requires` does not
    /// hold (then nothing changed).
    async fn change_password_audited(
        &self,
        change: &PasswordChange,
        audit: &[AuditEvent],
    ) -> Result<Option<PasswordChanged>>;
}
