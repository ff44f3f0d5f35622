//! Issuing API keys and rotating their refresh tokens.

use tracing::{info, warn};

use super::{
    may_hold_apikeys, ApiKeyClaims, ApiKeyRequest, IssuedApiKey, APIKEY_TYPE, REFRESH_PREFIX,
};
use crate::audit::AuditKind;
use crate::auth::{Auth, Validated};
use crate::error::{Error, Rejection, Result};
use crate::revocation_key::RevocationKey;
use crate::secret::{self, new_secret, random_b64};
use crate::stats::RefreshResult;
use crate::store::{ApiKeyRotation, NewApiKey, NextApiKey};
use crate::text::check_printable;
use crate::token_kind::{classify, TokenKind};
use crate::Timestamp;

/// Longest audience or subject accepted, characters.
const MAX_NAME_CHARS: usize = 256;

fn check_name(what: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NAME_CHARS {
        return Err(Error::BadRequest(format!(
            "{what} must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    check_printable(what, value)?;
    Ok(value.to_string())
}

/// The refusal of a user whose role may not hold API keys, at creation, refresh and verify.
pub(super) fn not_permitted() -> Error {
    Error::Forbidden("API keys need the write permission".into())
}

/// `value` seconds, at least `min`, at most `max`.
fn seconds(what: &str, value: Option<i64>, default: i64, min: i64, max: i64) -> Result<i64> {
    let value = value.unwrap_or(default);
    if value < min || value > max {
        return Err(Error::BadRequest(format!(
            "{what} must be between {min} and {max} seconds"
        )));
    }
    Ok(value)
}

impl Auth {
    /// Whether the caller may create API keys (by the validated caller's role), checked before
    /// the body is read; creation checks again on the user as stored.
    pub fn may_create_apikeys(&self, caller: &Validated) -> Result<()> {
        if !may_hold_apikeys(caller.role) {
            return Err(not_permitted());
        }
        Ok(())
    }

    /// Issues a key and its refresh token to a user who may write (contributors and admins),
    /// as stored now; the key is stored only if the user has not changed since (and the
    /// caller's session is live).
    pub async fn create_apikey(
        &self,
        caller: &Validated,
        req: &ApiKeyRequest,
    ) -> Result<IssuedApiKey> {
        let (user, requires) = self.caller_now(caller).await?;
        if !may_hold_apikeys(user.role) {
            return Err(not_permitted());
        }
        let s = self.apikeys;
        let audience = check_name("audience", &req.audience)?;
        let subject = check_name("subject", &req.subject)?;
        let api_version = check_name("api_version", &req.api_version)?;
        let ttl = seconds("expires_in", req.expires_in, s.default_ttl, 1, s.max_ttl)?;
        let nbf = seconds("not_before", req.not_before, 0, 0, ttl - 1)?;
        let refresh_ttl = seconds(
            "refresh_expires_in",
            req.refresh_expires_in,
            s.refresh_ttl,
            1,
            s.refresh_ttl,
        )?;
        let refresh_nbf = seconds(
            "refresh_not_before",
            req.refresh_not_before,
            0,
            0,
            refresh_ttl - 1,
        )?;
        let now = self.clock.now();
        let id = random_b64(16);
        let refresh = new_secret(REFRESH_PREFIX);
        let key = NewApiKey {
            id: id.clone(),
            chain_id: id,
            username: caller.username.clone(),
            audience,
            subject,
            api_version,
            bound_ip: req.bound_ip.map(|ip| ip.to_canonical().to_string()),
            created_at: now,
            not_before: now + nbf,
            expires_at: now + ttl,
            refresh_hash: refresh.hash,
            refresh_not_before: now + refresh_nbf,
            refresh_expires_at: now + refresh_ttl,
            requires: Some(requires),
            user_limit: s.max_per_user,
        };
        let audit = self
            .event(AuditKind::ApikeyCreated)
            .actor(&caller.username)
            .subject(&key.username)
            .detail("id", key.id.clone())
            .detail("audience", key.audience.clone());
        self.store.create_apikey_audited(&key, &[audit]).await?;
        info!(username = %self.log.name(&key.username), id = %key.id, audience = %key.audience, "API key issued");
        Ok(self.issued(&key, refresh.plain))
    }

    fn issued(&self, key: &NewApiKey, refresh_token: String) -> IssuedApiKey {
        let claims = ApiKeyClaims {
            iss: self.jwt.issuer().to_string(),
            aud: key.audience.clone(),
            sub: key.subject.clone(),
            usr: key.username.clone(),
            ver: key.api_version.clone(),
            ipa: key.bound_ip.clone(),
            exp: key.expires_at,
            iat: key.created_at,
            nbf: key.not_before,
            jti: key.id.clone(),
            kind: APIKEY_TYPE.to_string(),
        };
        IssuedApiKey {
            id: key.id.clone(),
            apikey: claims.sign(&self.jwt),
            expires_at: key.expires_at,
            refresh_token,
            refresh_expires_at: key.refresh_expires_at,
        }
    }

    /// Spends an API-key refresh token for a new key and refresh token, with the same bindings
    /// and lifetimes. Presenting a spent one revokes every key of its chain. The store reads
    /// the user within the rotation (no cached profile), so a disabled user, or one whose role
    /// may no longer hold API keys, gets no successor.
    pub async fn refresh_apikey(&self, refresh_token: &str) -> Result<IssuedApiKey> {
        let rotated = self.rotate_apikey(refresh_token).await;
        let outcome = match &rotated {
            Ok(_) => RefreshResult::Rotated,
            Err(e) => RefreshResult::of_error(e),
        };
        self.stats.apikey_refreshes.add(outcome);
        rotated
    }

    async fn rotate_apikey(&self, refresh_token: &str) -> Result<IssuedApiKey> {
        match classify(refresh_token) {
            kind if kind.is_jwt() => {
                return Err(Error::InvalidToken(
                    "an access token or API key is not an API-key refresh token".into(),
                ))
            }
            TokenKind::SessionRefresh => {
                return Err(Error::InvalidToken(
                    "a session refresh token is not an API-key refresh token".into(),
                ))
            }
            _ => {}
        }
        if !secret::has_shape(refresh_token, REFRESH_PREFIX) {
            return Err(Error::InvalidToken(
                "malformed API-key refresh token".into(),
            ));
        }
        let now = self.clock.now();
        let next_secret = new_secret(REFRESH_PREFIX);
        let next = NextApiKey {
            id: random_b64(16),
            refresh_hash: next_secret.hash,
            on_reuse: Some(self.event(AuditKind::ApikeyReuseDetected).failed()),
        };
        let rotation = self
            .store
            .rotate_apikey(&secret::hash(refresh_token), &next, now)
            .await?;
        match rotation {
            ApiKeyRotation::Rotated { previous, key } => {
                self.apikeys_revoked_here(&[previous], now).await;
                Ok(self.issued(&key, next_secret.plain))
            }
            ApiKeyRotation::UserDisabled => Err(Error::InvalidToken("account disabled".into())),
            ApiKeyRotation::NotPermitted => Err(not_permitted()),
            ApiKeyRotation::Reused { username, revoked } => {
                warn!(username = %self.log.name(&username), keys = revoked.len(), "API-key refresh token reuse: chain revoked");
                self.apikeys_revoked_here(&revoked, now).await;
                Err(Error::Rejected(
                    Rejection::Reused,
                    "refresh token reuse detected; every key of its chain has been revoked".into(),
                ))
            }
            ApiKeyRotation::Revoked => Err(Error::Rejected(
                Rejection::Revoked,
                "API key revoked".into(),
            )),
            ApiKeyRotation::Expired => Err(Error::TokenExpired),
            ApiKeyRotation::NotYetValid => Err(Error::Rejected(
                Rejection::NotYetValid,
                "refresh token not valid yet".into(),
            )),
            ApiKeyRotation::Unknown => {
                Err(Error::InvalidToken("unknown API-key refresh token".into()))
            }
        }
    }

    /// Records keys this instance revoked (the refreshed one included) and tells the others.
    pub(crate) async fn apikeys_revoked_here(&self, ids: &[String], now: Timestamp) {
        let keys: Vec<RevocationKey> = ids.iter().cloned().map(RevocationKey::ApiKey).collect();
        self.revoked_here(&keys, now).await;
    }
}
