//! Listing and revoking API keys.

use tracing::info;

use crate::audit::{AuditEvent, AuditKind};
use crate::auth::{Auth, Validated};
use crate::error::{Error, Result};
use crate::store::{ApiKeyRecord, ApiKeyRevokeReason};
use crate::user::{normalise, Permission};

fn is_admin(caller: &Validated) -> bool {
    caller.role.has(Permission::ManageUsers)
}

impl Auth {
    /// The caller's live keys (unrevoked, with the key or its refresh token unexpired).
    pub async fn list_apikeys(&self, caller: &Validated) -> Result<Vec<ApiKeyRecord>> {
        self.store
            .list_apikeys(&caller.username, self.clock.now())
            .await
    }

    /// Revokes a key of the caller's, or anyone's for an admin, with its whole refresh chain:
    /// the id of a key a refresh replaced still revokes the chain's live key. A key the caller
    /// may not see is answered like one that does not exist.
    pub async fn revoke_apikey(&self, caller: &Validated, id: &str) -> Result<()> {
        let not_found = || Error::NotFound("no such API key".into());
        let key = self.store.apikey(id).await?.ok_or_else(not_found)?;
        if key.username != caller.username && !is_admin(caller) {
            return Err(not_found());
        }
        let now = self.clock.now();
        let audit = self
            .event(AuditKind::ApikeyRevoked)
            .actor(&caller.username)
            .subject(&key.username)
            .detail("id", id);
        let revoked = self
            .store
            .revoke_apikey_chain_audited(id, now, ApiKeyRevokeReason::Revoked, &[audit])
            .await?;
        if revoked.is_empty() {
            return Err(not_found());
        }
        self.apikeys_revoked_here(&revoked, now).await;
        info!(username = %self.log.name(&key.username), by = %self.log.name(&caller.username), %id, keys = ?revoked, "API key revoked");
        Ok(())
    }

    /// Revokes every live key of the caller, or (admins only) of the named user. Returns the
    /// user and how many keys went.
    pub async fn revoke_all_apikeys(
        &self,
        caller: &Validated,
        username: Option<&str>,
    ) -> Result<(String, usize)> {
        let username = username
            .map(normalise)
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| caller.username.clone());
        if username != caller.username {
            if !is_admin(caller) {
                return Err(Error::Forbidden(
                    "revoking another user's API keys needs the manage_users permission".into(),
                ));
            }
            if self.store.user(&username).await?.is_none() {
                return Err(Error::NotFound(format!("no user {username}")));
            }
        }
        let audit = self
            .event(AuditKind::ApikeyRevoked)
            .actor(&caller.username)
            .subject(&username);
        let n = self
            .end_user_apikeys(&username, ApiKeyRevokeReason::RevokedAll, Some(audit))
            .await?;
        info!(username = %self.log.name(&username), by = %self.log.name(&caller.username), keys = n, "API keys revoked");
        Ok((username, n))
    }

    /// Revokes every live key of a user (revoke-all, disabling, a new password), recording
    /// `audit` with their number in the same transaction when any went.
    pub(crate) async fn end_user_apikeys(
        &self,
        username: &str,
        reason: ApiKeyRevokeReason,
        audit: Option<AuditEvent>,
    ) -> Result<usize> {
        let now = self.clock.now();
        let ids = self
            .store
            .revoke_user_apikeys_audited(username, now, reason, audit)
            .await?;
        self.apikeys_revoked_here(&ids, now).await;
        Ok(ids.len())
    }
}
