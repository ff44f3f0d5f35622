//! Fixtures shared by the contract tests. All times are fixed; nothing reads the wall clock.

use std::sync::Arc;

use tessera_core::settings::{SessionLimitPolicy, DEFAULT_SESSION_TTL};
use tessera_core::store::{
    AuditQuery, AuditRecord, NewSession, NewUser, NextRefresh, SessionClient,
};
use tessera_core::store::{NewToken, TokenOwner};
use tessera_core::{Role, Store, Timestamp, User, Username};

pub const T0: Timestamp = 1_700_000_000;
pub const DAY: i64 = 86_400;

pub fn username(name: &str) -> Username {
    Username::parse(name).expect("valid username")
}

pub fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: username(name),
        fullname: format!("{name} full name"),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt-{name}$hash-{name}"),
        role,
        created_at: T0,
        must_change_password: false,
    }
}

/// A contributor: a user who may also hold API keys.
pub async fn add_user(store: &Arc<dyn Store>, name: &str) {
    store
        .create_user(&new_user(name, Role::Contributor))
        .await
        .expect("create user");
}

pub async fn get_user(store: &Arc<dyn Store>, name: &str) -> User {
    store
        .user(name)
        .await
        .expect("read user")
        .unwrap_or_else(|| panic!("user {name} exists"))
}

/// The stored form of a refresh token: opaque bytes, distinct per label.
pub fn token(label: &str) -> Vec<u8> {
    let mut hash = label.as_bytes().to_vec();
    hash.resize(32, 0);
    hash
}

pub fn session(id: &str, user: &str, created_at: Timestamp, expires_at: Timestamp) -> NewSession {
    NewSession {
        id: id.to_string(),
        username: username(user),
        created_at,
        refresh_hash: token(id),
        refresh_expires_at: expires_at,
        requires: None,
        client: SessionClient::default(),
    }
}

/// Creates session `id` without a limit; its first refresh token is `token(id)`, live for a day.
pub async fn open_session(store: &Arc<dyn Store>, id: &str, user: &str, created_at: Timestamp) {
    let evicted = store
        .create_session(
            &session(id, user, created_at, created_at + DAY),
            0,
            SessionLimitPolicy::EvictOldest,
        )
        .await
        .expect("create session");
    assert!(evicted.is_empty());
}

/// The successor `label`, with the default absolute lifetime and no reuse grace.
pub fn next(label: &str, expires_at: Timestamp) -> NextRefresh {
    NextRefresh {
        hash: token(label),
        expires_at,
        session_ttl: DEFAULT_SESSION_TTL,
        reuse_grace: 0,
        on_reuse: None,
        client: SessionClient::default(),
    }
}

pub async fn revoked_ids(store: &Arc<dyn Store>, since: Timestamp) -> Vec<String> {
    let mut ids: Vec<String> = store
        .revoked_since(since)
        .await
        .expect("revoked since")
        .into_iter()
        .map(|r| r.session_id)
        .collect();
    ids.sort();
    ids
}

/// Every audit event the store holds (up to 500).
pub async fn audit_events(store: &Arc<dyn Store>) -> Vec<AuditRecord> {
    let query = AuditQuery {
        limit: 500,
        ..AuditQuery::default()
    };
    store.audit_events(&query).await.unwrap()
}

pub fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

pub fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// A personal or resource token `id`, made by anna at `T0`, whose hash is that of `hash-<id>`.
pub fn new_token(id: &str, owner: TokenOwner, expires_at: Option<i64>) -> NewToken {
    NewToken {
        id: id.to_string(),
        hash: token(&format!("hash-{id}")),
        owner,
        description: format!("token {id}"),
        scopes: r#"{"permissions":["read"]}"#.to_string(),
        created_by: "anna".to_string(),
        created_at: T0,
        expires_at,
        requires: None,
    }
}
