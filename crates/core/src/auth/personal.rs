//! Personal tokens (PlantDB's API tokens): made by a logged-in user for their own use, with
//! per-dataset permissions that never exceed the owner's current role.

use tracing::info;

use super::tokens::Validated;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::scoped_secret::{new_scoped_secret, new_token_id};
use crate::scopes::Scopes;
use crate::store::{NewToken, TokenOwner, TokenRecord, Unchanged};
use crate::user::Role;
use crate::Timestamp;

/// Longest lifetime a token may be given, seconds (100 years).
pub const MAX_LIFETIME: i64 = 100 * 365 * 86_400;

/// A token just made: the only time its secret is known.
#[derive(Debug)]
pub struct CreatedToken {
    pub id: String,
    pub secret: crate::secret::NewSecret,
    pub description: String,
    pub scopes: Scopes,
    pub expires_at: Option<Timestamp>,
}

/// A description: trimmed, 1 to 200 characters, no control characters
/// ([`crate::text::is_forbidden`]).
pub fn check_description(raw: &str) -> Result<String> {
    let d = raw.trim();
    if d.is_empty() || d.chars().count() > 200 || d.chars().any(crate::text::is_forbidden) {
        return Err(Error::BadRequest(
            "description must be 1 to 200 printable characters".into(),
        ));
    }
    Ok(d.to_string())
}

impl Auth {
    /// Stores a new scoped token and returns it with its secret; only while `requires` holds,
    /// if given.
    pub(super) async fn insert_token(
        &self,
        owner: TokenOwner,
        by: &str,
        description: String,
        scopes: Scopes,
        expires_at: Option<Timestamp>,
        requires: Option<Unchanged>,
    ) -> Result<CreatedToken> {
        let id = new_token_id();
        let secret = new_scoped_secret();
        let audit = match &owner {
            TokenOwner::User(user) => self.event(AuditKind::TokenCreated).subject(user),
            TokenOwner::Resource(resource) => self
                .event(AuditKind::TokenCreated)
                .detail("resource", resource.as_str()),
        }
        .actor(by)
        .detail("id", id.clone());
        self.store
            .create_token_audited(
                &NewToken {
                    id: id.clone(),
                    hash: secret.hash.clone(),
                    owner,
                    description: description.clone(),
                    scopes: scopes.to_json(),
                    created_by: by.to_string(),
                    created_at: self.clock.now(),
                    expires_at,
                    requires,
                },
                &[audit],
            )
            .await?;
        Ok(CreatedToken {
            id,
            secret,
            description,
            scopes,
            expires_at,
        })
    }

    /// `create-api-token`: dataset scopes for `lifetime` seconds. Asking for a permission the
    /// caller's role (as stored now) lacks is refused (the token could never use it); the
    /// token is stored only if the user has not changed since.
    pub async fn create_personal_token(
        &self,
        caller: &Validated,
        scopes: Scopes,
        lifetime: i64,
        description: Option<&str>,
    ) -> Result<CreatedToken> {
        let (user, requires) = self.caller_now(caller).await?;
        if let Some(p) = scopes
            .permissions()
            .into_iter()
            .find(|p| !user.role.has(*p))
        {
            return Err(Error::Forbidden(format!(
                "your role does not grant the {} permission",
                p.as_str()
            )));
        }
        let description = check_description(description.unwrap_or("API token"))?;
        let expires_at = Some(self.clock.now() + lifetime.min(MAX_LIFETIME));
        let owner = TokenOwner::User(caller.username.clone());
        let created = self
            .insert_token(
                owner,
                &caller.username,
                description,
                scopes,
                expires_at,
                Some(requires),
            )
            .await?;
        info!(username = %self.log.name(&caller.username), token = %created.id, "personal token created");
        Ok(created)
    }

    /// The owner's tokens that are neither revoked nor expired, oldest first.
    pub(super) async fn live_tokens(&self, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
        let now = self.clock.now();
        let mut tokens = self.store.list_tokens(owner).await?;
        tokens.retain(|t| t.expires_at.is_none_or(|at| at > now));
        Ok(tokens)
    }

    /// The caller's own live personal tokens.
    pub async fn list_personal_tokens(&self, caller: &Validated) -> Result<Vec<TokenRecord>> {
        self.live_tokens(&TokenOwner::User(caller.username.clone()))
            .await
    }

    /// Revokes a personal token: its owner or an admin. Another user's token is as unknown
    /// as a token that does not exist.
    pub async fn revoke_personal_token(&self, caller: &Validated, id: &str) -> Result<()> {
        let record = self.store.token(id).await?;
        let visible = match record.as_ref().map(|r| &r.owner) {
            Some(TokenOwner::User(owner)) => {
                *owner == caller.username || caller.role == Role::Admin
            }
            _ => false,
        };
        let Some(TokenOwner::User(owner)) = record.map(|r| r.owner).filter(|_| visible) else {
            return Err(Error::NotFound(format!("no personal token {id}")));
        };
        let audit = self
            .event(AuditKind::TokenRevoked)
            .actor(&caller.username)
            .subject(owner)
            .detail("id", id);
        self.revoke_scoped(id, audit).await?;
        info!(by = %self.log.name(&caller.username), token = %id, "personal token revoked");
        Ok(())
    }
}
