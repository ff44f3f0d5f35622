//! Who asks: the local command line, which may do what an admin may, or a user of the API.

use super::tokens::Validated;
use crate::user::Role;

#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// The operator at the `tessera` command line, on the local database.
    Local,
    /// A user who presented a valid access token.
    User(&'a Validated),
}

impl<'a> Caller<'a> {
    /// The command line, and users with the admin role.
    pub fn is_admin(self) -> bool {
        match self {
            Caller::Local => true,
            Caller::User(user) => user.role == Role::Admin,
        }
    }

    /// The user's name; `None` for the command line.
    pub fn username(self) -> Option<&'a str> {
        match self {
            Caller::Local => None,
            Caller::User(user) => Some(&user.username),
        }
    }
}

impl<'a> From<&'a Validated> for Caller<'a> {
    fn from(user: &'a Validated) -> Self {
        Caller::User(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Validated {
        Validated {
            username: "ann".into(),
            fullname: "Ann".into(),
            role,
            session_id: "s".into(),
            expires_at: 0,
            must_change_password: false,
        }
    }

    #[test]
    fn the_command_line_may_do_what_an_admin_may() {
        assert!(Caller::Local.is_admin());
        assert_eq!(Caller::Local.username(), None);
        let admin = user(Role::Admin);
        assert!(Caller::from(&admin).is_admin());
        let reader = user(Role::Reader);
        assert!(!Caller::User(&reader).is_admin());
        assert_eq!(Caller::User(&reader).username(), Some("ann"));
    }
}
