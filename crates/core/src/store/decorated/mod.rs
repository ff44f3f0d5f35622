//! A store around the real one: each call of the port goes through an [`Around`], which
//! may act before and after it (the server times every operation for its metrics this way).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;

use super::{
    AuditQuery, AuditRecord, AuditStore, DeletedUser, FamiliarClient, LockoutPolicy, LockoutStore,
    NewUser, SigningKeyStore, Store, UserChange, UserQuery, UserStore,
};
use crate::audit::AuditEvent;
use crate::error::Result;
use crate::signing::StoredKey;
use crate::stats::OpTimings;
use crate::user::{Role, User};
use crate::Timestamp;

mod clients;
mod credentials;
mod passwords;

/// A call of the real store, not started yet.
pub type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// What a [`Decorated`] store does around every call: `operation` is the method's name.
#[async_trait]
pub trait Around: Send + Sync + 'static {
    async fn around<'a, T: Send + 'a>(
        &'a self,
        operation: &'static str,
        call: Call<'a, T>,
    ) -> Result<T>;
}

/// `inner`, each call going through `around`.
pub struct Decorated<A> {
    inner: Arc<dyn Store>,
    around: A,
}

impl<A: Around> Decorated<A> {
    pub fn new(inner: Arc<dyn Store>, around: A) -> Self {
        Self { inner, around }
    }

    /// The real store.
    pub fn inner(&self) -> &Arc<dyn Store> {
        &self.inner
    }
}

/// The `Around`'s own methods (a switch, a gate), reached through the store.
impl<A> std::ops::Deref for Decorated<A> {
    type Target = A;

    fn deref(&self) -> &A {
        &self.around
    }
}

/// Times every operation.
pub struct Timed(pub Arc<OpTimings>);

#[async_trait]
impl Around for Timed {
    async fn around<'a, T: Send + 'a>(
        &'a self,
        operation: &'static str,
        call: Call<'a, T>,
    ) -> Result<T> {
        // A duration measured for the metrics, not a time anything is decided by.
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        let result = call.await;
        self.0.observe(operation, started.elapsed());
        result
    }
}

/// Passes one call to the real store through `around`. A method that records audit events is
/// named by the change it makes (`create_user_audited(..) as create_user`).
macro_rules! call {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        call!($self.$method($($arg),*) as $method)
    };
    ($self:ident . $method:ident ( $($arg:expr),* ) as $name:ident) => {
        $self
            .around
            .around(stringify!($name), $self.inner.$method($($arg),*))
            .await
    };
}
pub(super) use call;

#[async_trait]
impl<A: Around> UserStore for Decorated<A> {
    async fn create_user_audited(&self, user: &NewUser, audit: &[AuditEvent]) -> Result<()> {
        call!(self.create_user_audited(user, audit) as create_user)
    }
    async fn create_users_audited(
        &self,
        users: &[(NewUser, bool)],
        audit: &[AuditEvent],
    ) -> Result<()> {
        call!(self.create_users_audited(users, audit) as create_users)
    }
    async fn user(&self, username: &str) -> Result<Option<User>> {
        call!(self.user(username))
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        call!(self.list_users())
    }
    async fn count_users(&self) -> Result<u64> {
        call!(self.count_users())
    }
    async fn set_password_hash_audited(
        &self,
        username: &str,
        hash: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.set_password_hash_audited(username, hash, audit) as set_password_hash)
    }
    async fn upgrade_password_hash(&self, username: &str, old: &str, new: &str) -> Result<bool> {
        call!(self.upgrade_password_hash(username, old, new))
    }
    async fn set_disabled_audited(
        &self,
        username: &str,
        disabled: bool,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.set_disabled_audited(username, disabled, audit) as set_disabled)
    }
    async fn set_user_role_audited(
        &self,
        username: &str,
        role: Role,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.set_user_role_audited(username, role, now, audit) as set_user_role)
    }
    async fn users_changed_since(&self, since: Timestamp) -> Result<Vec<UserChange>> {
        call!(self.users_changed_since(since))
    }
    async fn list_users_page(&self, query: &UserQuery) -> Result<Vec<User>> {
        call!(self.list_users_page(query))
    }
    async fn set_fullname_audited(
        &self,
        username: &str,
        fullname: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.set_fullname_audited(username, fullname, audit) as set_fullname)
    }
    async fn delete_user_audited(
        &self,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<DeletedUser>> {
        call!(self.delete_user_audited(username, now, audit) as delete_user)
    }
}

#[async_trait]
impl<A: Around> AuditStore for Decorated<A> {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()> {
        call!(self.append_audit(events))
    }
    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        call!(self.audit_events(query))
    }
    async fn purge_audit(&self, before: Timestamp, batch: u32) -> Result<u64> {
        call!(self.purge_audit(before, batch))
    }
}

#[async_trait]
impl<A: Around> LockoutStore for Decorated<A> {
    async fn familiar_client(
        &self,
        username: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<Option<FamiliarClient>> {
        call!(self.familiar_client(username, client, since))
    }
    async fn reserve_login_attempt(
        &self,
        username: &str,
        familiar: Option<&str>,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<bool> {
        call!(self.reserve_login_attempt(username, familiar, now, policy))
    }
    async fn record_login_success(
        &self,
        username: &str,
        client: &str,
        familiar: bool,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<()> {
        call!(self.record_login_success(username, client, familiar, now, policy))
    }
    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        call!(self.clear_login_failures(username))
    }
    async fn forget_familiar_clients(&self, before: Timestamp) -> Result<u64> {
        call!(self.forget_familiar_clients(before))
    }
}

#[async_trait]
impl<A: Around> SigningKeyStore for Decorated<A> {
    async fn signing_keys(&self) -> Result<Vec<StoredKey>> {
        call!(self.signing_keys())
    }
    async fn add_signing_key(&self, key: &StoredKey, replaces: Option<&str>) -> Result<()> {
        call!(self.add_signing_key(key, replaces))
    }
    async fn retire_signing_key(&self, kid: &str, now: Timestamp) -> Result<bool> {
        call!(self.retire_signing_key(kid, now))
    }
}
