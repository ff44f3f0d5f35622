//! Creating and changing users.

use tracing::info;

use super::tokens::Validated;
use super::Auth;
use crate::audit::{AuditEvent, AuditKind};
use crate::error::{Error, Result};
use crate::password_policy;
use crate::revocation_key::RevocationKey;
use crate::store::ApiKeyRevokeReason;
use crate::store::{NewUser, PasswordChange, RevokeReason};
use crate::user::{Permission, Role, Username};

pub(super) fn check_fullname(fullname: &str) -> Result<String> {
    let fullname = fullname.trim();
    if fullname.is_empty() || fullname.chars().count() > 200 {
        return Err(Error::BadRequest(
            "fullname must be 1 to 200 characters".into(),
        ));
    }
    crate::text::check_printable("fullname", fullname)?;
    Ok(fullname.to_string())
}

impl Auth {
    /// Checks a new password of `username` against the configured policy.
    pub fn check_password(&self, password: &str, username: &str) -> Result<()> {
        password_policy::check(password, username, &self.settings.password_policy)?;
        Ok(())
    }

    /// Whether the caller may register users (`manage_users`), checked before the body is read.
    pub fn may_register(&self, caller: &Validated) -> Result<()> {
        if !caller.role.has(Permission::ManageUsers) {
            return Err(Error::Forbidden(
                "registering users needs the manage_users permission".into(),
            ));
        }
        Ok(())
    }

    /// Registration through the API: the caller needs `manage_users`; new users are readers.
    pub async fn register(
        &self,
        caller: &Validated,
        username: &str,
        fullname: &str,
        password: &str,
    ) -> Result<Username> {
        self.may_register(caller)?;
        let username = Username::parse_new(username)?;
        self.check_password(password, username.as_str())?;
        let hash = self.passwords.hash(password.to_string()).await?;
        let audit = self.event(AuditKind::UserCreated).actor(&caller.username);
        self.insert_user(&username, fullname, hash, Role::Reader, false, audit)
            .await?;
        info!(username = %self.log.name(&username), by = %self.log.name(&caller.username), "user registered");
        Ok(username)
    }

    /// Registration without a credential, when `open_registration` is on: a reader.
    pub async fn register_open(
        &self,
        username: &str,
        fullname: &str,
        password: &str,
    ) -> Result<Username> {
        if !self.settings.open_registration {
            return Err(Error::Forbidden("registration is for admins only".into()));
        }
        let username = Username::parse_new(username)?;
        self.check_password(password, username.as_str())?;
        let hash = self.passwords.hash(password.to_string()).await?;
        let audit = self
            .event(AuditKind::UserCreated)
            .actor(username.to_string())
            .detail("open_registration", true);
        self.insert_user(&username, fullname, hash, Role::Reader, false, audit)
            .await?;
        info!(username = %self.log.name(&username), "user registered themselves");
        Ok(username)
    }

    /// Creates a user with a given role (CLI, first start, demo seeding). The password policy
    /// applies unless `allow_weak` (demo users).
    pub async fn create_user(
        &self,
        username: &str,
        fullname: &str,
        password: &str,
        role: Role,
        allow_weak: bool,
    ) -> Result<Username> {
        let username = Username::parse_new(username)?;
        if !allow_weak {
            self.check_password(password, username.as_str())?;
        }
        let hash = self.passwords.hash(password.to_string()).await?;
        let audit = self.event(AuditKind::UserCreated);
        self.insert_user(&username, fullname, hash, role, false, audit)
            .await?;
        Ok(username)
    }

    pub(super) async fn insert_user(
        &self,
        username: &Username,
        fullname: &str,
        password_hash: String,
        role: Role,
        must_change_password: bool,
        audit: AuditEvent,
    ) -> Result<()> {
        let fullname = check_fullname(fullname)?;
        let audit = audit
            .subject(username.to_string())
            .detail("role", role.as_str());
        self.store
            .create_user_audited(
                &NewUser {
                    username: username.clone(),
                    fullname,
                    password_hash,
                    role,
                    created_at: self.clock.now(),
                    must_change_password,
                },
                &[audit],
            )
            .await
    }

    /// Sets a new password (the command line) and ends the user's sessions and API keys, in
    /// one transaction with a new security stamp, so a login or key creation still under way
    /// (which read the old stamp) stores nothing. A must-change flag an admin's reset left is
    /// cleared.
    pub async fn set_password(&self, username: &str, password: &str) -> Result<()> {
        self.check_password(password, username)?;
        let hash = self.passwords.hash(password.to_string()).await?;
        let audit = self
            .event(AuditKind::PasswordChanged)
            .subject(username)
            .detail("by", "command_line");
        let change = PasswordChange {
            username: username.to_string(),
            password_hash: hash,
            must_change_password: false,
            requires: None,
            revoke_personal_tokens: false,
            now: self.clock.now(),
        };
        if self.change_password(change, audit).await?.is_none() {
            return Err(Error::NotFound(format!("no user {username}")));
        }
        Ok(())
    }

    /// Disables (or re-enables) a user, with a new security stamp. Both end their sessions,
    /// API keys and personal tokens: disabling so that none is left, re-enabling so that
    /// nothing a disabling left behind (one that failed half-way) comes back.
    /// The last enabled admin is never disabled (`Error::LastAdmin`).
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<()> {
        self.set_disabled_by(None, username, disabled).await
    }

    /// As [`Auth::set_disabled`], recording `actor` as who did it.
    pub(super) async fn set_disabled_by(
        &self,
        actor: Option<&str>,
        username: &str,
        disabled: bool,
    ) -> Result<()> {
        let kind = if disabled {
            AuditKind::UserDisabled
        } else {
            AuditKind::UserEnabled
        };
        let mut audit = self.event(kind).subject(username);
        if let Some(actor) = actor {
            audit = audit.actor(actor);
        }
        if !self
            .store
            .set_disabled_audited(username, disabled, &[audit])
            .await?
        {
            return Err(Error::NotFound(format!("no user {username}")));
        }
        self.profiles.forget(username);
        self.revoke_user(username, RevokeReason::UserDisabled)
            .await?;
        self.end_user_apikeys(username, ApiKeyRevokeReason::UserDisabled, None)
            .await?;
        self.end_personal_tokens(username).await
    }

    /// Changes a user's role, with a new security stamp (so an API key or personal token being
    /// made under the old role is not stored). Their personal tokens' rights follow at once:
    /// every instance is told to forget its cached profile, by the feed, or else by the
    /// catch-up sync reading the store's record of the change.
    /// The last enabled admin is never demoted (`Error::LastAdmin`).
    pub async fn set_role(&self, username: &str, role: Role) -> Result<()> {
        self.set_role_by(None, username, role).await
    }

    /// As [`Auth::set_role`], recording `actor` as who did it.
    pub(super) async fn set_role_by(
        &self,
        actor: Option<&str>,
        username: &str,
        role: Role,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut audit = self
            .event(AuditKind::RoleChanged)
            .subject(username)
            .detail("role", role.as_str());
        if let Some(actor) = actor {
            audit = audit.actor(actor);
        }
        if !self
            .store
            .set_user_role_audited(username, role, now, &[audit])
            .await?
        {
            return Err(Error::NotFound(format!("no user {username}")));
        }
        let changed = RevocationKey::UserChanged(username.to_string());
        self.revoked_here(&[changed], now).await;
        Ok(())
    }

    async fn end_personal_tokens(&self, username: &str) -> Result<()> {
        let now = self.clock.now();
        let ids = self.store.revoke_user_tokens(username, now).await?;
        let keys: Vec<RevocationKey> = ids.into_iter().map(RevocationKey::ScopedToken).collect();
        self.revoked_here(&keys, now).await;
        Ok(())
    }

    async fn revoke_user(&self, username: &str, reason: RevokeReason) -> Result<()> {
        let now = self.clock.now();
        let audit = self
            .event(AuditKind::SessionRevoked)
            .subject(username)
            .detail("reason", reason.as_str());
        let revoked = self
            .store
            .revoke_user_sessions_audited(username, now, reason, &[audit])
            .await?;
        let keys: Vec<RevocationKey> = revoked.into_iter().map(RevocationKey::Session).collect();
        self.revoked_here(&keys, now).await;
        Ok(())
    }
}
