//! Tokens of a resource: made, listed, renamed and revoked by any of its maintainers. They
//! belong to the resource, so they outlive their creator's role, account and maintainership.

use tracing::info;

use super::personal::{check_description, CreatedToken, MAX_LIFETIME};
use super::tokens::Validated;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::scopes::Scopes;
use crate::store::{TokenOwner, TokenRecord};
use crate::user::{Permission, Role};

impl Auth {
    /// The resource's name, if the caller maintains it. Only admins learn that a resource
    /// does not exist; anyone else is refused alike for unknown and foreign resources.
    async fn maintained(&self, caller: &Validated, name: &str) -> Result<TokenOwner> {
        let resource = self.store.resource(name).await?;
        match resource {
            Some(r) if r.maintainers.contains(&caller.username) => Ok(TokenOwner::Resource(r.name)),
            None if caller.role == Role::Admin => {
                Err(Error::NotFound(format!("no resource {name}")))
            }
            _ => Err(Error::Forbidden(format!(
                "only maintainers of {name} manage its tokens"
            ))),
        }
    }

    /// Whether the caller may manage the resource's tokens (maintains it), checked before the
    /// body is read; the same refusals as every route on the resource's tokens.
    pub async fn may_manage_resource_tokens(&self, caller: &Validated, name: &str) -> Result<()> {
        self.maintained(caller, name).await.map(|_| ())
    }

    /// A live token of the resource.
    async fn token_of(&self, owner: &TokenOwner, id: &str) -> Result<TokenRecord> {
        self.store
            .token(id)
            .await?
            .filter(|r| r.owner == *owner && r.revoked_at.is_none())
            .ok_or_else(|| Error::NotFound(format!("no live token {id} of this resource")))
    }

    /// `expires_in`: seconds, or `None` for a token that lives until revoked. `scopes` and
    /// `expires_in` come as their parsing left them: their errors count only once the caller
    /// is known to maintain the resource (and in this order after the description's).
    pub async fn create_resource_token(
        &self,
        caller: &Validated,
        name: &str,
        description: Option<&str>,
        scopes: Result<Vec<Permission>>,
        expires_in: Result<Option<i64>>,
    ) -> Result<CreatedToken> {
        let owner = self.maintained(caller, name).await?;
        let description = check_description(description.unwrap_or(""))?;
        let scopes = scopes?;
        if let Some(p) = scopes.iter().find(|p| !caller.role.has(**p)) {
            return Err(Error::Forbidden(format!(
                "your role does not grant the {} permission",
                p.as_str()
            )));
        }
        let expires_at = expires_in?.map(|secs| self.clock.now() + secs.min(MAX_LIFETIME));
        let created = self
            .insert_token(
                owner,
                &caller.username,
                description,
                Scopes::Permissions(scopes),
                expires_at,
                None,
            )
            .await?;
        info!(resource = %name, by = %self.log.name(&caller.username), token = %created.id, "resource token created");
        Ok(created)
    }

    pub async fn list_resource_tokens(
        &self,
        caller: &Validated,
        name: &str,
    ) -> Result<Vec<TokenRecord>> {
        let owner = self.maintained(caller, name).await?;
        self.live_tokens(&owner).await
    }

    pub async fn describe_resource_token(
        &self,
        caller: &Validated,
        name: &str,
        id: &str,
        description: Option<&str>,
    ) -> Result<()> {
        let owner = self.maintained(caller, name).await?;
        let description = check_description(description.unwrap_or(""))?;
        self.token_of(&owner, id).await?;
        if !self.store.set_token_description(id, &description).await? {
            return Err(Error::NotFound(format!("no live token {id}")));
        }
        self.tokens.forget_id(id);
        Ok(())
    }

    pub async fn revoke_resource_token(
        &self,
        caller: &Validated,
        name: &str,
        id: &str,
    ) -> Result<()> {
        let owner = self.maintained(caller, name).await?;
        self.token_of(&owner, id).await?;
        let audit = self
            .event(AuditKind::TokenRevoked)
            .actor(&caller.username)
            .detail("id", id)
            .detail("resource", name);
        self.revoke_scoped(id, audit).await?;
        info!(resource = %name, by = %self.log.name(&caller.username), token = %id, "resource token revoked");
        Ok(())
    }
}
