//! A short-lived cache of who a username is, so that validation keeps off the database.

use super::ttl_cache::TtlCache;
use crate::user::{Role, User};
use crate::Timestamp;

/// How long a cached profile is trusted, seconds. Disabling a user also revokes their
/// sessions and personal tokens, and a role change tells every instance to forget the
/// profile, so this only bounds how stale a full name can be (or a role, when an instance
/// missed both the feed and the store's record of the change).
pub const PROFILE_TTL: i64 = 30;

/// Most profiles cached at once.
const PROFILE_CAP: usize = 100_000;

#[derive(Debug, Clone)]
pub struct Profile {
    pub fullname: String,
    pub role: Role,
    pub disabled: bool,
    /// The user must change their password (see `User::must_change_password`).
    pub must_change_password: bool,
}

#[derive(Debug)]
pub struct ProfileCache {
    inner: TtlCache<String, Profile>,
}

impl Default for ProfileCache {
    fn default() -> Self {
        Self {
            inner: TtlCache::new(PROFILE_TTL, PROFILE_CAP),
        }
    }
}

impl ProfileCache {
    pub fn get(&self, username: &str, now: Timestamp) -> Option<Profile> {
        self.inner.get(username, now)
    }

    pub fn put(&self, username: &str, user: &User, now: Timestamp) -> Profile {
        let profile = Profile {
            fullname: user.fullname.clone(),
            role: user.role,
            disabled: user.disabled,
            must_change_password: user.must_change_password,
        };
        self.inner.put(username.to_string(), profile.clone(), now);
        profile
    }

    pub fn forget(&self, username: &str) {
        self.inner.remove(username);
    }
}
