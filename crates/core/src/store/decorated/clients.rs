//! The service clients' part of the port, through `Around`.

use async_trait::async_trait;

use super::{call, Around, Decorated};
use crate::audit::AuditEvent;
use crate::error::Result;
use crate::store::{ClientRecord, ClientStore, NewClient, NewClientSecret, TokenUse};
use crate::Timestamp;

#[async_trait]
impl<A: Around> ClientStore for Decorated<A> {
    async fn create_client_audited(&self, client: &NewClient, audit: &[AuditEvent]) -> Result<()> {
        call!(self.create_client_audited(client, audit) as create_client)
    }
    async fn client(&self, client_id: &str) -> Result<Option<ClientRecord>> {
        call!(self.client(client_id))
    }
    async fn list_clients(&self) -> Result<Vec<ClientRecord>> {
        call!(self.list_clients())
    }
    async fn rotate_client_secret_audited(
        &self,
        client_id: &str,
        secret: &NewClientSecret,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>> {
        call!(
            self.rotate_client_secret_audited(client_id, secret, now, audit)
                as rotate_client_secret
        )
    }
    async fn remove_client_audited(
        &self,
        client_id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>> {
        call!(self.remove_client_audited(client_id, now, audit) as remove_client)
    }
    async fn is_client_generation_live(&self, generation: &str) -> Result<bool> {
        call!(self.is_client_generation_live(generation))
    }
    async fn revoke_client_token(
        &self,
        jti: &str,
        client_id: &str,
        expires_at: Timestamp,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<()> {
        call!(self.revoke_client_token(jti, client_id, expires_at, now, audit))
    }
    async fn is_client_token_revoked(&self, jti: &str) -> Result<bool> {
        call!(self.is_client_token_revoked(jti))
    }
    async fn purge_revoked_client_tokens(&self, expired_before: Timestamp) -> Result<u64> {
        call!(self.purge_revoked_client_tokens(expired_before))
    }
    async fn record_client_uses(&self, uses: &[TokenUse]) -> Result<()> {
        call!(self.record_client_uses(uses))
    }
}
