//! The credential parts of the port, and the revocation log, through `Around`.

use async_trait::async_trait;

use super::{call, Around, Decorated};
use crate::audit::AuditEvent;
use crate::error::Result;
use crate::settings::SessionLimitPolicy;
use crate::store::{
    ApiKeyRecord, ApiKeyRevokeReason, ApiKeyRotation, ApiKeyStore, LogCursor, LogRead, NewApiKey,
    NewResource, NewSession, NewToken, NextApiKey, NextRefresh, Resource, RevocationLog,
    RevokeReason, RevokedApiKey, RevokedSession, RevokedToken, Rotation, ScopedTokenStore,
    SessionRecord, SessionStore, TokenOwner, TokenRecord, TokenUse,
};
use crate::Timestamp;

#[async_trait]
impl<A: Around> SessionStore for Decorated<A> {
    async fn create_session_audited(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        call!(self.create_session_audited(session, max_sessions, policy, audit) as create_session)
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        call!(self.rotate_refresh(presented, next, now))
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        call!(self.session_of_refresh(hash, now))
    }
    async fn revoke_session_audited(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.revoke_session_audited(session_id, now, reason, audit) as revoke_session)
    }
    async fn revoke_user_sessions_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        call!(
            self.revoke_user_sessions_audited(username, now, reason, audit) as revoke_user_sessions
        )
    }
    async fn revoke_other_sessions_audited(
        &self,
        username: &str,
        keep: &str,
        now: Timestamp,
        reason: RevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        call!(
            self.revoke_other_sessions_audited(username, keep, now, reason, audit)
                as revoke_other_sessions
        )
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        call!(self.is_session_revoked(session_id))
    }
    async fn list_sessions(&self, username: &str, now: Timestamp) -> Result<Vec<SessionRecord>> {
        call!(self.list_sessions(username, now))
    }
    async fn live_session(
        &self,
        session_id: &str,
        now: Timestamp,
    ) -> Result<Option<SessionRecord>> {
        call!(self.live_session(session_id, now))
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        call!(self.purge(now, revoked_before))
    }
    async fn count_live_sessions(&self, now: Timestamp) -> Result<u64> {
        call!(self.count_live_sessions(now))
    }
}

#[async_trait]
impl<A: Around> ApiKeyStore for Decorated<A> {
    async fn create_apikey_audited(&self, key: &NewApiKey, audit: &[AuditEvent]) -> Result<()> {
        call!(self.create_apikey_audited(key, audit) as create_apikey)
    }
    async fn rotate_apikey(
        &self,
        presented: &[u8],
        next: &NextApiKey,
        now: Timestamp,
    ) -> Result<ApiKeyRotation> {
        call!(self.rotate_apikey(presented, next, now))
    }
    async fn apikey(&self, id: &str) -> Result<Option<ApiKeyRecord>> {
        call!(self.apikey(id))
    }
    async fn apikey_of_refresh(&self, hash: &[u8]) -> Result<Option<ApiKeyRecord>> {
        call!(self.apikey_of_refresh(hash))
    }
    async fn list_apikeys(&self, username: &str, now: Timestamp) -> Result<Vec<ApiKeyRecord>> {
        call!(self.list_apikeys(username, now))
    }
    async fn revoke_apikey_chain_audited(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: &[AuditEvent],
    ) -> Result<Vec<String>> {
        call!(self.revoke_apikey_chain_audited(id, now, reason, audit) as revoke_apikey_chain)
    }
    async fn revoke_user_apikeys_audited(
        &self,
        username: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
        audit: Option<AuditEvent>,
    ) -> Result<Vec<String>> {
        call!(self.revoke_user_apikeys_audited(username, now, reason, audit) as revoke_user_apikeys)
    }
    async fn is_apikey_revoked(&self, id: &str) -> Result<bool> {
        call!(self.is_apikey_revoked(id))
    }
    async fn purge_apikeys(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        call!(self.purge_apikeys(now, revoked_before))
    }
}

#[async_trait]
impl<A: Around> ScopedTokenStore for Decorated<A> {
    async fn create_resource_audited(
        &self,
        resource: &NewResource,
        audit: &[AuditEvent],
    ) -> Result<()> {
        call!(self.create_resource_audited(resource, audit) as create_resource)
    }
    async fn resource(&self, name: &str) -> Result<Option<Resource>> {
        call!(self.resource(name))
    }
    async fn list_resources(&self, maintainer: Option<&str>) -> Result<Vec<Resource>> {
        call!(self.list_resources(maintainer))
    }
    async fn add_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.add_maintainer_audited(resource, username, now, audit) as add_maintainer)
    }
    async fn remove_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.remove_maintainer_audited(resource, username, audit) as remove_maintainer)
    }
    async fn create_token_audited(&self, token: &NewToken, audit: &[AuditEvent]) -> Result<()> {
        call!(self.create_token_audited(token, audit) as create_token)
    }
    async fn token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenRecord>> {
        call!(self.token_by_hash(hash))
    }
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>> {
        call!(self.token(id))
    }
    async fn list_tokens(&self, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
        call!(self.list_tokens(owner))
    }
    async fn set_token_description(&self, id: &str, description: &str) -> Result<bool> {
        call!(self.set_token_description(id, description))
    }
    async fn revoke_token_audited(
        &self,
        id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        call!(self.revoke_token_audited(id, now, audit) as revoke_token)
    }
    async fn revoke_user_tokens(&self, username: &str, now: Timestamp) -> Result<Vec<String>> {
        call!(self.revoke_user_tokens(username, now))
    }
    async fn record_token_uses(&self, uses: &[TokenUse]) -> Result<()> {
        call!(self.record_token_uses(uses))
    }
}

#[async_trait]
impl<A: Around> RevocationLog for Decorated<A> {
    async fn read_revocation_log(&self, from: LogCursor, now: Timestamp) -> Result<LogRead> {
        call!(self.read_revocation_log(from, now))
    }
    async fn prune_revocation_log(&self, now: Timestamp, keep: i64) -> Result<u64> {
        call!(self.prune_revocation_log(now, keep))
    }
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        call!(self.revoked_since(since))
    }
    async fn revoked_apikeys_since(&self, since: Timestamp) -> Result<Vec<RevokedApiKey>> {
        call!(self.revoked_apikeys_since(since))
    }
    async fn revoked_tokens_since(&self, since: Timestamp) -> Result<Vec<RevokedToken>> {
        call!(self.revoked_tokens_since(since))
    }
}
