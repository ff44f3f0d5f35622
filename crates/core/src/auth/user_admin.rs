//! Managing users through the API: admins list, create, change and delete them; a user reads
//! and renames themself, and may delete themself with their password.

use tracing::info;

use super::tokens::Validated;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::revocation_key::RevocationKey;
use crate::store::UserQuery;
use crate::user::{Permission, Role, User, Username};
use crate::user_query::user_cursor;

/// What an update changes; `None` keeps a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub fullname: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// A user an admin created, and the password generated for them (shown once), if any.
#[derive(Debug)]
pub struct CreatedUser {
    pub user: User,
    pub generated_password: Option<String>,
}

/// The length, in random bytes, of a generated password (24 characters of base64).
const GENERATED_PASSWORD_BYTES: usize = 18;

fn is_admin(caller: &Validated) -> bool {
    caller.role.has(Permission::ManageUsers)
}

impl Auth {
    /// Whether the caller manages users (`manage_users`).
    pub fn may_manage_users(&self, caller: &Validated) -> Result<()> {
        if !is_admin(caller) {
            return Err(Error::Forbidden(
                "managing users needs the manage_users permission".into(),
            ));
        }
        Ok(())
    }

    /// Whether the caller may see or change `username`: an admin, or the user themself. Anyone
    /// else gets the same refusal whether or not the user exists.
    fn may_see_user(&self, caller: &Validated, username: &str) -> Result<()> {
        if is_admin(caller) || caller.username == username {
            return Ok(());
        }
        Err(Error::Forbidden(
            "only admins may see or change other users".into(),
        ))
    }

    /// A page of users (admins) and the cursor of the next page (`None` at the end).
    pub async fn list_users_page(
        &self,
        caller: &Validated,
        query: &UserQuery,
    ) -> Result<(Vec<User>, Option<String>)> {
        self.may_manage_users(caller)?;
        let mut page = self
            .store
            .list_users_page(&UserQuery {
                limit: query.limit.saturating_add(1),
                ..query.clone()
            })
            .await?;
        let more = page.len() > query.limit as usize;
        page.truncate(query.limit as usize);
        let next = more
            .then(|| page.last().map(|u| user_cursor(u.username.as_str())))
            .flatten();
        Ok((page, next))
    }

    /// A user, for an admin or the user themself; `NotFound` for an unknown user (admins).
    pub async fn user_for(&self, caller: &Validated, username: &str) -> Result<User> {
        let name = crate::user::normalise(username);
        self.may_see_user(caller, &name)?;
        self.store
            .user(&name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no user {name}")))
    }

    /// Creates a user with `role` (admins). Without a password one is generated, returned once.
    pub async fn create_user_as(
        &self,
        caller: &Validated,
        username: &str,
        fullname: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<CreatedUser> {
        self.may_manage_users(caller)?;
        let username = Username::parse_new(username)?;
        let (password, generated) = match password {
            Some(p) => {
                self.check_password(p, username.as_str())?;
                (p.to_string(), false)
            }
            None => (crate::secret::random_b64(GENERATED_PASSWORD_BYTES), true),
        };
        let hash = self.passwords.hash(password.clone()).await?;
        let audit = self
            .event(AuditKind::UserCreated)
            .actor(&caller.username)
            .detail("password_generated", generated);
        // A generated password must be changed at the user's next login.
        self.insert_user(&username, fullname, hash, role, generated, audit)
            .await?;
        info!(username = %self.log.name(&username), by = %self.log.name(&caller.username), role = role.as_str(), "user created");
        let user = self
            .store
            .user(username.as_str())
            .await?
            .ok_or_else(|| Error::NotFound(format!("no user {username}")))?;
        Ok(CreatedUser {
            user,
            generated_password: generated.then_some(password),
        })
    }

    /// Changes a user. Admins change the fullname, role and disabled flag; a user only their
    /// own fullname. Each change is its own transaction with its audit event; the role and the
    /// disabled flag go through [`Auth::set_role`] and [`Auth::set_disabled`] (a new security
    /// stamp, and what those end). Refused as a whole, before any change, when a part is.
    pub async fn update_user(
        &self,
        caller: &Validated,
        username: &str,
        changes: &UserChanges,
    ) -> Result<User> {
        let user = self.user_for(caller, username).await?;
        let name = user.username.as_str();
        if !is_admin(caller) && (changes.role.is_some() || changes.disabled.is_some()) {
            return Err(Error::Forbidden(
                "only admins change roles and disable users".into(),
            ));
        }
        let fullname = changes
            .fullname
            .as_deref()
            .map(super::users::check_fullname)
            .transpose()?;
        if let Some(role) = changes.role.filter(|r| *r != user.role) {
            self.set_role_by(Some(&caller.username), name, role).await?;
        }
        if let Some(disabled) = changes.disabled.filter(|d| *d != user.disabled) {
            self.set_disabled_by(Some(&caller.username), name, disabled)
                .await?;
        }
        if let Some(fullname) = fullname.filter(|f| *f != user.fullname) {
            let audit = self
                .event(AuditKind::UserUpdated)
                .actor(&caller.username)
                .subject(name)
                .detail("fields", vec!["fullname"]);
            if !self
                .store
                .set_fullname_audited(name, &fullname, &[audit])
                .await?
            {
                return Err(Error::NotFound(format!("no user {name}")));
            }
            self.profiles.forget(name);
            let now = self.clock.now();
            self.revoked_here(&[RevocationKey::UserChanged(name.to_string())], now)
                .await;
        }
        self.store
            .user(name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no user {name}")))
    }

    /// Deletes a user: an admin, or the user themself with their password. Every session, API
    /// key and personal token of theirs ends (other instances read each from the revocation
    /// log); resource tokens they made keep working. The username is free again, and a new
    /// user of that name inherits nothing. The last enabled admin is never deleted.
    pub async fn delete_user(
        &self,
        caller: &Validated,
        username: &str,
        password: Option<&str>,
    ) -> Result<()> {
        let user = self.user_for(caller, username).await?;
        let name = user.username.as_str();
        if !is_admin(caller) {
            let Some(password) = password else {
                return Err(Error::BadRequest(
                    "deleting your own account needs your password".into(),
                ));
            };
            let verified = self
                .passwords
                .verify(password.to_string(), Some(user.password_hash.clone()))
                .await?;
            if !verified.ok {
                return Err(Error::WrongPassword);
            }
        }
        let now = self.clock.now();
        let audit = self
            .event(AuditKind::UserDeleted)
            .actor(&caller.username)
            .subject(name)
            .detail("role", user.role.as_str());
        let Some(deleted) = self.store.delete_user_audited(name, now, &[audit]).await? else {
            return Err(Error::NotFound(format!("no user {name}")));
        };
        self.profiles.forget(name);
        let mut keys: Vec<RevocationKey> = deleted
            .sessions
            .into_iter()
            .map(RevocationKey::Session)
            .chain(deleted.tokens.into_iter().map(RevocationKey::ScopedToken))
            .collect();
        keys.push(RevocationKey::UserChanged(name.to_string()));
        self.revoked_here(&keys, now).await;
        self.apikeys_revoked_here(&deleted.apikeys, now).await;
        info!(username = %self.log.name(&name), by = %self.log.name(&caller.username), "user deleted");
        Ok(())
    }
}
