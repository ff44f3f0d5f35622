//! tessera's domain: users, passwords, sessions, token kinds, roles, the clock, errors and the
//! [`Store`] port that storage backends implement. No HTTP and no SQL live here.

mod argon2_memory;
pub mod audit;
pub mod auth;
pub mod client_key;
pub mod clock;
pub mod error;
pub mod feed;
pub mod iso8601;
pub mod jwt;
pub mod keys;
pub mod list_query;
pub mod password;
pub mod password_policy;
pub mod pii;
pub mod revocation;
pub mod revocation_key;
pub mod scoped_secret;
pub mod scopes;
pub mod secret;
pub mod settings;
pub mod signing;
pub mod stats;
pub mod store;
pub mod text;
pub mod token_kind;
pub mod user;
pub mod user_query;
pub mod workers;

pub use auth::{ApiKeySettings, Auth, LoginOutcome, Validated};
pub use client_key::ClientKey;
pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use error::{Error, Rejection, Result};
pub use password_policy::{PasswordPolicy, WeakPassword};
pub use pii::{Pii, PiiLog};
pub use revocation_key::RevocationKey;
pub use settings::{AuthSettings, SessionLimitPolicy};
pub use store::Store;
pub use token_kind::{classify, prefixed_kind, TokenKind};
pub use user::{Permission, Role, User, Username};
