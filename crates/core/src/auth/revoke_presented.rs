//! Revoking whatever credential is presented (RFC 7009): the holder's proof is the token
//! itself. An access or refresh token ends its session (as a logout does), a client token
//! ends alone, a personal or resource token, an API key (with its refresh chain) end as their
//! own revocation does (an API key's refresh token like its key); each through the revocation feed, so on every instance. A credential
//! that is unknown or no longer live needs nothing and is no error.

use tracing::info;

use super::tokens::Verified;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::revocation_key::RevocationKey;
use crate::secret::{self, REFRESH_PREFIX};
use crate::store::{ApiKeyRevokeReason, RevokeReason};
use crate::token_kind::{classify, TokenKind};

/// A refusal means "nothing to revoke"; a store that cannot answer stays an error.
fn nothing_on_refusal<T>(outcome: Result<T>) -> Result<Option<T>> {
    match outcome {
        Ok(v) => Ok(Some(v)),
        Err(e @ (Error::Unavailable(_) | Error::Storage(_) | Error::Internal(_))) => Err(e),
        Err(_) => Ok(None),
    }
}

impl Auth {
    /// Revokes the credential `token`, if it is live; true when it revoked something.
    pub async fn revoke_presented(&self, token: &str) -> Result<bool> {
        let token = token.trim();
        let now = self.clock.now();
        match classify(token) {
            TokenKind::Access => {
                let Some((claims, verified)) = nothing_on_refusal(self.validate_jwt(token).await)?
                else {
                    return Ok(false);
                };
                match verified {
                    Verified::User(v) => {
                        self.end_presented_session(&v.session_id, &v.username).await
                    }
                    Verified::Client(c) => {
                        let audit = self
                            .event(AuditKind::TokenRevoked)
                            .detail("client_id", c.client_id.clone())
                            .detail("jti", claims.jti.clone());
                        self.store
                            .revoke_client_token(
                                &claims.jti,
                                &c.client_id,
                                claims.exp,
                                now,
                                &[audit],
                            )
                            .await?;
                        self.revoked_here(&[RevocationKey::Client(claims.jti.clone())], now)
                            .await;
                        info!(client = %c.client_id, "client token revoked");
                        Ok(true)
                    }
                }
            }
            TokenKind::SessionRefresh => {
                if !secret::has_shape(token, REFRESH_PREFIX) {
                    return Ok(false);
                }
                let found = self
                    .store
                    .session_of_refresh(&secret::hash(token), now)
                    .await?;
                match found {
                    Some((session_id, username)) => {
                        self.end_presented_session(&session_id, &username).await
                    }
                    None => Ok(false),
                }
            }
            TokenKind::Scoped => {
                let Some(v) = nothing_on_refusal(self.validate_scoped(token, None).await)? else {
                    return Ok(false);
                };
                let mut audit = self
                    .event(AuditKind::TokenRevoked)
                    .detail("id", v.token_id.clone());
                if let Some(resource) = &v.resource {
                    audit = audit.detail("resource", resource.clone());
                }
                nothing_on_refusal(self.revoke_scoped(&v.token_id, audit).await)
                    .map(|r| r.is_some())
            }
            TokenKind::ApiKey => {
                let Some(claims) = nothing_on_refusal(self.live_apikey(token).await)? else {
                    return Ok(false);
                };
                self.end_presented_apikey(&claims.jti, &claims.usr).await
            }
            TokenKind::ApiKeyRefresh => match self.live_apikey_refresh(token).await? {
                Some(key) => self.end_presented_apikey(&key.id, &key.username).await,
                None => Ok(false),
            },
            _ => Ok(false),
        }
    }

    /// Ends the refresh chain of API key `id` (the key and its refresh token), as revoking the
    /// key by its id does.
    async fn end_presented_apikey(&self, id: &str, username: &str) -> Result<bool> {
        let now = self.clock.now();
        let audit = self
            .event(AuditKind::ApikeyRevoked)
            .subject(username)
            .detail("id", id);
        let revoked = self
            .store
            .revoke_apikey_chain_audited(id, now, ApiKeyRevokeReason::Revoked, &[audit])
            .await?;
        self.apikeys_revoked_here(&revoked, now).await;
        Ok(!revoked.is_empty())
    }

    async fn end_presented_session(&self, session_id: &str, username: &str) -> Result<bool> {
        let now = self.clock.now();
        let audit = self
            .event(AuditKind::SessionRevoked)
            .subject(username)
            .detail("session_id", session_id);
        let revoked = self
            .store
            .revoke_session_audited(session_id, now, RevokeReason::Revoked, &[audit])
            .await?;
        self.revoked_here(&[RevocationKey::Session(session_id.to_string())], now)
            .await;
        Ok(revoked)
    }
}
