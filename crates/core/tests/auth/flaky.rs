//! A store that fails on demand: the real SQLite store behind a switch. A method told to fail
//! answers `Error::Storage` before it reaches the database, so it reads and writes nothing.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tessera_core::audit::AuditEvent;
use tessera_core::store::{
    AuditQuery, AuditRecord, AuditStore, FamiliarClient, LockoutPolicy, LockoutStore, NewUser,
    UserChange, UserStore,
};
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
    // A method that records audit events fails under the name of the change it makes.
    ($self:ident . $method:ident ( $($arg:expr),* ) as $name:ident) => {{
        $self.check(stringify!($name)).await?;
        $self.inner.$method($($arg),*).await
    }};
}

#[async_trait]
impl UserStore for FlakyStore {
    async fn create_user_audited(&self, user: &NewUser, audit: &[AuditEvent]) -> Result<()> {
        pass!(self.create_user_audited(user, audit) as create_user)
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
    async fn set_password_hash_audited(
        &self,
        username: &str,
        hash: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        pass!(self.set_password_hash_audited(username, hash, audit) as set_password_hash)
    }
    async fn upgrade_password_hash(&self, username: &str, old: &str, new: &str) -> Result<bool> {
        pass!(self.upgrade_password_hash(username, old, new))
    }
    async fn set_disabled_audited(
        &self,
        username: &str,
        disabled: bool,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        pass!(self.set_disabled_audited(username, disabled, audit) as set_disabled)
    }
    async fn set_user_role_audited(
        &self,
        username: &str,
        role: Role,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        pass!(self.set_user_role_audited(username, role, now, audit) as set_user_role)
    }
    async fn users_changed_since(&self, since: Timestamp) -> Result<Vec<UserChange>> {
        pass!(self.users_changed_since(since))
    }
}

#[async_trait]
impl AuditStore for FlakyStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()> {
        pass!(self.append_audit(events))
    }
    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        pass!(self.audit_events(query))
    }
    async fn purge_audit(&self, before: Timestamp, batch: u32) -> Result<u64> {
        pass!(self.purge_audit(before, batch))
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

/// The credential parts of the port, passed on the same way.
mod credentials;
