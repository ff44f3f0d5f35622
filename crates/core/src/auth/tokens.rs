//! Validating access tokens and logging out.

use std::sync::Arc;

use tracing::warn;

use super::client_tokens::ClientValidated;
use super::profiles::Profile;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::jwt::{Claims, CLIENT_TYPE};
use crate::revocation_key::RevocationKey;
use crate::secret;
use crate::store::RevokeReason;
use crate::token_kind::{classify, prefixed_kind, TokenKind};
use crate::user::Role;

/// Who presented a valid access token.
#[derive(Debug, Clone)]
pub struct Validated {
    pub username: String,
    pub fullname: String,
    pub role: Role,
    pub session_id: String,
    pub expires_at: i64,
    /// The token says its user must change their password: it is good for nothing else.
    pub must_change_password: bool,
}

/// A valid access token: a user's, or a service client's own.
#[derive(Debug, Clone)]
pub(super) enum Verified {
    User(Validated),
    Client(ClientValidated),
}

/// A store that cannot answer during validation means "no", as 503, never "yes".
pub(super) fn fail_closed(e: Error) -> Error {
    match e {
        Error::Storage(detail) => {
            warn!(error = %detail, "validation cannot reach the store: refusing");
            Error::Unavailable("cannot check revocations now; retry shortly".into())
        }
        other => other,
    }
}

impl Auth {
    /// Verifies an access token by signature, claims and the in-memory revocation set; the
    /// database is read only when the user's profile is not cached. A token of a user who must
    /// change their password is refused ([`Error::PasswordChangeRequired`]).
    pub async fn validate_access(&self, token: &str) -> Result<Validated> {
        let validated = self.validate_access_for_password_change(token).await?;
        if validated.must_change_password {
            return Err(Error::PasswordChangeRequired);
        }
        Ok(validated)
    }

    /// As [`Auth::validate_access`], but a token of a user who must change their password is
    /// accepted: for changing it, and for logging out.
    pub async fn validate_access_for_password_change(&self, token: &str) -> Result<Validated> {
        match self.validate_jwt(token).await?.1 {
            Verified::User(v) => Ok(v),
            Verified::Client(_) => Err(Error::InvalidToken(
                "a client token is not a user's access token".into(),
            )),
        }
    }

    /// Validates a JWT of the access-token profile, a user's or a service client's, with its
    /// claims.
    pub(super) async fn validate_jwt(&self, token: &str) -> Result<(Arc<Claims>, Verified)> {
        let wrong_kind = match prefixed_kind(token) {
            Some(TokenKind::SessionRefresh) => Some("a refresh token is not an access token"),
            Some(TokenKind::Scoped) => Some("a scoped token is not an access token"),
            Some(TokenKind::ApiKeyRefresh) => {
                Some("an API-key refresh token is not an access token")
            }
            _ => None,
        };
        if let Some(reason) = wrong_kind {
            return Err(Error::InvalidToken(reason.into()));
        }
        let now = self.clock.now();
        let claims = match self
            .stats
            .verified_tokens
            .count(self.verified.get(token, now))
        {
            Some(claims) => {
                // Signature and fixed claims were verified; time moves on.
                let c = &claims;
                self.jwt
                    .check_registered(&c.iss, &c.aud, c.exp, c.nbf, c.iat, now)?;
                claims
            }
            None => {
                let claims = Arc::new(self.jwt.verify_any_access(token, now)?);
                self.verified.put(token, claims.clone(), now);
                claims
            }
        };
        // Revocations are kept for the current lifetime only (and read back at start-up for
        // no longer), so a token issued for longer, under a larger SESSION_TIMEOUT, could
        // outlive its session's revocation. `exp` and `iat` come from one clock: no leeway.
        if claims.exp.saturating_sub(claims.iat) > self.settings.access_ttl {
            return Err(Error::InvalidToken(
                "access token issued for longer than SESSION_TIMEOUT now allows".into(),
            ));
        }
        if claims.kind == CLIENT_TYPE {
            let client = self.validate_client_claims(&claims, now).await?;
            return Ok((claims, Verified::Client(client)));
        }
        let session = RevocationKey::Session(claims.sid.clone());
        if self.revoked.contains(&session) {
            return Err(Error::InvalidToken("session revoked".into()));
        }
        if !self.feed_live()
            && self
                .store
                .is_session_revoked(&claims.sid)
                .await
                .map_err(fail_closed)?
        {
            self.remember_revoked(&session, now);
            return Err(Error::InvalidToken("session revoked".into()));
        }
        let profile = self.profile(&claims.sub, now).await.map_err(fail_closed)?;
        if profile.disabled {
            return Err(Error::InvalidToken("account disabled".into()));
        }
        let validated = Validated {
            username: claims.sub.clone(),
            fullname: profile.fullname,
            role: profile.role,
            session_id: claims.sid.clone(),
            expires_at: claims.exp,
            must_change_password: claims.pwc,
        };
        Ok((claims, Verified::User(validated)))
    }

    pub(super) async fn profile(&self, username: &str, now: i64) -> Result<Profile> {
        if let Some(p) = self.stats.profiles.count(self.profiles.get(username, now)) {
            return Ok(p);
        }
        let user = self
            .store
            .user(username)
            .await?
            .ok_or_else(|| Error::InvalidToken("unknown user".into()))?;
        Ok(self.profiles.put(username, &user, now))
    }
}

impl Auth {
    /// Ends the session of an access token or of a refresh token; returns the username.
    pub async fn logout(&self, token: &str) -> Result<String> {
        let now = self.clock.now();
        let (session_id, username) = if classify(token) == TokenKind::SessionRefresh {
            self.store
                .session_of_refresh(&secret::hash(token), now)
                .await?
                .ok_or_else(|| Error::InvalidToken("unknown or expired refresh token".into()))?
        } else {
            let v = self.validate_access_for_password_change(token).await?;
            (v.session_id, v.username)
        };
        let audit = self
            .event(AuditKind::Logout)
            .user(username.clone())
            .detail("session_id", session_id.clone());
        self.store
            .revoke_session_audited(&session_id, now, RevokeReason::Logout, &[audit])
            .await?;
        self.revoked_here(&[RevocationKey::Session(session_id)], now)
            .await;
        Ok(username)
    }
}
