//! Rotating session refresh tokens: a successor derived from the presented token, so that a
//! retry within the reuse grace gets the very same pair; reuse revokes the session.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use tracing::{info, warn};

use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Rejection, Result};
use crate::revocation_key::RevocationKey;
use crate::secret::{self, REFRESH_PREFIX};
use crate::stats::RefreshResult;
use crate::store::{NextRefresh, Rotation};
use crate::token_kind::{classify, TokenKind};

/// A rotated pair. `Debug` shows neither token.
pub struct Refreshed {
    pub access_token: String,
    pub refresh_token: String,
}

impl std::fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Refreshed(<redacted>)")
    }
}

impl Auth {
    /// Rotates a refresh token. Presenting one that was already used revokes its whole session.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Refreshed> {
        let rotated = self.rotate(refresh_token).await;
        let outcome = match &rotated {
            Ok((_, true)) => RefreshResult::Retried,
            Ok(_) => RefreshResult::Rotated,
            Err(e) => RefreshResult::of_error(e),
        };
        self.stats.session_refreshes.add(outcome);
        rotated.map(|(pair, _)| pair)
    }

    /// The rotation, and whether it answered a retry within the reuse grace.
    async fn rotate(&self, refresh_token: &str) -> Result<(Refreshed, bool)> {
        let wrong_kind = match classify(refresh_token) {
            kind if kind.is_jwt() => Some("an access token is not a refresh token"),
            TokenKind::Scoped => Some("a scoped token is not a refresh token"),
            TokenKind::ApiKeyRefresh => {
                Some("an API-key refresh token is not a session refresh token")
            }
            _ => None,
        };
        if let Some(reason) = wrong_kind {
            return Err(Error::InvalidToken(reason.into()));
        }
        if !secret::has_shape(refresh_token, REFRESH_PREFIX) {
            return Err(Error::InvalidToken("malformed refresh token".into()));
        }
        let now = self.clock.now();
        let next = self.successor(refresh_token);
        let rotation = self
            .store
            .rotate_refresh(
                &secret::hash(refresh_token),
                &NextRefresh {
                    hash: next.hash,
                    expires_at: now + self.settings.refresh_ttl,
                    session_ttl: self.settings.session_ttl,
                    reuse_grace: self.settings.refresh_reuse_grace,
                    on_reuse: Some(self.event(AuditKind::RefreshReuseDetected).failed()),
                    client: super::sessions::session_client(crate::audit::client_ip()),
                },
                now,
            )
            .await?;
        let (session_id, username, issued_at, retried) = match rotation {
            Rotation::Rotated {
                session_id,
                username,
            } => (session_id, username, now, false),
            Rotation::Retried {
                session_id,
                username,
                issued_at,
            } => {
                info!(username = %self.log.name(&username), "refresh retried within the reuse grace: the same pair again");
                (session_id, username, issued_at, true)
            }
            Rotation::Reused {
                session_id,
                username,
            } => {
                warn!(username = %self.log.name(&username), "refresh token reuse: session revoked");
                self.revoked_here(&[RevocationKey::Session(session_id)], now)
                    .await;
                return Err(Error::RefreshReuse);
            }
            Rotation::Revoked => return Err(Error::InvalidToken("session revoked".into())),
            Rotation::SessionEnded => {
                return Err(Error::Rejected(
                    Rejection::SessionEnded,
                    "the session reached its absolute lifetime; log in again".into(),
                ))
            }
            Rotation::Expired => return Err(Error::TokenExpired),
            Rotation::Unknown => return Err(Error::InvalidToken("unknown refresh token".into())),
        };
        let profile = self.profile(&username, now).await?;
        if profile.disabled {
            return Err(Error::InvalidToken("account disabled".into()));
        }
        let must_change = profile.must_change_password;
        let access_token =
            self.sign_access(&username, &session_id, must_change, issued_at, next.jti);
        let pair = Refreshed {
            access_token,
            refresh_token: next.plain,
        };
        Ok((pair, retried))
    }

    /// The successor of a refresh token, derived from it under the signing key: the refresh
    /// token that replaces it and the `jti` of the access token issued with it.
    ///
    /// Derived, not random, so that a retry of the same refresh (within the reuse grace) can be
    /// answered with the very same pair without the store keeping any of it in plain text:
    /// the store finds the successor by the hash of the same derivation, and the access token,
    /// signed again from the same claims (its `iat` is the successor's stored `issued_at`), is
    /// byte for byte the one first sent. Only the holder of the presented token (256 random
    /// bits) and of the key can derive its successor; the store alone (hashes) cannot.
    fn successor(&self, presented: &str) -> Successor {
        let secret = self.jwt.derive("refresh-successor", presented.as_bytes());
        let plain = format!("{REFRESH_PREFIX}{}", B64.encode(secret));
        let jti = self
            .jwt
            .derive("refresh-successor-jti", presented.as_bytes());
        Successor {
            hash: secret::hash(&plain),
            plain,
            jti: B64.encode(&jti[..16]),
        }
    }
}

/// A refresh token's successor: the new refresh token and its hash, and the `jti` of the access
/// token issued with it.
struct Successor {
    plain: String,
    hash: Vec<u8>,
    jti: String,
}
