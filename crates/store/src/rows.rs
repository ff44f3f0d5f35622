//! What both backends read alike: the columns of the rows they share, and how those columns
//! become the domain's types, with one set of checks. Each driver reads the columns into
//! plain values; the mapping from there is here.

use tessera_core::auth::apikeys::may_hold_apikeys;
use tessera_core::store::{
    ApiKeyRotation, RevokedApiKey, RevokedSession, RevokedToken, TokenOwner,
};
use tessera_core::{Error, Result, Role, User, Username};

pub(crate) const USER_COLUMNS: &str =
    "username, fullname, password_hash, role, disabled, failed_logins, locked_until, created_at, \
     security_stamp, must_change_password, last_login_at";

pub(crate) const TOKEN_COLUMNS: &str = "id, owner, resource, description, scopes, created_by, \
                                        created_at, expires_at, revoked_at, last_used_at, \
                                        last_used_ip";

pub(crate) const CLIENT_COLUMNS: &str =
    "client_id, name, scopes, rights, secret_hash, generation, \
                                        created_by, created_at, last_used_at, last_used_ip";

pub(crate) const APIKEY_COLUMNS: &str =
    "id, chain_id, username, audience, subject, api_version, bound_ip, \
     created_at, not_before, expires_at, refresh_not_before, refresh_expires_at, revoked_at";

/// A `users` row, as `USER_COLUMNS` reads it.
pub(crate) struct UserRow {
    pub username: String,
    pub fullname: String,
    pub password_hash: String,
    pub role: String,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub security_stamp: i64,
    pub must_change_password: bool,
    pub last_login_at: Option<i64>,
}

impl UserRow {
    /// The user; a username or role the domain does not accept is a storage failure.
    pub(crate) fn into_user(self) -> Result<User> {
        Ok(User {
            username: Username::parse(&self.username).map_err(|_| {
                Error::storage(format!("stored username {:?} is invalid", self.username))
            })?,
            fullname: self.fullname,
            password_hash: self.password_hash,
            role: Role::parse(&self.role)
                .ok_or_else(|| Error::storage(format!("unknown role {:?}", self.role)))?,
            disabled: self.disabled,
            failed_logins: self.failed_logins.clamp(0, u32::MAX as i64) as u32,
            locked_until: self.locked_until,
            created_at: self.created_at,
            security_stamp: self.security_stamp,
            must_change_password: self.must_change_password,
            last_login_at: self.last_login_at,
        })
    }
}

/// A scoped token's owner from its `owner` (a user) and `resource` columns.
pub(crate) fn token_owner(owner: Option<String>, resource: Option<String>) -> TokenOwner {
    match owner {
        Some(user) => TokenOwner::User(user),
        None => TokenOwner::Resource(resource.unwrap_or_default()),
    }
}

/// The `owner` and `resource` columns of a token of `owner`.
pub(crate) fn owner_columns(owner: &TokenOwner) -> (Option<&str>, Option<&str>) {
    match owner {
        TokenOwner::User(u) => (Some(u.as_str()), None),
        TokenOwner::Resource(r) => (None, Some(r.as_str())),
    }
}

/// A table of revocable credentials, each with `id` and `revoked_at` columns, as the catch-up
/// sync re-reads them: one query shape for all.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Revocable {
    Sessions,
    ApiKeys,
    ScopedTokens,
}

impl Revocable {
    /// `(id, revoked_at)` of the rows revoked at or after the parameter written `param`
    /// (`?1` for SQLite, `$1` for PostgreSQL).
    pub(crate) fn revoked_since_sql(self, param: &str) -> String {
        let table = match self {
            Revocable::Sessions => "sessions",
            Revocable::ApiKeys => "apikeys",
            Revocable::ScopedTokens => "scoped_tokens",
        };
        format!("SELECT id, revoked_at FROM {table} WHERE revoked_at >= {param}")
    }
}

pub(crate) fn revoked_sessions(rows: Vec<(String, i64)>) -> Vec<RevokedSession> {
    rows.into_iter()
        .map(|(session_id, revoked_at)| RevokedSession {
            session_id,
            revoked_at,
        })
        .collect()
}

pub(crate) fn revoked_apikeys(rows: Vec<(String, i64)>) -> Vec<RevokedApiKey> {
    rows.into_iter()
        .map(|(id, revoked_at)| RevokedApiKey { id, revoked_at })
        .collect()
}

pub(crate) fn revoked_tokens(rows: Vec<(String, i64)>) -> Vec<RevokedToken> {
    rows.into_iter()
        .map(|(id, revoked_at)| RevokedToken { id, revoked_at })
        .collect()
}

/// Why the owner of an API key being refreshed gets no successor, from their `disabled` and
/// `role` columns (`None` when there is no user row): disabled or gone, or a role that may
/// not hold API keys (an unknown role may not). `None` when they may have one.
pub(crate) fn apikey_owner_refusal(disabled: bool, role: Option<&str>) -> Option<ApiKeyRotation> {
    match role {
        _ if disabled => Some(ApiKeyRotation::UserDisabled),
        None => Some(ApiKeyRotation::UserDisabled),
        Some(role) => match Role::parse(role) {
            Some(role) if may_hold_apikeys(role) => None,
            _ => Some(ApiKeyRotation::NotPermitted),
        },
    }
}

/// Revocation-log rows `(key, revoked_at)` as revocations; a key of a kind this version does
/// not know (a newer instance's) is left out.
pub(crate) fn log_entries(rows: Vec<(String, i64)>) -> Vec<tessera_core::feed::Revocation> {
    rows.into_iter()
        .filter_map(|(key, revoked_at)| {
            Some(tessera_core::feed::Revocation {
                key: tessera_core::RevocationKey::parse(&key)?,
                revoked_at,
            })
        })
        .collect()
}
