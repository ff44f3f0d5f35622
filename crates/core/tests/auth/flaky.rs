//! A store that fails on demand: the real SQLite store behind a switch. A method told to fail
//! answers `Error::Storage` before it reaches the database, so it reads and writes nothing.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{
    ApiKeyRecord, ApiKeyRevokeReason, ApiKeyRotation, ApiKeyStore, LogCursor, LogRead, NewApiKey,
    NewResource, NewSession, NewToken, NewUser, NextApiKey, NextRefresh, Resource, RevocationLog,
    RevokeReason, RevokedApiKey, RevokedSession, RevokedToken, Rotation, ScopedTokenStore,
    SessionStore, TokenOwner, TokenRecord, TokenUse, UserChange, UserStore,
};
use tessera_core::store::{FamiliarClient, LockoutPolicy, LockoutStore};
use tessera_core::{Error, Result, Role, Store, Timestamp, User};

use crate::gate::Gate;

/// What the injected failure says.
pub const INJECTED: &str = "injected storage failure";

#[derive(Default)]
enum Failing {
    #[default]
    Nothing,
    Everything,
    Only(HashSet<&'static str>),
}

pub struct FlakyStore {
    inner: Arc<dyn Store>,
    failing: Mutex<Failing>,
    /// Holds calls to chosen methods until released.
    pub gate: Gate,
}

impl FlakyStore {
    pub fn new(inner: Arc<dyn Store>) -> Self {
        Self {
            inner,
            failing: Mutex::default(),
            gate: Gate::default(),
        }
    }

    /// The real store, which never fails.
    pub fn inner(&self) -> &Arc<dyn Store> {
        &self.inner
    }

    /// Every method fails from now on.
    pub fn fail_everything(&self) {
        *self.failing.lock().unwrap() = Failing::Everything;
    }

    /// The named methods fail from now on (and no others).
    pub fn fail(&self, methods: &[&'static str]) {
        *self.failing.lock().unwrap() = Failing::Only(methods.iter().copied().collect());
    }

    pub fn heal(&self) {
        *self.failing.lock().unwrap() = Failing::Nothing;
    }

    async fn check(&self, method: &'static str) -> Result<()> {
        self.gate.pass(method).await;
        let fails = match &*self.failing.lock().unwrap() {
            Failing::Nothing => false,
            Failing::Everything => true,
            Failing::Only(methods) => methods.contains(method),
        };
        if fails {
            let cause = std::io::Error::new(std::io::ErrorKind::BrokenPipe, INJECTED);
            return Err(Error::storage(cause));
        }
        Ok(())
    }
}

/// Each method passes the gate, checks the switch, then asks the real store.
macro_rules! pass {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {{
        $self.check(stringify!($method)).await?;
        $self.inner.$method($($arg),*).await
    }};
}

#[async_trait]
impl UserStore for FlakyStore {
    async fn create_user(&self, user: &NewUser) -> Result<()> {
        pass!(self.create_user(user))
    }
    async fn user(&self, username: &str) -> Result<Option<User>> {
        pass!(self.user(username))
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        pass!(self.list_users())
    }
    async fn count_users(&self) -> Result<u64> {
        pass!(self.count_users())
    }
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool> {
        pass!(self.set_password_hash(username, hash))
    }
    async fn upgrade_password_hash(&self, username: &str, old: &str, new: &str) -> Result<bool> {
        pass!(self.upgrade_password_hash(username, old, new))
    }
    async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool> {
        pass!(self.set_disabled(username, disabled))
    }
    async fn set_user_role(&self, username: &str, role: Role, now: Timestamp) -> Result<bool> {
        pass!(self.set_user_role(username, role, now))
    }
    async fn users_changed_since(&self, since: Timestamp) -> Result<Vec<UserChange>> {
        pass!(self.users_changed_since(since))
    }
}

#[async_trait]
impl LockoutStore for FlakyStore {
    async fn familiar_client(
        &self,
        username: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<Option<FamiliarClient>> {
        pass!(self.familiar_client(username, client, since))
    }
    async fn reserve_login_attempt(
        &self,
        username: &str,
        familiar: Option<&str>,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<bool> {
        pass!(self.reserve_login_attempt(username, familiar, now, policy))
    }
    async fn record_login_success(
        &self,
        username: &str,
        client: &str,
        familiar: bool,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<()> {
        pass!(self.record_login_success(username, client, familiar, now, policy))
    }
    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        pass!(self.clear_login_failures(username))
    }
    async fn forget_familiar_clients(&self, before: Timestamp) -> Result<u64> {
        pass!(self.forget_familiar_clients(before))
    }
}

#[async_trait]
impl SessionStore for FlakyStore {
    async fn create_session(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
    ) -> Result<Vec<String>> {
        pass!(self.create_session(session, max_sessions, policy))
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        pass!(self.rotate_refresh(presented, next, now))
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        pass!(self.session_of_refresh(hash, now))
    }
    async fn revoke_session(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<bool> {
        pass!(self.revoke_session(session_id, now, reason))
    }
    async fn revoke_user_sessions(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        pass!(self.revoke_user_sessions(username, now, reason))
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        pass!(self.is_session_revoked(session_id))
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        pass!(self.purge(now, revoked_before))
    }
}

#[async_trait]
impl ApiKeyStore for FlakyStore {
    async fn create_apikey(&self, key: &NewApiKey) -> Result<()> {
        pass!(self.create_apikey(key))
    }
    async fn rotate_apikey(
        &self,
        presented: &[u8],
        next: &NextApiKey,
        now: Timestamp,
    ) -> Result<ApiKeyRotation> {
        pass!(self.rotate_apikey(presented, next, now))
    }
    async fn apikey(&self, id: &str) -> Result<Option<ApiKeyRecord>> {
        pass!(self.apikey(id))
    }
    async fn list_apikeys(&self, username: &str, now: Timestamp) -> Result<Vec<ApiKeyRecord>> {
        pass!(self.list_apikeys(username, now))
    }
    async fn revoke_apikey_chain(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
    ) -> Result<Vec<String>> {
        pass!(self.revoke_apikey_chain(id, now, reason))
    }
    async fn revoke_user_apikeys(
        &self,
        username: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
    ) -> Result<Vec<String>> {
        pass!(self.revoke_user_apikeys(username, now, reason))
    }
    async fn is_apikey_revoked(&self, id: &str) -> Result<bool> {
        pass!(self.is_apikey_revoked(id))
    }
    async fn purge_apikeys(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        pass!(self.purge_apikeys(now, revoked_before))
    }
}

#[async_trait]
impl ScopedTokenStore for FlakyStore {
    async fn create_resource(&self, resource: &NewResource) -> Result<()> {
        pass!(self.create_resource(resource))
    }
    async fn resource(&self, name: &str) -> Result<Option<Resource>> {
        pass!(self.resource(name))
    }
    async fn list_resources(&self, maintainer: Option<&str>) -> Result<Vec<Resource>> {
        pass!(self.list_resources(maintainer))
    }
    async fn add_maintainer(&self, resource: &str, username: &str, now: Timestamp) -> Result<bool> {
        pass!(self.add_maintainer(resource, username, now))
    }
    async fn remove_maintainer(&self, resource: &str, username: &str) -> Result<bool> {
        pass!(self.remove_maintainer(resource, username))
    }
    async fn create_token(&self, token: &NewToken) -> Result<()> {
        pass!(self.create_token(token))
    }
    async fn token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenRecord>> {
        pass!(self.token_by_hash(hash))
    }
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>> {
        pass!(self.token(id))
    }
    async fn list_tokens(&self, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
        pass!(self.list_tokens(owner))
    }
    async fn set_token_description(&self, id: &str, description: &str) -> Result<bool> {
        pass!(self.set_token_description(id, description))
    }
    async fn revoke_token(&self, id: &str, now: Timestamp) -> Result<bool> {
        pass!(self.revoke_token(id, now))
    }
    async fn revoke_user_tokens(&self, username: &str, now: Timestamp) -> Result<Vec<String>> {
        pass!(self.revoke_user_tokens(username, now))
    }
    async fn record_token_uses(&self, uses: &[TokenUse]) -> Result<()> {
        pass!(self.record_token_uses(uses))
    }
}

#[async_trait]
impl RevocationLog for FlakyStore {
    async fn read_revocation_log(&self, from: LogCursor, now: Timestamp) -> Result<LogRead> {
        pass!(self.read_revocation_log(from, now))
    }
    async fn prune_revocation_log(&self, now: Timestamp, keep: i64) -> Result<u64> {
        pass!(self.prune_revocation_log(now, keep))
    }
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        pass!(self.revoked_since(since))
    }
    async fn revoked_apikeys_since(&self, since: Timestamp) -> Result<Vec<RevokedApiKey>> {
        pass!(self.revoked_apikeys_since(since))
    }
    async fn revoked_tokens_since(&self, since: Timestamp) -> Result<Vec<RevokedToken>> {
        pass!(self.revoked_tokens_since(since))
    }
}
