//! Validating scoped tokens from memory: the cached record, the revocation set, and for a
//! personal token its owner's cached profile. The store is read on a cache miss only (and
//! for every validation while the revocation feed is down).

use std::net::IpAddr;

use super::client_tokens::ClientValidated;
use super::tokens::{fail_closed, Validated, Verified};
use super::Auth;
use crate::audit::AuditEvent;
use crate::error::{Error, Result};
use crate::revocation_key::RevocationKey;
use crate::scoped_secret::is_well_formed;
use crate::scopes::Scopes;
use crate::secret;
use crate::store::{TokenOwner, TokenRecord};
use crate::token_kind::{prefixed_kind, TokenKind};

/// A valid scoped token, with the rights it has now.
#[derive(Debug, Clone)]
pub struct ScopedValidated {
    pub token_id: String,
    /// `token-<id>` for a resource token, the owner for a personal one.
    pub username: String,
    pub fullname: String,
    /// `Token <description>` for a resource token, the owner for a personal one.
    pub actor: String,
    /// The resource a resource token belongs to.
    pub resource: Option<String>,
    /// A personal token's scopes within its owner's current role; a resource token's scopes.
    pub scopes: Scopes,
    pub expires_at: Option<i64>,
}

/// Who presented a bearer credential.
#[derive(Debug, Clone)]
pub enum Identity {
    Access(Validated),
    Scoped(ScopedValidated),
    /// A service client's own access token.
    Client(ClientValidated),
}

impl Identity {
    /// `access`, `personal_token` or `resource_token`.
    pub fn kind(&self) -> &'static str {
        match self {
            Identity::Access(_) => "access",
            Identity::Scoped(s) if s.resource.is_some() => "resource_token",
            Identity::Scoped(_) => "personal_token",
            Identity::Client(_) => "client",
        }
    }

    /// `client:<client_id>` for a client token.
    pub fn username(&self) -> String {
        match self {
            Identity::Access(v) => v.username.clone(),
            Identity::Scoped(s) => s.username.clone(),
            Identity::Client(c) => c.subject(),
        }
    }

    /// A client token's client's name.
    pub fn fullname(&self) -> &str {
        match self {
            Identity::Access(v) => &v.fullname,
            Identity::Scoped(s) => &s.fullname,
            Identity::Client(c) => &c.name,
        }
    }

    /// `client:<client_id>` for a client token.
    pub fn actor(&self) -> String {
        match self {
            Identity::Access(v) => v.username.clone(),
            Identity::Scoped(s) => s.actor.clone(),
            Identity::Client(c) => c.subject(),
        }
    }

    pub fn resource(&self) -> Option<&str> {
        match self {
            Identity::Access(_) | Identity::Client(_) => None,
            Identity::Scoped(s) => s.resource.as_deref(),
        }
    }

    pub fn scopes(&self) -> Option<&Scopes> {
        match self {
            Identity::Access(_) | Identity::Client(_) => None,
            Identity::Scoped(s) => Some(&s.scopes),
        }
    }

    /// A client token's scopes (OAuth 2.0 scope strings).
    pub fn client_scopes(&self) -> Option<&[String]> {
        match self {
            Identity::Client(c) => Some(&c.scopes),
            _ => None,
        }
    }

    /// For a service that accepts only tokens of one resource: anything else is a valid
    /// credential without the right (`Error::Forbidden`).
    pub fn expect_resource(&self, expected: &str) -> Result<()> {
        match self.resource() {
            Some(r) if r == expected => Ok(()),
            Some(r) => Err(Error::Forbidden(format!(
                "this token belongs to resource {r}, not {expected}"
            ))),
            None => Err(Error::Forbidden(format!(
                "this credential is not a token of resource {expected}"
            ))),
        }
    }
}

impl Auth {
    /// Validates any bearer credential: a scoped token, or else an access token. `ip` is
    /// where it was presented from (recorded as a scoped token's last use).
    pub async fn validate_bearer(&self, token: &str, ip: Option<IpAddr>) -> Result<Identity> {
        if prefixed_kind(token) == Some(TokenKind::Scoped) {
            let ip = ip.map(|ip| ip.to_string());
            return self.validate_scoped(token, ip).await.map(Identity::Scoped);
        }
        match self.validate_jwt(token).await?.1 {
            Verified::User(v) if v.must_change_password => Err(Error::PasswordChangeRequired),
            Verified::User(v) => Ok(Identity::Access(v)),
            Verified::Client(c) => Ok(Identity::Client(c)),
        }
    }

    pub async fn validate_scoped(
        &self,
        token: &str,
        ip: Option<String>,
    ) -> Result<ScopedValidated> {
        if !is_well_formed(token) {
            return Err(Error::InvalidToken("malformed scoped token".into()));
        }
        let hash = secret::hash(token);
        let now = self.clock.now();
        let cached = if self.feed_live() {
            self.stats.scoped_tokens.count(self.tokens.get(&hash, now))
        } else {
            None
        };
        let record = match cached {
            Some(record) => record,
            None => {
                let record = self
                    .store
                    .token_by_hash(&hash)
                    .await
                    .map_err(fail_closed)?
                    .ok_or_else(|| Error::InvalidToken("unknown token".into()))?;
                self.tokens.put(&hash, record.clone(), now);
                record
            }
        };
        if record.revoked_at.is_some()
            || self
                .revoked
                .contains(&RevocationKey::ScopedToken(record.id.clone()))
        {
            return Err(Error::InvalidToken("token revoked".into()));
        }
        if record.expires_at.is_some_and(|at| at <= now) {
            return Err(Error::TokenExpired);
        }
        let validated = self.rights_now(record, now).await?;
        self.token_uses.record(&validated.token_id, now, ip);
        Ok(validated)
    }

    async fn rights_now(&self, record: TokenRecord, now: i64) -> Result<ScopedValidated> {
        let scopes = Scopes::from_json(&record.scopes)?;
        Ok(match record.owner {
            TokenOwner::User(owner) => {
                let profile = self.profile(&owner, now).await.map_err(fail_closed)?;
                if profile.disabled {
                    return Err(Error::InvalidToken("account disabled".into()));
                }
                ScopedValidated {
                    token_id: record.id,
                    actor: owner.clone(),
                    username: owner,
                    fullname: profile.fullname,
                    resource: None,
                    scopes: scopes.within(profile.role),
                    expires_at: record.expires_at,
                }
            }
            TokenOwner::Resource(resource) => {
                let actor = format!("Token {}", record.description);
                ScopedValidated {
                    username: format!("token-{}", record.id),
                    token_id: record.id,
                    fullname: actor.clone(),
                    actor,
                    resource: Some(resource),
                    scopes,
                    expires_at: record.expires_at,
                }
            }
        })
    }

    /// Revokes a scoped token in the store, then here and on every instance at once.
    pub(super) async fn revoke_scoped(&self, id: &str, audit: AuditEvent) -> Result<()> {
        let now = self.clock.now();
        if !self.store.revoke_token_audited(id, now, &[audit]).await? {
            return Err(Error::NotFound(format!("no live token {id}")));
        }
        self.revoked_here(&[RevocationKey::ScopedToken(id.to_string())], now)
            .await;
        Ok(())
    }
}
