//! Users: their record, login failures and lockout, and role changes (which the rights of
//! their personal tokens follow).

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::error::{Error, Result};
use crate::user::{Role, User, Username};
use crate::Timestamp;

/// A user to create. `Debug` leaves the password hash out.
#[derive(Clone)]
pub struct NewUser {
    pub username: Username,
    pub fullname: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: Timestamp,
    /// The password was generated for the user, who must change it at their next login.
    pub must_change_password: bool,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What must still hold when a session, API key or personal token is stored, checked in the
/// transaction that stores it: the user's security stamp is the one read when making the
/// credential began, and the user is enabled; for a credential made with a session, that
/// session is live. Otherwise the store stores nothing and answers [`Unchanged::broken`].
/// (A password, role or disabled-flag change bumps the stamp in the same statement, then ends
/// what it ends; so a credential made across such a change is either ended by it or never
/// stored.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchanged {
    pub username: String,
    pub stamp: i64,
    pub session_id: Option<String>,
}

impl Unchanged {
    /// The error of a credential refused because its user changed while it was being made.
    pub fn broken() -> Error {
        Error::InvalidToken(
            "the account changed while this credential was being made; log in again".into(),
        )
    }
}

/// Which users a page of the list holds: those whose username or fullname starts with
/// `prefix` (lower-case; fullnames compared lower-cased), of `role`, enabled or disabled as
/// `disabled` says, after the username `after`, at most `limit`, by username. Deleted users
/// are never listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    pub prefix: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub after: Option<String>,
    pub limit: u32,
}

/// What deleting a user ended, for the revocation set of every instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeletedUser {
    pub sessions: Vec<String>,
    pub apikeys: Vec<String>,
    pub tokens: Vec<String>,
    /// The name the user's row now has: no username can take it.
    pub tombstone: String,
}

/// The name a deleted user's row takes: the username and the uid, joined by a '#' that no
/// username holds.
pub fn tombstone_name(username: &str, uid: &str) -> String {
    format!("{username}#{uid}")
}

/// A user whose role changed, as the catch-up sync reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChange {
    pub username: String,
    pub changed_at: Timestamp,
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user (with a new immutable uid) and appends `audit`; `Error::Conflict` when
    /// the username is taken.
    async fn create_user_audited(&self, user: &NewUser, audit: &[AuditEvent]) -> Result<()>;
    async fn create_user(&self, user: &NewUser) -> Result<()> {
        self.create_user_audited(user, &[]).await
    }
    /// Creates several users, each enabled or disabled as its flag says, and appends `audit`, in
    /// one transaction: all of them or none (`Error::Conflict` when a username is taken).
    async fn create_users_audited(
        &self,
        users: &[(NewUser, bool)],
        audit: &[AuditEvent],
    ) -> Result<()>;
    async fn user(&self, username: &str) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn count_users(&self) -> Result<u64>;
    /// Sets a new password and bumps the security stamp, in one statement; false when there is
    /// no such user.
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool> {
        self.set_password_hash_audited(username, hash, &[]).await
    }
    /// As `set_password_hash`, appending `audit` when the user exists.
    async fn set_password_hash_audited(
        &self,
        username: &str,
        hash: &str,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// Replaces the password hash `old` by `new` (the same password at other parameters),
    /// only if the hash is still `old`; the stamp stays. False when it is not.
    async fn upgrade_password_hash(&self, username: &str, old: &str, new: &str) -> Result<bool>;
    /// Sets the disabled flag and bumps the security stamp, in one statement. Disabling the
    /// last enabled admin is `Error::LastAdmin`, decided in the same transaction.
    async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool> {
        self.set_disabled_audited(username, disabled, &[]).await
    }
    /// As `set_disabled`, appending `audit` when the user exists.
    async fn set_disabled_audited(
        &self,
        username: &str,
        disabled: bool,
        audit: &[AuditEvent],
    ) -> Result<bool>;

    /// Changes a user's role (the rights of their personal tokens follow) and bumps the security
    /// stamp in the same statement, and records the change at `now` for `users_changed_since`;
    /// false if no user. Demoting the last enabled admin is `Error::LastAdmin`, decided in the
    /// same transaction.
    async fn set_user_role(&self, username: &str, role: Role, now: Timestamp) -> Result<bool> {
        self.set_user_role_audited(username, role, now, &[]).await
    }
    /// As `set_user_role`, appending `audit` when the user exists.
    async fn set_user_role_audited(
        &self,
        username: &str,
        role: Role,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// Users whose role changed at or after `since`.
    async fn users_changed_since(&self, since: Timestamp) -> Result<Vec<UserChange>>;

    /// A page of users, as `query` says.
    async fn list_users_page(&self, query: &UserQuery) -> Result<Vec<User>>;
    /// Sets a user's fullname, appending `audit`; false if no user.
    async fn set_fullname_audited(
        &self,
        username: &str,
        fullname: &str,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// Deletes a user, in one transaction: ends their sessions, API keys and personal tokens
    /// (the revocation log records each), appends `audit`, records a user change (so every
    /// instance forgets what it cached of them), removes them as maintainer, and renames their
    /// row to its [`tombstone_name`] (disabled, `deleted_at` = `now`, no password), with their
    /// sessions, keys and tokens and the `created_by` of the tokens they made; the username is
    /// free again. `Error::LastAdmin` for the last enabled admin; `None` if no user.
    async fn delete_user_audited(
        &self,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<DeletedUser>>;
}

/// The refusal of a change that would leave no enabled admin.
pub fn last_admin(username: &str) -> Error {
    Error::LastAdmin(format!(
        "{username} is the last enabled admin; make another admin first"
    ))
}
