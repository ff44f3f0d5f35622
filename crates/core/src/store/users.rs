//! Users: their record, login failures and lockout, and role changes (which the rights of
//! their personal tokens follow).

use async_trait::async_trait;

use crate::error::Result;
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
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A user whose role changed, as the catch-up sync reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChange {
    pub username: String,
    pub changed_at: Timestamp,
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user; `Error::Conflict` when the username is taken.
    async fn create_user(&self, user: &NewUser) -> Result<()>;
    async fn user(&self, username: &str) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn count_users(&self) -> Result<u64>;
    /// Returns false when there is no such user.
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool>;
    async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool>;

    /// Reserves a login attempt before its password is checked: counts it as a failure and
    /// locks the account until `now + lock_secs` when the count reaches `threshold` (0 =
    /// never), in one statement, unless the account is locked at `now` (a lock that ran out
    /// starts the count afresh). False when refused: the account is locked, or there is no
    /// such user. Concurrent reservations are all counted, so no more than `threshold`
    /// attempts are ever decided before the lock.
    async fn reserve_login_attempt(
        &self,
        username: &str,
        now: Timestamp,
        threshold: u32,
        lock_secs: i64,
    ) -> Result<bool>;
    /// Clears the failure count and the lock (a successful login gives its reservation back).
    async fn clear_login_failures(&self, username: &str) -> Result<()>;

    /// Changes a user's role (the rights of their personal tokens follow) and records the
    /// change at `now` for `users_changed_since`; false if no user.
    async fn set_user_role(&self, username: &str, role: Role, now: Timestamp) -> Result<bool>;
    /// Users whose role changed at or after `since`.
    async fn users_changed_since(&self, since: Timestamp) -> Result<Vec<UserChange>>;
}
