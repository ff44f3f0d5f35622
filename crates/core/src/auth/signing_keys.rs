//! The signing keys: read from the store at start-up (the first key made on a new
//! installation), read again when any instance changes them, rotated on schedule or by an
//! operator, retired by an operator.

use std::sync::atomic::{AtomicBool, Ordering};

use jsonwebtoken::jwk::JwkSet;

use super::Auth;
use crate::error::{Error, Result};
use crate::keys::SigningKey;
use crate::revocation_key::RevocationKey;
use crate::signing::{self, installation_kid, Kek, KeyAlg, KeyPolicy, KeySet, StoredKey};

/// What the stored keys are opened with.
#[derive(Default)]
pub(super) struct Signing {
    kek: Option<Kek>,
    installation: Option<SigningKey>,
    policy: KeyPolicy,
    /// A change was announced: read the keys again at the next catch-up.
    pub(super) stale: AtomicBool,
}

/// How a server's keys start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstKey {
    /// A new installation: an Ed25519 key, made now.
    EdDsa,
    /// An existing installation, or one given `JWT_SECRET_KEY`: the configuration's HS512 key.
    Installation,
}

impl Auth {
    /// Keys are stored, sealed under `kek`; the configuration's HS512 key is `installation`
    /// (it signs API keys, and access tokens until the installation moves to Ed25519).
    pub fn with_signing_keys(
        mut self,
        kek: Option<Kek>,
        installation: SigningKey,
        policy: KeyPolicy,
    ) -> Self {
        self.signing.kek = kek;
        self.signing.installation = Some(installation);
        self.signing.policy = policy;
        self
    }

    pub fn key_policy(&self) -> &KeyPolicy {
        &self.signing.policy
    }

    fn installation_key(&self) -> Result<&SigningKey> {
        self.signing
            .installation
            .as_ref()
            .ok_or_else(|| Error::Internal("no signing keys configured".into()))
    }

    fn kek(&self) -> Result<&Kek> {
        self.signing.kek.as_ref().ok_or_else(|| {
            Error::BadRequest("no key-encryption key is configured (key_encryption_key)".into())
        })
    }

    /// Makes the first key when the store has none (`first` says which), takes a changed
    /// `JWT_SECRET_KEY` on an installation that signs with it, and reads the keys.
    pub async fn start_signing_keys(&self, first: FirstKey) -> Result<()> {
        let now = self.clock.now();
        let installation = self.installation_key()?;
        let stored = self.store.signing_keys().await?;
        let newest = stored
            .iter()
            .find(|k| k.superseded_at.is_none() && k.retired_at.is_none());
        let add = match newest {
            None if first == FirstKey::EdDsa => {
                Some(signing::generate(KeyAlg::EdDsa, self.kek()?, now, now)?)
            }
            None => Some(installation_record(installation, now)),
            Some(k) if k.private_key.is_none() && k.kid != installation_kid(installation) => {
                tracing::warn!(
                    "JWT_SECRET_KEY changed: tokens signed with the previous one are refused"
                );
                Some(installation_record(installation, now))
            }
            Some(_) => None,
        };
        if let Some(key) = add {
            let replaces = newest.map(|k| k.kid.as_str());
            match self.store.add_signing_key(&key, replaces).await {
                Ok(()) | Err(Error::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        self.reload_keys().await
    }

    /// Reads the keys from the store. Tokens verified with a key that is now retired are
    /// verified again.
    pub async fn reload_keys(&self) -> Result<()> {
        self.signing.stale.store(false, Ordering::SeqCst);
        let stored = self.store.signing_keys().await?;
        let keys = KeySet::open(
            &stored,
            self.signing.kek.as_ref(),
            self.installation_key()?,
            self.signing.policy,
        )?;
        let now = self.clock.now();
        if keys.retires_any_of(&self.jwt.keys(), now) {
            self.verified.clear();
        }
        self.jwt.set_keys(keys);
        Ok(())
    }

    /// Reads the keys again now if another instance announced a change (the feed's listener
    /// calls it after each message, so a rotation or retirement is taken up within the
    /// propagation bound); when the store cannot answer, the next catch-up tries again.
    pub async fn take_up_key_changes(&self) {
        if let Err(e) = self.reload_keys_if_stale().await {
            self.signing.stale.store(true, Ordering::SeqCst);
            tracing::warn!(error = %e, "cannot read the changed signing keys; trying again at the next catch-up");
        }
    }

    pub(super) async fn reload_keys_if_stale(&self) -> Result<()> {
        if self.signing.installation.is_some() && self.signing.stale.load(Ordering::SeqCst) {
            self.reload_keys().await?;
        }
        Ok(())
    }

    /// Every key as the store has it, oldest first.
    pub async fn signing_keys(&self) -> Result<Vec<StoredKey>> {
        self.store.signing_keys().await
    }

    /// The keys in memory now.
    pub fn key_set(&self) -> std::sync::Arc<KeySet> {
        self.jwt.keys()
    }

    /// The public keys verifiers fetch (RFC 7517).
    pub fn jwks(&self) -> JwkSet {
        self.jwt.keys().jwks(self.clock.now())
    }

    /// Adds a new key of `alg` (default: the newest key's algorithm), published now and
    /// signing one JWKS max-age from now, and never in the same second as a key before it (the
    /// key that signs is the one that started last: a tie would leave the choice to the order
    /// the keys are read in); the key it replaces keeps verifying until the tokens it signed
    /// have expired.
    pub async fn rotate_keys(&self, alg: Option<KeyAlg>) -> Result<StoredKey> {
        let now = self.clock.now();
        let stored = self.store.signing_keys().await?;
        let newest = stored
            .iter()
            .find(|k| k.superseded_at.is_none() && k.retired_at.is_none());
        let alg = alg.or(newest.map(|k| k.alg)).unwrap_or(KeyAlg::EdDsa);
        let after_the_others = stored.iter().map(|k| k.active_at + 1).max();
        let active_at =
            (now + self.signing.policy.jwks_max_age).max(after_the_others.unwrap_or(now));
        let key = signing::generate(alg, self.kek()?, now, active_at)?;
        self.store
            .add_signing_key(&key, newest.map(|k| k.kid.as_str()))
            .await?;
        self.keys_changed(&key.kid, now).await?;
        Ok(key)
    }

    /// Rotates when the newest key has signed for `rotation_days`; `None` when not due, when
    /// the newest key is the configuration's HS512 key (never rotated on schedule), or when
    /// another instance rotated first.
    pub async fn rotate_keys_if_due(&self) -> Result<Option<StoredKey>> {
        let days = i64::from(self.signing.policy.rotation_days);
        if days == 0 {
            return Ok(None);
        }
        let now = self.clock.now();
        let stored = self.store.signing_keys().await?;
        let Some(newest) = stored
            .iter()
            .find(|k| k.superseded_at.is_none() && k.retired_at.is_none())
        else {
            return Ok(None);
        };
        // The configuration's HS512 key may be held outside tessera (JWT_SECRET_KEY shared with
        // services that verify with it): only an operator replaces it.
        if newest.private_key.is_none() || newest.active_at + days * 86_400 > now {
            return Ok(None);
        }
        match self.rotate_keys(None).await {
            Ok(key) => Ok(Some(key)),
            Err(Error::Conflict(_)) => {
                self.reload_keys().await?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Retires a key now: nothing it signed verifies any more, on any instance. The newest key
    /// cannot be retired (rotate first). False when there is no such key or it is retired.
    pub async fn retire_key(&self, kid: &str) -> Result<bool> {
        let now = self.clock.now();
        let stored = self.store.signing_keys().await?;
        let Some(key) = stored.iter().find(|k| k.kid == kid) else {
            return Ok(false);
        };
        if key.superseded_at.is_none() && key.retired_at.is_none() {
            return Err(Error::Conflict(
                "the newest key cannot be retired: rotate first".into(),
            ));
        }
        if key.kid == installation_kid(self.installation_key()?) {
            tracing::warn!("retiring the configuration's key: API keys stay signed with it");
        }
        let done = self.store.retire_signing_key(kid, now).await?;
        if done {
            self.keys_changed(kid, now).await?;
        }
        Ok(done)
    }

    /// Reads the keys again here and tells the other instances.
    async fn keys_changed(&self, kid: &str, now: i64) -> Result<()> {
        self.reload_keys().await?;
        self.revoked_here(&[RevocationKey::SigningKey(kid.to_string())], now)
            .await;
        self.signing.stale.store(false, Ordering::SeqCst);
        Ok(())
    }
}

/// The store's record of the configuration's HS512 key: its material stays in the
/// configuration.
fn installation_record(key: &SigningKey, now: i64) -> StoredKey {
    StoredKey {
        kid: installation_kid(key),
        alg: KeyAlg::Hs512,
        public_key: None,
        private_key: None,
        created_at: now,
        active_at: now,
        superseded_at: None,
        retired_at: None,
    }
}
