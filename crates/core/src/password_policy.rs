//! The password policy, after NIST SP 800-63B: a minimum length (12 by default, never below 8),
//! long passwords accepted (up to 1024 bytes, far above the 64 characters NIST asks for), no
//! composition rules, and a refusal of passwords that are common (on a list of common and
//! breached passwords) or that contain the username. Every way a password is set goes through
//! [`check`]; only the demo users of `serve --demo` are exempt.

use std::collections::HashSet;
use std::sync::LazyLock;

use thiserror::Error;

/// The minimum length when none is configured.
pub const DEFAULT_MIN_LENGTH: usize = 12;

/// The lowest minimum length a configuration may set (NIST SP 800-63B).
pub const LOWEST_MIN_LENGTH: usize = 8;

/// The highest minimum length a configuration may set: the longest password every policy must
/// accept (NIST SP 800-63B asks that at least 64 characters be allowed).
pub const HIGHEST_MIN_LENGTH: usize = 64;

/// The longest password accepted, in bytes: enough for 64 characters of any script, and a
/// bound on the work a password costs.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A username shorter than this is only refused as the whole password, not as a part of it
/// (a two-letter username would otherwise forbid every password holding those two letters).
const SHORTEST_NAME_SEARCHED: usize = 3;

/// The common-password list, lower-case, one a line (see `crates/core/data/README.md`).
static COMMON_LIST: &str = include_str!("../data/common-passwords.txt");

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| COMMON_LIST.lines().collect());

/// What the policy asks of a new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters (Unicode scalar values) a password may have.
    pub min_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: DEFAULT_MIN_LENGTH,
        }
    }
}

/// Why a password was refused. The text is the answer's message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WeakPassword {
    #[error("password is too short: it must be at least {min} characters")]
    TooShort { min: usize },
    #[error("password is too long: it must be at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("password is too common: it is on a list of common and breached passwords")]
    Common,
    #[error("password must not contain the username")]
    ContainsUsername,
}

/// Checks a new password for `username` (compared case-insensitively, as usernames are
/// lower-cased) against `policy`.
pub fn check(password: &str, username: &str, policy: &PasswordPolicy) -> Result<(), WeakPassword> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(WeakPassword::TooLong);
    }
    if password.chars().count() < policy.min_length {
        return Err(WeakPassword::TooShort {
            min: policy.min_length,
        });
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return Err(WeakPassword::Common);
    }
    let name = username.trim().to_lowercase();
    let contains = if name.chars().count() < SHORTEST_NAME_SEARCHED {
        lower == name
    } else {
        lower.contains(&name)
    };
    if contains {
        return Err(WeakPassword::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default(password: &str, username: &str) -> Result<(), WeakPassword> {
        check(password, username, &PasswordPolicy::default())
    }

    #[test]
    fn the_list_is_a_real_list() {
        assert!(COMMON.len() >= 10_000, "{}", COMMON.len());
        assert!(COMMON.contains("password"));
        assert!(COMMON.iter().all(|p| *p == p.to_lowercase()));
    }

    #[test]
    fn length_counts_characters_and_long_passwords_pass() {
        assert_eq!(
            default("short-pw-x1", "alice"),
            Err(WeakPassword::TooShort { min: 12 })
        );
        assert_eq!(default("twelve-chars", "alice"), Ok(()));
        // Twelve characters of two bytes each.
        assert_eq!(default(&"é".repeat(12), "alice"), Ok(()));
        assert_eq!(default(&"x7".repeat(64), "alice"), Ok(()));
        assert_eq!(
            default(&"a".repeat(1025), "alice"),
            Err(WeakPassword::TooLong)
        );
        let eight = PasswordPolicy { min_length: 8 };
        assert_eq!(check("eight-ch", "alice", &eight), Ok(()));
    }

    #[test]
    fn no_composition_rules() {
        assert_eq!(default("correct horse battery staple", "alice"), Ok(()));
        assert_eq!(default("alllowercaseletters", "alice"), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for common in [
            "qwertyuiop123",
            "QWERTYuiop123",
            "1Q2W3E4R5T6Y",
            "leavemealone",
        ] {
            assert_eq!(
                default(common, "alice"),
                Err(WeakPassword::Common),
                "{common}"
            );
        }
        let eight = PasswordPolicy { min_length: 8 };
        assert_eq!(
            check("PassWord", "alice", &eight),
            Err(WeakPassword::Common)
        );
        assert_eq!(
            check("baseball", "alice", &eight),
            Err(WeakPassword::Common)
        );
    }

    #[test]
    fn the_username_may_not_be_the_password_nor_in_it() {
        assert_eq!(
            default("Alice-in-wonderland", "alice"),
            Err(WeakPassword::ContainsUsername)
        );
        assert_eq!(
            default("MyNameIsALICE!!", " Alice "),
            Err(WeakPassword::ContainsUsername)
        );
        let eight = PasswordPolicy { min_length: 8 };
        assert_eq!(
            check("alice.smith", "alice.smith", &eight),
            Err(WeakPassword::ContainsUsername)
        );
        // A very short username is refused only as the whole password.
        assert_eq!(default("a long passphrase", "al"), Ok(()));
        assert_eq!(
            check("wyvernx9", "wyvernx9", &eight),
            Err(WeakPassword::ContainsUsername)
        );
    }
}
