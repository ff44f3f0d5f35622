//! Users brought from another system (PlantDB) with their password hashes as it stored them.

use super::users::check_fullname;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::Result;
use crate::password;
use crate::store::NewUser;
use crate::user::{Role, Username};

/// A user to import, checked as tessera checks a new user, except that the password is a hash
/// taken as it is (so no password policy applies). `Debug` leaves the hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct ImportedUser {
    username: Username,
    fullname: String,
    password_hash: String,
    role: Role,
    disabled: bool,
}

impl std::fmt::Debug for ImportedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportedUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl ImportedUser {
    /// A user to import: a valid username that is not reserved, a fullname of 1 to 200
    /// printable characters, and an Argon2 PHC hash that login can verify.
    pub fn check(
        username: &str,
        fullname: &str,
        password_hash: &str,
        role: Role,
        disabled: bool,
    ) -> Result<Self> {
        let username = Username::parse_new(username)?;
        let fullname = check_fullname(fullname)?;
        password::check_phc(password_hash)?;
        Ok(Self {
            username,
            fullname,
            password_hash: password_hash.to_string(),
            role,
            disabled,
        })
    }

    pub fn username(&self) -> &Username {
        &self.username
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn disabled(&self) -> bool {
        self.disabled
    }
}

impl Auth {
    /// Creates `users` with their hashes unchanged (each is upgraded to the current parameters
    /// at its user's first login), each with a `user_created` event naming `source`, in one
    /// transaction: all of them, or none (`Error::Conflict` when a username is taken).
    pub async fn import_users(&self, users: &[ImportedUser], source: &str) -> Result<()> {
        let now = self.clock.now();
        let mut created = Vec::with_capacity(users.len());
        let mut audit = Vec::with_capacity(users.len());
        for u in users {
            created.push((
                NewUser {
                    username: u.username.clone(),
                    fullname: u.fullname.clone(),
                    password_hash: u.password_hash.clone(),
                    role: u.role,
                    created_at: now,
                    must_change_password: false,
                },
                u.disabled,
            ));
            let mut event = self
                .event(AuditKind::UserCreated)
                .subject(u.username.to_string())
                .detail("role", u.role.as_str())
                .detail("imported_from", source);
            if u.disabled {
                event = event.detail("disabled", true);
            }
            audit.push(event);
        }
        self.store.create_users_audited(&created, &audit).await
    }
}
