//! Users, usernames, roles and permissions (PlantDB's model).

use crate::error::{Error, Result};
use crate::Timestamp;

/// Resource tokens present themselves as `token-<id>`, so no user may be named so.
pub const RESERVED_PREFIX: &str = "token-";

/// `/users/me` names the caller, so no new user may be named so.
pub const RESERVED_NAMES: [&str; 1] = ["me"];

/// A normalised username: trimmed and lower-cased, 1 to 64 characters of
/// `a-z 0-9 . _ - @`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self> {
        let name = normalise(raw);
        if name.is_empty() {
            return Err(Error::BadRequest("username must not be empty".into()));
        }
        if name.chars().count() > 64 {
            return Err(Error::BadRequest(
                "username must be at most 64 characters".into(),
            ));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(Error::BadRequest(
                "username may only contain letters, digits, '.', '_', '-' and '@'".into(),
            ));
        }
        if name.starts_with(RESERVED_PREFIX) {
            return Err(Error::BadRequest(format!(
                "usernames starting with \"{RESERVED_PREFIX}\" are reserved for resource tokens"
            )));
        }
        Ok(Self(name))
    }

    /// As [`Username::parse`], for a new user: a reserved name ([`RESERVED_NAMES`]) is refused
    /// too. (Only new users: a user of that name made before it was reserved still logs in.)
    pub fn parse_new(raw: &str) -> Result<Self> {
        let name = Self::parse(raw)?;
        if RESERVED_NAMES.contains(&name.as_str()) {
            return Err(Error::ReservedUsername(format!(
                "the username {:?} is reserved",
                name.as_str()
            )));
        }
        Ok(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The one normalisation used by register, login and the existence check.
pub fn normalise(raw: &str) -> String {
    raw.trim().to_lowercase()
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    Read,
    Write,
    Create,
    Delete,
    ManageUsers,
    ManageGroups,
}

impl Permission {
    pub const ALL: [Permission; 6] = [
        Permission::Read,
        Permission::Write,
        Permission::Create,
        Permission::Delete,
        Permission::ManageUsers,
        Permission::ManageGroups,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Write => "write",
            Permission::Create => "create",
            Permission::Delete => "delete",
            Permission::ManageUsers => "manage_users",
            Permission::ManageGroups => "manage_groups",
        }
    }

    /// Accepts `read`, `READ` and `Permission.READ`.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let raw = raw.strip_prefix("Permission.").unwrap_or(raw);
        let lower = raw.to_ascii_lowercase();
        Self::ALL.into_iter().find(|p| p.as_str() == lower)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Reader,
    Contributor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Contributor => "contributor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "reader" => Some(Role::Reader),
            "contributor" => Some(Role::Contributor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Reader => &[Read],
            Role::Contributor => &[Read, Write, Create],
            Role::Admin => &[Read, Write, Create, Delete, ManageUsers, ManageGroups],
        }
    }

    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

/// A stored user. `Debug` leaves the password hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub username: Username,
    pub fullname: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub failed_logins: u32,
    pub locked_until: Option<Timestamp>,
    pub created_at: Timestamp,
    /// Changes with the password, the role and the disabled flag (see `store::Unchanged`).
    pub security_stamp: i64,
    /// Set by an admin's reset: until the user changes their password, their sessions may do
    /// nothing else.
    pub must_change_password: bool,
    /// Set by each login's own transaction; `None` if the user never logged in.
    pub last_login_at: Option<Timestamp>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl User {
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_lowercased() {
        assert_eq!(Username::parse("  Alice ").unwrap().as_str(), "alice");
        assert!(Username::parse("   ").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn me_is_reserved_for_new_users_only() {
        let refused = Username::parse_new(" ME ");
        assert!(
            matches!(&refused, Err(Error::ReservedUsername(m)) if m == "the username \"me\" is reserved"),
            "{refused:?}"
        );
        assert!(Username::parse("me").is_ok());
        assert!(Username::parse_new("meg").is_ok());
    }

    #[test]
    fn resource_token_identities_are_not_usernames() {
        let err = Username::parse("Token-0123456789abcdef").unwrap_err();
        assert!(err.to_string().contains("reserved"), "{err}");
        assert!(Username::parse("tokens").is_ok());
        assert!(Username::parse("my-token-1").is_ok());
    }

    #[test]
    fn permissions_parse_in_all_three_spellings() {
        assert_eq!(Permission::parse("read"), Some(Permission::Read));
        assert_eq!(Permission::parse("READ"), Some(Permission::Read));
        assert_eq!(
            Permission::parse("Permission.MANAGE_USERS"),
            Some(Permission::ManageUsers)
        );
        assert_eq!(Permission::parse("fly"), None);
    }

    #[test]
    fn roles_have_plantdb_permission_sets() {
        assert!(Role::Reader.has(Permission::Read));
        assert!(!Role::Reader.has(Permission::Write));
        assert!(Role::Contributor.has(Permission::Create));
        assert!(!Role::Contributor.has(Permission::ManageUsers));
        assert!(Role::Admin.has(Permission::ManageUsers));
    }
}
