//! What a presented credential is, and whether it is live: for introspection (RFC 7662). Every
//! kind tessera issues is read the way its own validation reads it (from memory in steady
//! state; the store only for refresh tokens and for what memory does not hold). Anything not
//! live is `None`, whatever the reason; only a store that cannot answer is an error.

use super::apikeys::{ApiKeyClaims, REFRESH_PREFIX as APIKEY_REFRESH_PREFIX};
use super::tokens::Verified;
use super::Auth;
use crate::error::{Error, Result};
use crate::revocation_key::RevocationKey;
use crate::secret::{self, REFRESH_PREFIX};
use crate::store::ApiKeyRecord;
use crate::token_kind::{classify, TokenKind};

/// A live credential, in the terms of RFC 7662.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Introspected {
    /// `access_token`, `client_token`, `refresh_token`, `api_key`, `api_key_refresh_token`,
    /// `personal_token` or `resource_token`.
    pub token_type: &'static str,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub sub: Option<String>,
    pub aud: Option<String>,
    pub iss: Option<String>,
    pub exp: Option<i64>,
    pub iat: Option<i64>,
}

/// A refusal means "not live"; a store that cannot answer stays an error.
fn live<T>(outcome: Result<T>) -> Result<Option<T>> {
    match outcome {
        Ok(v) => Ok(Some(v)),
        Err(e @ (Error::Unavailable(_) | Error::Storage(_) | Error::Internal(_))) => Err(e),
        Err(_) => Ok(None),
    }
}

impl Auth {
    /// The live credential `token` is, or `None`.
    pub async fn introspect(&self, token: &str) -> Result<Option<Introspected>> {
        let token = token.trim();
        match classify(token) {
            TokenKind::Access => {
                let Some((claims, verified)) = live(self.validate_jwt(token).await)? else {
                    return Ok(None);
                };
                let (token_type, username) = match verified {
                    Verified::User(v) => ("access_token", Some(v.username)),
                    Verified::Client(_) => ("client_token", None),
                };
                Ok(Some(Introspected {
                    token_type,
                    scope: claims.scope.clone(),
                    client_id: claims.client_id.clone(),
                    username,
                    sub: Some(claims.sub.clone()),
                    aud: Some(claims.aud.clone()),
                    iss: Some(claims.iss.clone()),
                    exp: Some(claims.exp),
                    iat: Some(claims.iat),
                }))
            }
            TokenKind::ApiKey => {
                let Some(claims) = live(self.live_apikey(token).await)? else {
                    return Ok(None);
                };
                Ok(Some(Introspected {
                    token_type: "api_key",
                    username: Some(claims.usr.clone()),
                    sub: Some(claims.sub.clone()),
                    aud: Some(claims.aud.clone()),
                    iss: Some(claims.iss.clone()),
                    exp: Some(claims.exp),
                    iat: Some(claims.iat),
                    ..Introspected::default()
                }))
            }
            TokenKind::SessionRefresh => {
                if !secret::has_shape(token, REFRESH_PREFIX) {
                    return Ok(None);
                }
                let now = self.clock.now();
                let found = self
                    .store
                    .session_of_refresh(&secret::hash(token), now)
                    .await?;
                let Some((session_id, username)) = found else {
                    return Ok(None);
                };
                if self.revoked.contains(&RevocationKey::Session(session_id)) {
                    return Ok(None);
                }
                Ok(Some(Introspected {
                    token_type: "refresh_token",
                    username: Some(username.clone()),
                    sub: Some(username),
                    iss: Some(self.jwt.issuer().to_string()),
                    ..Introspected::default()
                }))
            }
            TokenKind::ApiKeyRefresh => {
                let Some(key) = self.live_apikey_refresh(token).await? else {
                    return Ok(None);
                };
                Ok(Some(Introspected {
                    token_type: "api_key_refresh_token",
                    username: Some(key.username),
                    sub: Some(key.subject),
                    aud: Some(key.audience),
                    iss: Some(self.jwt.issuer().to_string()),
                    exp: Some(key.refresh_expires_at),
                    iat: Some(key.created_at),
                    ..Introspected::default()
                }))
            }
            TokenKind::Scoped => {
                let Some(v) = live(self.validate_scoped(token, None).await)? else {
                    return Ok(None);
                };
                let personal = v.resource.is_none();
                Ok(Some(Introspected {
                    token_type: if personal {
                        "personal_token"
                    } else {
                        "resource_token"
                    },
                    scope: Some(v.scopes.strings().join(" ")),
                    username: Some(v.username.clone()),
                    sub: Some(v.username),
                    aud: v.resource,
                    iss: Some(self.jwt.issuer().to_string()),
                    exp: v.expires_at,
                    ..Introspected::default()
                }))
            }
            _ => Ok(None),
        }
    }

    /// The key an API-key refresh token belongs to, if that refresh token could be spent now:
    /// unspent, its key not revoked, within its time window. Read from the store, as a refresh
    /// reads it.
    pub(super) async fn live_apikey_refresh(&self, token: &str) -> Result<Option<ApiKeyRecord>> {
        if !secret::has_shape(token, APIKEY_REFRESH_PREFIX) {
            return Ok(None);
        }
        let now = self.clock.now();
        let Some(key) = self.store.apikey_of_refresh(&secret::hash(token)).await? else {
            return Ok(None);
        };
        let live = key.revoked_at.is_none()
            && key.refresh_not_before <= now
            && now < key.refresh_expires_at
            && !self
                .revoked
                .contains(&RevocationKey::ApiKey(key.id.clone()));
        Ok(live.then_some(key))
    }

    /// An API key's claims, if its signature and time hold and it is not revoked (whatever it
    /// is bound to: that is for its audience to check).
    pub(super) async fn live_apikey(&self, token: &str) -> Result<ApiKeyClaims> {
        let now = self.clock.now();
        let claims = ApiKeyClaims::verify(
            &self.jwt,
            token,
            now,
            self.settings.leeway,
            self.apikeys.max_ttl,
        )?;
        let key = RevocationKey::ApiKey(claims.jti.clone());
        let revoked = self.revoked.contains(&key)
            || (!self.feed_live()
                && self
                    .store
                    .is_apikey_revoked(&claims.jti)
                    .await
                    .map_err(super::tokens::fail_closed)?);
        if revoked {
            return Err(Error::InvalidToken("API key revoked".into()));
        }
        Ok(claims)
    }
}
