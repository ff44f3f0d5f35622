//! Signing keys: every instance signs and verifies with the set kept here.

use async_trait::async_trait;

use crate::error::Result;
use crate::signing::StoredKey;
use crate::Timestamp;

#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// Every signing key, oldest first.
    async fn signing_keys(&self) -> Result<Vec<StoredKey>>;

    /// Adds `key` as the newest key, in one transaction with marking the key that was newest
    /// (`replaces`; `None` when there is none yet) as superseded from `key.active_at`.
    /// [`crate::Error::Conflict`] when `replaces` is no longer the newest key (another
    /// instance rotated first), and nothing is written.
    async fn add_signing_key(&self, key: &StoredKey, replaces: Option<&str>) -> Result<()>;

    /// Retires a key at `now`: nothing it signed verifies from then on. False when there is
    /// no such key, or it is retired already.
    async fn retire_signing_key(&self, kid: &str, now: Timestamp) -> Result<bool>;
}
