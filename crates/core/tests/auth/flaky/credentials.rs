//! `FlakyStore` for sessions, API keys, scoped tokens and the revocation log.

use async_trait::async_trait;
use tessera_core::audit::AuditEvent;
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{
    ApiKeyRecord, ApiKeyRevokeReason, ApiKeyRotation, ApiKeyStore, LogCursor, LogRead, NewApiKey,
    NewResource, NewSession, NewToken, NextApiKey, NextRefresh, Resource, RevocationLog,
    RevokeReason, RevokedApiKey, RevokedSession, RevokedToken, Rotation, ScopedTokenStore,
    SessionStore, TokenOwner, TokenRecord, TokenUse,
};
use tessera_core::{Result, Timestamp};

use super::FlakyStore;

#[async_trait]
impl SessionStore for FlakyStore {
    async fn create_session_audited(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        pass!(self.create_session_audited(session, max_sessions, policy, audit) as create_session)
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        pass!(self.rotate_refresh(presented, next, now))
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        pass!(self.session_of_refresh(hash, now))
    }
    async fn revoke_session_audited(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        pass!(self.revoke_session_audited(session_id, now, reason, audit) as revoke_session)
    }
    async fn revoke_user_sessions_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        pass!(
            self.revoke_user_sessions_audited(username, now, reason, audit) as revoke_user_sessions
        )
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        pass!(self.is_session_revoked(session_id))
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        pass!(self.purge(now, revoked_before))
    }
}

#[async_trait]
impl ApiKeyStore for FlakyStore {
    async fn create_apikey_audited(&self, key: &NewApiKey, audit: &[AuditEvent]) -> Result<()> {
        pass!(self.create_apikey_audited(key, audit) as create_apikey)
    }
    async fn rotate_apikey(
        &self,
        presented: &[u8],
        next: &NextApiKey,
        now: Timestamp,
    ) -> Result<ApiKeyRotation> {
        pass!(self.rotate_apikey(presented, next, now))
    }
    async fn apikey(&self, id: &str) -> Result<Option<ApiKeyRecord>> {
        pass!(self.apikey(id))
    }
    async fn list_apikeys(&self, username: &str, now: Timestamp) -> Result<Vec<ApiKeyRecord>> {
        pass!(self.list_apikeys(username, now))
    }
    async fn revoke_apikey_chain_audited(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        pass!(self.revoke_apikey_chain_audited(id, now, reason, audit) as revoke_apikey_chain)
    }
    async fn revoke_user_apikeys(
        &self,
        username: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
    ) -> Result<Vec<String>> {
        pass!(self.revoke_user_apikeys(username, now, reason))
    }
    async fn is_apikey_revoked(&self, id: &str) -> Result<bool> {
        pass!(self.is_apikey_revoked(id))
    }
    async fn purge_apikeys(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        pass!(self.purge_apikeys(now, revoked_before))
    }
}

#[async_trait]
impl ScopedTokenStore for FlakyStore {
    async fn create_resource_audited(
        &self,
        resource: &NewResource,
        audit: &[AuditEvent],
    ) -> Result<()> {
        pass!(self.create_resource_audited(resource, audit) as create_resource)
    }
    async fn resource(&self, name: &str) -> Result<Option<Resource>> {
        pass!(self.resource(name))
    }
    async fn list_resources(&self, maintainer: Option<&str>) -> Result<Vec<Resource>> {
        pass!(self.list_resources(maintainer))
    }
    async fn add_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        pass!(self.add_maintainer_audited(resource, username, now, audit) as add_maintainer)
    }
    async fn remove_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        pass!(self.remove_maintainer_audited(resource, username, audit) as remove_maintainer)
    }
    async fn create_token_audited(&self, token: &NewToken, audit: &[AuditEvent]) -> Result<()> {
        pass!(self.create_token_audited(token, audit) as create_token)
    }
    async fn token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenRecord>> {
        pass!(self.token_by_hash(hash))
    }
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>> {
        pass!(self.token(id))
    }
    async fn list_tokens(&self, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
        pass!(self.list_tokens(owner))
    }
    async fn set_token_description(&self, id: &str, description: &str) -> Result<bool> {
        pass!(self.set_token_description(id, description))
    }
    async fn revoke_token_audited(
        &self,
        id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        pass!(self.revoke_token_audited(id, now, audit) as revoke_token)
    }
    async fn revoke_user_tokens(&self, username: &str, now: Timestamp) -> Result<Vec<String>> {
        pass!(self.revoke_user_tokens(username, now))
    }
    async fn record_token_uses(&self, uses: &[TokenUse]) -> Result<()> {
        pass!(self.record_token_uses(uses))
    }
}

#[async_trait]
impl RevocationLog for FlakyStore {
    async fn read_revocation_log(&self, from: LogCursor, now: Timestamp) -> Result<LogRead> {
        pass!(self.read_revocation_log(from, now))
    }
    async fn prune_revocation_log(&self, now: Timestamp, keep: i64) -> Result<u64> {
        pass!(self.prune_revocation_log(now, keep))
    }
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        pass!(self.revoked_since(since))
    }
    async fn revoked_apikeys_since(&self, since: Timestamp) -> Result<Vec<RevokedApiKey>> {
        pass!(self.revoked_apikeys_since(since))
    }
    async fn revoked_tokens_since(&self, since: Timestamp) -> Result<Vec<RevokedToken>> {
        pass!(self.revoked_tokens_since(since))
    }
}
