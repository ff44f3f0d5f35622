//! The keys in memory: which one signs now, which ones verify, which ones are published.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm,
    OctetKeyPairParameters, OctetKeyPairType, PublicKeyUse,
};
use jsonwebtoken::{DecodingKey, EncodingKey};
use ring::signature::Ed25519KeyPair;

use super::material::hs512_bytes;
use super::{installation_kid, Kek, KeyAlg, KeyPolicy, StoredKey};
use crate::error::{Error, Result};
use crate::jwt::{encoded_header, ACCESS_TYP};
use crate::keys::SigningKey;
use crate::Timestamp;

/// Where a key stands at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Published (if Ed25519), not signing yet.
    Pending,
    /// The key that signs.
    Signing,
    /// Replaced, still verifying (and published) until tokens it signed have expired.
    Verifying,
    /// Nothing it signed can still be live: neither verifying nor published.
    Expired,
    /// Retired by an operator: nothing it signed verifies.
    Retired,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Signing => "signing",
            Self::Verifying => "verifying",
            Self::Expired => "expired",
            Self::Retired => "retired",
        }
    }

    /// Whether tokens it signed verify.
    pub fn verifies(self) -> bool {
        matches!(self, Self::Pending | Self::Signing | Self::Verifying)
    }
}

/// The private part of a key, held once, in the form it signs with.
#[derive(Clone)]
pub(crate) enum PrivateKey {
    /// An HS512 secret.
    Hmac(EncodingKey),
    /// An Ed25519 key pair, opened once: `jsonwebtoken` reads the PKCS#8 document again and
    /// derives the public key at every signature, which costs as much as the signature itself.
    Ed25519(Arc<Ed25519KeyPair>),
}

/// The public part of a key, in the form it verifies with.
#[derive(Clone)]
pub(crate) enum VerifyingKey {
    /// An HS512 key whose padded blocks are hashed once, not for every token.
    Hmac(ring::hmac::Key),
    /// An Ed25519 public key, verified through `jsonwebtoken`.
    Ed25519(DecodingKey),
}

/// The signing and verifying forms of an HS512 secret.
fn hs512_parts(key: &SigningKey) -> (PrivateKey, VerifyingKey) {
    (
        PrivateKey::Hmac(EncodingKey::from_secret(key.expose())),
        VerifyingKey::Hmac(ring::hmac::Key::new(ring::hmac::HMAC_SHA512, key.expose())),
    )
}

/// One key, opened: ready to sign and to verify.
#[derive(Clone)]
pub struct LiveKey {
    pub(crate) kid: String,
    pub(crate) alg: KeyAlg,
    pub(crate) private: PrivateKey,
    pub(crate) verifying: VerifyingKey,
    /// The encoded header of the access tokens it signs: a presented token that starts with it
    /// names this key and nothing else, and needs no decoding.
    pub(crate) access_header: String,
    /// Tokens without a `kid` (signed before keys had ids) verify with this key: only the
    /// HS512 key of the configuration.
    pub(crate) takes_no_kid: bool,
    pub(crate) record: StoredKey,
}

impl std::fmt::Debug for LiveKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl LiveKey {
    /// The HS512 key the configuration gives (`JWT_SECRET_KEY` or the data directory's file).
    pub fn installation(key: &SigningKey, now: Timestamp) -> Self {
        let kid = installation_kid(key);
        let (private, verifying) = hs512_parts(key);
        Self {
            private,
            verifying,
            access_header: encoded_header(ACCESS_TYP, KeyAlg::Hs512.as_str(), &kid),
            takes_no_kid: true,
            record: StoredKey {
                kid: kid.clone(),
                alg: KeyAlg::Hs512,
                public_key: None,
                private_key: None,
                created_at: now,
                active_at: now,
                superseded_at: None,
                retired_at: None,
            },
            kid,
            alg: KeyAlg::Hs512,
        }
    }

    /// Opens a stored key. `None` for the configuration's HS512 key when the configuration now
    /// gives another one (its tokens can no longer be checked).
    fn open(
        stored: &StoredKey,
        kek: Option<&Kek>,
        installation: &SigningKey,
    ) -> Result<Option<Self>> {
        let Some(sealed) = &stored.private_key else {
            if stored.alg != KeyAlg::Hs512 || installation_kid(installation) != stored.kid {
                return Ok(None);
            }
            let mut key = Self::installation(installation, stored.created_at);
            key.record = stored.clone();
            return Ok(Some(key));
        };
        let kek = kek.ok_or_else(|| {
            Error::Internal("signing keys are stored, but no key-encryption key is given".into())
        })?;
        let private = kek.open(&stored.kid, sealed)?;
        let (private, verifying) = match stored.alg {
            KeyAlg::EdDsa => {
                let public = stored.public_key.as_deref().ok_or_else(|| {
                    Error::Internal(format!("signing key {} has no public part", stored.kid))
                })?;
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&private).map_err(|_| {
                    Error::Internal(format!("signing key {} cannot be read", stored.kid))
                })?;
                (
                    PrivateKey::Ed25519(Arc::new(pair)),
                    VerifyingKey::Ed25519(DecodingKey::from_ed_der(public)),
                )
            }
            KeyAlg::Hs512 => hs512_parts(&hs512_bytes(&private)?),
        };
        Ok(Some(Self {
            kid: stored.kid.clone(),
            alg: stored.alg,
            private,
            verifying,
            access_header: encoded_header(ACCESS_TYP, stored.alg.as_str(), &stored.kid),
            takes_no_kid: false,
            record: stored.clone(),
        }))
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn alg(&self) -> KeyAlg {
        self.alg
    }

    pub fn record(&self) -> &StoredKey {
        &self.record
    }

    /// Where the key stands at `now` under `policy`.
    pub fn state(&self, now: Timestamp, policy: &KeyPolicy) -> KeyState {
        state_of(&self.record, now, policy)
    }

    /// The public JWK (RFC 8037) of an Ed25519 key.
    fn jwk(&self) -> Option<Jwk> {
        let public = self.record.public_key.as_deref()?;
        (self.alg == KeyAlg::EdDsa).then(|| Jwk {
            common: CommonParameters {
                public_key_use: Some(PublicKeyUse::Signature),
                key_algorithm: Some(KeyAlgorithm::EdDSA),
                key_id: Some(self.kid.clone()),
                ..CommonParameters::default()
            },
            algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
                key_type: OctetKeyPairType::OctetKeyPair,
                curve: EllipticCurve::Ed25519,
                x: B64.encode(public),
            }),
        })
    }
}

/// Where `key` stands at `now` under `policy`.
pub fn state_of(key: &StoredKey, now: Timestamp, policy: &KeyPolicy) -> KeyState {
    if key.retired_at.is_some_and(|at| at <= now) {
        return KeyState::Retired;
    }
    match key.superseded_at {
        Some(at) if at <= now => {
            if at + policy.token_lifetime <= now {
                KeyState::Expired
            } else {
                KeyState::Verifying
            }
        }
        _ if key.active_at > now => KeyState::Pending,
        _ => KeyState::Signing,
    }
}

/// Every key this instance knows, under one policy.
#[derive(Debug)]
pub struct KeySet {
    keys: Vec<LiveKey>,
    policy: KeyPolicy,
}

impl KeySet {
    /// Only the configuration's HS512 key, signing.
    pub fn installation(key: &SigningKey, policy: KeyPolicy) -> Self {
        Self {
            keys: vec![LiveKey::installation(key, 0)],
            policy,
        }
    }

    /// The stored keys, opened. A key that cannot be opened is an error (a wrong
    /// key-encryption key must not start a server that cannot verify its own tokens).
    pub fn open(
        stored: &[StoredKey],
        kek: Option<&Kek>,
        installation: &SigningKey,
        policy: KeyPolicy,
    ) -> Result<Self> {
        let mut keys = Vec::with_capacity(stored.len());
        for s in stored {
            if let Some(key) = LiveKey::open(s, kek, installation)? {
                keys.push(key);
            }
        }
        Ok(Self { keys, policy })
    }

    pub fn policy(&self) -> &KeyPolicy {
        &self.policy
    }

    pub fn keys(&self) -> &[LiveKey] {
        &self.keys
    }

    /// The key that signs at `now`: of those that have started signing and are not retired,
    /// the one that started last.
    pub fn signer(&self, now: Timestamp) -> Option<&LiveKey> {
        self.keys
            .iter()
            .filter(|k| k.record.retired_at.is_none_or(|at| at > now))
            .filter(|k| k.record.active_at <= now)
            .max_by_key(|k| (k.record.active_at, k.record.created_at))
    }

    /// The key a token naming `kid` (or, from before keys had ids, none) verifies with.
    pub fn verifier(&self, kid: Option<&str>, now: Timestamp) -> Option<&LiveKey> {
        let key = match kid {
            Some(kid) => self.keys.iter().find(|k| k.kid == kid)?,
            None => self.keys.iter().find(|k| k.takes_no_kid)?,
        };
        key.state(now, &self.policy).verifies().then_some(key)
    }

    /// The key whose access tokens start with the encoded header `header`, if it verifies at
    /// `now`.
    pub fn access_verifier(&self, header: &str, now: Timestamp) -> Option<&LiveKey> {
        let key = self.keys.iter().find(|k| k.access_header == header)?;
        key.state(now, &self.policy).verifies().then_some(key)
    }

    /// The JWKS at `now`: the public keys of every Ed25519 key that may have signed a live
    /// token, or is about to sign.
    pub fn jwks(&self, now: Timestamp) -> JwkSet {
        JwkSet {
            keys: self
                .keys
                .iter()
                .filter(|k| k.state(now, &self.policy).verifies())
                .filter_map(LiveKey::jwk)
                .collect(),
        }
    }

    /// Whether any key that verified under `before` no longer does here at `now` (retired):
    /// what was verified with it must be verified again.
    pub fn retires_any_of(&self, before: &KeySet, now: Timestamp) -> bool {
        before.keys.iter().any(|old| {
            old.state(now, &before.policy).verifies()
                && self
                    .keys
                    .iter()
                    .find(|k| k.kid == old.kid)
                    .is_none_or(|k| !k.state(now, &self.policy).verifies())
        })
    }
}
