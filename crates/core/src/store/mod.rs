//! The storage port: what tessera needs from a database, grouped by aggregate and shaped by use
//! case. A backend implements each trait; [`Store`] is all of them, so the domain holds one
//! `Arc<dyn Store>`.

mod apikeys;
mod audit;
mod clients;
pub mod decorated;
mod lockout;
mod passwords;
mod revocations;
mod scoped_tokens;
mod sessions;
mod signing_keys;
mod users;

pub use apikeys::{
    ApiKeyRecord, ApiKeyRevokeReason, ApiKeyRotation, ApiKeyStore, ApiKeyUnclaimed, NewApiKey,
    NextApiKey, UnclaimedOutcome,
};
pub use audit::{AuditQuery, AuditRecord, AuditStore};
pub use clients::{ClientRecord, ClientStore, NewClient, NewClientSecret};
pub use lockout::{FamiliarClient, LockoutPolicy, LockoutStore, CEILING_WINDOW};
pub use passwords::{PasswordChange, PasswordChanged, PasswordStore};
pub use revocations::{
    LogCursor, LogRead, RevocationLog, RevokedApiKey, RevokedSession, RevokedToken,
};
pub use scoped_tokens::{
    NewResource, NewToken, Resource, ScopedTokenStore, TokenOwner, TokenRecord, TokenUse,
};
pub use sessions::{
    NewSession, NextRefresh, RevokeReason, Rotation, SessionClient, SessionRecord, SessionStore,
    Unclaimed,
};
pub use signing_keys::SigningKeyStore;
pub use users::{
    last_admin, tombstone_name, DeletedUser, NewUser, Unchanged, UserChange, UserQuery, UserStore,
};

/// Everything tessera stores: every part of the port, implemented by one backend.
pub trait Store:
    UserStore
    + PasswordStore
    + LockoutStore
    + SessionStore
    + ApiKeyStore
    + ScopedTokenStore
    + RevocationLog
    + AuditStore
    + SigningKeyStore
    + ClientStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: UserStore
        + PasswordStore
        + LockoutStore
        + SessionStore
        + ApiKeyStore
        + ScopedTokenStore
        + RevocationLog
        + AuditStore
        + SigningKeyStore
        + ClientStore
        + Send
        + Sync
        + 'static
{
}
