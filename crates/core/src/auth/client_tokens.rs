//! Service clients at work: authenticating with their secret, getting their own access token
//! (`client_credentials`), and that token validated. A client token is an access token of the
//! same profile (`at+jwt`) with `type` client, `sub` `client:<client_id>`, its scopes in
//! `scope`, and as `sid` the generation of the secret it was got with: replacing the secret or
//! removing the client revokes that generation, on every instance, like a session.

use std::net::IpAddr;
use std::sync::Arc;

use super::tokens::fail_closed;
use super::ttl_cache::TtlCache;
use super::Auth;
use crate::error::{Error, Result};
use crate::jwt::{Claims, ACCESS_TYP, CLIENT_SUB_PREFIX, CLIENT_TYPE};
use crate::revocation_key::RevocationKey;
use crate::secret::{self, random_b64};
use crate::store::ClientRecord;
use crate::Timestamp;

use super::clients::{check_scopes, words};

/// How long a client's record is trusted from memory, seconds. A replaced secret or a removed
/// client is known at once through the revocation of its generation; this bounds how stale a
/// name or the scopes granted can be.
const CLIENT_TTL: i64 = 30;
const CLIENT_CAP: usize = 10_000;

/// Longest client id and secret read; anything longer is no client's.
const MAX_CLIENT_ID: usize = 64;
const MAX_CLIENT_SECRET: usize = 128;

#[derive(Debug)]
pub struct ClientCache {
    inner: TtlCache<String, Arc<ClientRecord>>,
}

impl Default for ClientCache {
    fn default() -> Self {
        Self {
            inner: TtlCache::new(CLIENT_TTL, CLIENT_CAP),
        }
    }
}

impl ClientCache {
    pub fn forget(&self, client_id: &str) {
        self.inner.remove(client_id);
    }
}

/// A client's own access token. `Debug` leaves the token out.
pub struct IssuedClientToken {
    pub access_token: String,
    pub expires_in: i64,
    /// The scopes it carries, space-separated.
    pub scope: String,
}

impl std::fmt::Debug for IssuedClientToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedClientToken")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A valid client token.
#[derive(Debug, Clone)]
pub struct ClientValidated {
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub expires_at: Timestamp,
}

impl ClientValidated {
    /// `client:<client_id>`, the token's `sub`.
    pub fn subject(&self) -> String {
        format!("{CLIENT_SUB_PREFIX}{}", self.client_id)
    }
}

/// Whether two byte strings are equal, in a time that depends on their lengths only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && std::hint::black_box(a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y))) == 0
}

impl Auth {
    /// The live client `client_id`: from memory while the revocation feed is live and its
    /// secret's generation is not revoked, else from the store.
    async fn client_record(
        &self,
        client_id: &str,
        now: Timestamp,
    ) -> Result<Option<Arc<ClientRecord>>> {
        if self.feed_live() {
            if let Some(c) = self.clients.inner.get(client_id, now) {
                if !self
                    .revoked
                    .contains(&RevocationKey::Client(c.generation.clone()))
                {
                    return Ok(Some(c));
                }
            }
        }
        let Some(record) = self.store.client(client_id).await? else {
            self.clients.forget(client_id);
            return Ok(None);
        };
        let record = Arc::new(record);
        self.clients
            .inner
            .put(client_id.to_string(), record.clone(), now);
        Ok(Some(record))
    }

    /// The live client whose id and secret these are; any failure is
    /// [`Error::InvalidCredentials`]. Its use from `ip` is recorded.
    pub async fn authenticate_client(
        &self,
        client_id: &str,
        client_secret: &str,
        ip: Option<IpAddr>,
    ) -> Result<Arc<ClientRecord>> {
        if client_id.is_empty()
            || client_id.len() > MAX_CLIENT_ID
            || client_secret.is_empty()
            || client_secret.len() > MAX_CLIENT_SECRET
        {
            return Err(Error::InvalidCredentials);
        }
        let now = self.clock.now();
        let presented = secret::hash(client_secret);
        let record = self
            .client_record(client_id, now)
            .await?
            .filter(|c| same(&c.secret_hash, &presented))
            .ok_or(Error::InvalidCredentials)?;
        self.client_uses
            .record(&record.client_id, now, ip.map(|ip| ip.to_string()));
        Ok(record)
    }

    /// The `client_credentials` grant: an access token for the client, with the scopes it asks
    /// for (`requested`, space-separated; all it was granted when `None`). A malformed scope is
    /// `BadRequest`, one not granted `Forbidden`.
    pub fn issue_client_token(
        &self,
        client: &ClientRecord,
        requested: Option<&str>,
    ) -> Result<IssuedClientToken> {
        let granted = words(&client.scopes);
        let scopes = match requested {
            None => granted,
            Some(asked) => {
                let asked = check_scopes(&words(asked))?;
                if let Some(s) = asked.iter().find(|s| !granted.contains(s)) {
                    return Err(Error::Forbidden(format!(
                        "scope {s} is not granted to this client"
                    )));
                }
                asked
            }
        };
        let iat = self.clock.now();
        let scope = scopes.join(" ");
        let claims = Claims {
            iss: self.jwt.issuer().to_string(),
            sub: format!("{CLIENT_SUB_PREFIX}{}", client.client_id),
            aud: self.jwt.audience().to_string(),
            exp: iat + self.settings.access_ttl,
            iat,
            nbf: iat,
            jti: random_b64(16),
            kind: CLIENT_TYPE.to_string(),
            sid: client.generation.clone(),
            pwc: false,
            scope: Some(scope.clone()),
            client_id: Some(client.client_id.clone()),
        };
        Ok(IssuedClientToken {
            access_token: self.jwt.sign(ACCESS_TYP, &claims),
            expires_in: self.settings.access_ttl,
            scope,
        })
    }

    /// The rest of a client token's validation, once its signature and claims are verified:
    /// its secret's generation is not revoked, and the client is live.
    pub(super) async fn validate_client_claims(
        &self,
        claims: &Claims,
        now: Timestamp,
    ) -> Result<ClientValidated> {
        let client_id = claims
            .sub
            .strip_prefix(CLIENT_SUB_PREFIX)
            .filter(|id| claims.client_id.as_deref() == Some(*id))
            .ok_or_else(|| Error::InvalidToken("malformed client token".into()))?;
        let generation = RevocationKey::Client(claims.sid.clone());
        let this_token = RevocationKey::Client(claims.jti.clone());
        if self.revoked.contains(&generation) || self.revoked.contains(&this_token) {
            return Err(Error::InvalidToken("client token revoked".into()));
        }
        if !self.feed_live() {
            if !self
                .store
                .is_client_generation_live(&claims.sid)
                .await
                .map_err(fail_closed)?
            {
                self.remember_revoked(&generation, now);
                return Err(Error::InvalidToken("client token revoked".into()));
            }
            if self
                .store
                .is_client_token_revoked(&claims.jti)
                .await
                .map_err(fail_closed)?
            {
                self.remember_revoked(&this_token, now);
                return Err(Error::InvalidToken("client token revoked".into()));
            }
        }
        let client = self
            .client_record(client_id, now)
            .await
            .map_err(fail_closed)?
            .ok_or_else(|| Error::InvalidToken("client token revoked".into()))?;
        Ok(ClientValidated {
            client_id: client.client_id.clone(),
            name: client.name.clone(),
            scopes: words(claims.scope.as_deref().unwrap_or_default()),
            expires_at: claims.exp,
        })
    }

    /// Writes the clients' uses seen since the last flush in one batch.
    pub async fn flush_client_uses(&self) -> Result<usize> {
        let uses = self.client_uses.take();
        if uses.is_empty() {
            return Ok(0);
        }
        match self.store.record_client_uses(&uses).await {
            Ok(()) => Ok(uses.len()),
            Err(e) => {
                tracing::warn!(error = %e, clients = uses.len(), "cannot record client uses; will retry");
                self.client_uses.restore(uses);
                Err(e)
            }
        }
    }
}
