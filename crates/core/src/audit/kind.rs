//! The names of audit events; adding one is one line in `kinds!`.

macro_rules! kinds {
    ($($variant:ident => $name:literal,)*) => {
        /// What happened.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditKind {
            $($variant,)*
        }

        impl AuditKind {
            /// Every event, in the order of the API's list.
            pub const ALL: &'static [AuditKind] = &[$(AuditKind::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditKind::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    LoginSucceeded => "login_succeeded",
    LoginFailed => "login_failed",
    AccountLocked => "account_locked",
    Logout => "logout",
    SessionRevoked => "session_revoked",
    RefreshReuseDetected => "refresh_reuse_detected",
    PasswordChanged => "password_changed",
    UserCreated => "user_created",
    UserUpdated => "user_updated",
    RoleChanged => "role_changed",
    UserDisabled => "user_disabled",
    UserEnabled => "user_enabled",
    UserDeleted => "user_deleted",
    ApikeyCreated => "apikey_created",
    ApikeyRevoked => "apikey_revoked",
    ApikeyReuseDetected => "apikey_reuse_detected",
    TokenCreated => "token_created",
    TokenRevoked => "token_revoked",
    ResourceCreated => "resource_created",
    MaintainerAdded => "maintainer_added",
    MaintainerRemoved => "maintainer_removed",
    ClientCreated => "client_created",
    ClientSecretRotated => "client_secret_rotated",
    ClientRemoved => "client_removed",
    SigningKeyRotated => "signing_key_rotated",
}

impl AuditKind {
    /// The event of this name, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for AuditKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::AuditKind;

    #[test]
    fn names_parse_back_and_are_distinct() {
        for k in AuditKind::ALL {
            assert_eq!(AuditKind::parse(k.as_str()), Some(*k));
        }
        let mut names: Vec<_> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditKind::ALL.len());
        assert_eq!(AuditKind::parse("nope"), None);
    }
}
