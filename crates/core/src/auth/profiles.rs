//! A short-lived cache of who a username is, so that validation keeps off the database.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::user::Role;
use crate::Timestamp;

/// How long a cached profile is trusted, seconds. Disabling a user also revokes their
/// sessions, so this only bounds how stale a full name or role can be.
pub const PROFILE_TTL: i64 = 30;

#[derive(Debug, Clone)]
pub struct Profile {
    pub fullname: String,
    pub role: Role,
    pub disabled: bool,
    fetched_at: Timestamp,
}

#[derive(Debug, Default)]
pub struct ProfileCache {
    inner: RwLock<HashMap<String, Profile>>,
}

impl ProfileCache {
    pub fn get(&self, username: &str, now: Timestamp) -> Option<Profile> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(username)
            .filter(|p| now - p.fetched_at < PROFILE_TTL && p.fetched_at <= now)
            .cloned()
    }

    pub fn put(
        &self,
        username: &str,
        fullname: String,
        role: Role,
        disabled: bool,
        now: Timestamp,
    ) -> Profile {
        let profile = Profile {
            fullname,
            role,
            disabled,
            fetched_at: now,
        };
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, p| now - p.fetched_at < PROFILE_TTL);
        }
        map.insert(username.to_string(), profile.clone());
        profile
    }

    pub fn forget(&self, username: &str) {
        self.inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(username);
    }
}
