//! Password changes through the API: a user changing their own (with their current password),
//! and an admin's reset, which may generate the password and makes the user change it.

use tracing::info;

use super::tokens::Validated;
use super::Auth;
use crate::audit::{AuditEvent, AuditKind};
use crate::error::{Error, Result};
use crate::password_policy::MAX_PASSWORD_BYTES;
use crate::revocation_key::RevocationKey;
use crate::secret::random_b64;
use crate::store::{PasswordChange, PasswordChanged, Unchanged};
use crate::user::{normalise, Permission};

/// Random bytes of a generated password (24 base64url characters, 144 bits).
const GENERATED_BYTES: usize = 18;

/// What an admin's reset did. `Debug` leaves the password out.
pub struct PasswordReset {
    /// The password generated when none was given, to show once.
    pub generated: Option<String>,
    pub must_change_password: bool,
}

impl std::fmt::Debug for PasswordReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordReset")
            .field("generated", &self.generated.as_ref().map(|_| "<redacted>"))
            .field("must_change_password", &self.must_change_password)
            .finish()
    }
}

impl Auth {
    /// A user changes their own password: the current one must be right, the new one pass
    /// the policy. Every other session and every API key of theirs ends (their personal tokens
    /// too when `revoke_personal_tokens`); the calling session stays, and its next refresh is
    /// no longer limited to changing the password. Returns how many sessions ended.
    pub async fn change_own_password(
        &self,
        caller: &Validated,
        current: &str,
        new: &str,
        revoke_personal_tokens: bool,
    ) -> Result<usize> {
        let username = caller.username.as_str();
        self.check_password(new, username)?;
        let (user, requires) = self.caller_now(caller).await?;
        let current_ok = current.len() <= MAX_PASSWORD_BYTES
            && self
                .passwords
                .verify(current.to_string(), Some(user.password_hash.clone()))
                .await?
                .ok;
        if !current_ok {
            info!(username = %self.log.name(username), "password change refused: wrong current password");
            let refused = self
                .event(AuditKind::PasswordChanged)
                .user(username)
                .failed()
                .detail("reason", "wrong_password");
            self.store.append_audit(&[refused]).await?;
            return Err(Error::WrongPassword);
        }
        let hash = self.passwords.hash(new.to_string()).await?;
        let audit = self
            .event(AuditKind::PasswordChanged)
            .user(username)
            .detail("by", "self")
            .detail("revoke_personal_tokens", revoke_personal_tokens);
        let change = PasswordChange {
            username: username.to_string(),
            password_hash: hash,
            must_change_password: false,
            requires: Some(requires),
            revoke_personal_tokens,
            now: self.clock.now(),
        };
        let ended = self.change_password(change, audit).await?;
        let ended = ended.ok_or_else(Unchanged::broken)?;
        info!(username = %self.log.name(username), sessions = ended.sessions.len(), "password changed by its user");
        Ok(ended.sessions.len())
    }

    /// Whether the caller may reset passwords (`manage_users`), checked before the body is read.
    pub fn may_reset_passwords(&self, caller: &Validated) -> Result<()> {
        if !caller.role.has(Permission::ManageUsers) {
            return Err(Error::Forbidden(
                "resetting passwords needs the manage_users permission".into(),
            ));
        }
        Ok(())
    }

    /// An admin sets a user's password, or has one generated (which the user must change).
    /// Every session and API key of the user ends. `must_change` defaults to true; it cannot
    /// be false for a generated password.
    pub async fn reset_password(
        &self,
        caller: &Validated,
        username: &str,
        password: Option<&str>,
        must_change: Option<bool>,
    ) -> Result<PasswordReset> {
        self.may_reset_passwords(caller)?;
        let username = normalise(username);
        let (password, generated) = match password {
            Some(p) => {
                self.check_password(p, &username)?;
                (p.to_string(), false)
            }
            None if must_change == Some(false) => {
                return Err(Error::BadRequest(
                    "a generated password must be changed at the next login: give a password, \
                     or leave must_change out"
                        .into(),
                ))
            }
            None => (self.generate_password(&username), true),
        };
        let must_change = must_change.unwrap_or(true);
        let hash = self.passwords.hash(password.clone()).await?;
        let audit = self
            .event(AuditKind::PasswordChanged)
            .actor(&caller.username)
            .subject(username.clone())
            .detail("by", "admin")
            .detail("generated", generated)
            .detail("must_change", must_change);
        let change = PasswordChange {
            username: username.clone(),
            password_hash: hash,
            must_change_password: must_change,
            requires: None,
            revoke_personal_tokens: false,
            now: self.clock.now(),
        };
        if self.change_password(change, audit).await?.is_none() {
            return Err(Error::NotFound(format!("no user {username}")));
        }
        info!(username = %self.log.name(&username), by = %self.log.name(&caller.username), must_change, "password reset");
        Ok(PasswordReset {
            generated: generated.then_some(password),
            must_change_password: must_change,
        })
    }

    /// A random password the policy accepts.
    fn generate_password(&self, username: &str) -> String {
        loop {
            let candidate = random_b64(GENERATED_BYTES);
            if self.check_password(&candidate, username).is_ok() {
                return candidate;
            }
        }
    }

    /// Stores the change, then forgets what it ended here and tells the other instances (the
    /// revocation log has it for those that miss the feed).
    pub(super) async fn change_password(
        &self,
        change: PasswordChange,
        audit: AuditEvent,
    ) -> Result<Option<PasswordChanged>> {
        let now = change.now;
        let username = change.username.clone();
        let Some(ended) = self
            .store
            .change_password_audited(&change, &[audit])
            .await?
        else {
            return Ok(None);
        };
        let keys: Vec<RevocationKey> = ended
            .sessions
            .iter()
            .cloned()
            .map(RevocationKey::Session)
            .chain(ended.apikeys.iter().cloned().map(RevocationKey::ApiKey))
            .chain(ended.tokens.iter().cloned().map(RevocationKey::ScopedToken))
            .chain([RevocationKey::UserChanged(username.clone())])
            .collect();
        self.revoked_here(&keys, now).await;
        self.store.clear_login_failures(&username).await?;
        Ok(Some(ended))
    }
}
