//! `FlakyStore` for sessions, API keys, scoped tokens and the revocation log.

use async_trait::async_trait;
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
    async fn create_session(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
    ) -> Result<Vec<String>> {
        pass!(self.create_session(session, max_sessions, policy))
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
    async fn revoke_session(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<bool> {
        pass!(self.revoke_session(session_id, now, reason))
    }
    async fn revoke_user_sessions(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        pass!(self.revoke_user_sessions(username, now, reason))
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
    async fn create_apikey(&self, key: &NewApiKey) -> Result<()> {
        pass!(self.create_apikey(key))
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
    async fn revoke_apikey_chain(
        &self,
        id: &str,
        now: Timestamp,
        reason: ApiKeyRevokeReason,
    ) -> Result<Vec<String>> {
        pass!(self.revoke_apikey_chain(id, now, reason))
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
    async fn create_resource(&self, resource: &NewResource) -> Result<()> {
        pass!(self.create_resource(resource))
    }
    async fn resource(&self, name: &str) -> Result<Option<Resource>> {
        pass!(self.resource(name))
    }
    async fn list_resources(&self, maintainer: Option<&str>) -> Result<Vec<Resource>> {
        pass!(self.list_resources(maintainer))
    }
    async fn add_maintainer(&self, resource: &str, username: &str, now: Timestamp) -> Result<bool> {
        pass!(self.add_maintainer(resource, username, now))
    }
    async fn remove_maintainer(&self, resource: &str, username: &str) -> Result<bool> {
        pass!(self.remove_maintainer(resource, username))
    }
    async fn create_token(&self, token: &NewToken) -> Result<()> {
        pass!(self.create_token(token))
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
    async fn revoke_token(&self, id: &str, now: Timestamp) -> Result<bool> {
        pass!(self.revoke_token(id, now))
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
