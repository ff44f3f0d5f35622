//! Resources (`plugin:fancy-plugin`) and their maintainers. Calls made by the local admin
//! command line come from [`Caller::Local`] and may do what an admin may.

use tracing::info;

use super::caller::Caller;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::store::{NewResource, Resource};
use crate::user::Username;

/// A resource name: 1 to 128 of `A-Z a-z 0-9 . _ - : @`, starting with a letter or digit.
pub fn check_resource_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '@'));
    if !ok {
        return Err(Error::BadRequest(
            "a resource name is 1 to 128 letters, digits, '.', '_', '-', ':' or '@', \
             starting with a letter or digit"
                .into(),
        ));
    }
    Ok(name.to_string())
}

impl Auth {
    /// Only admins create resources: checked before anything else of the request.
    pub fn may_create_resources(&self, caller: Caller<'_>) -> Result<()> {
        if !caller.is_admin() {
            return Err(Error::Forbidden("only admins create resources".into()));
        }
        Ok(())
    }

    pub async fn create_resource(
        &self,
        caller: Caller<'_>,
        name: &str,
        maintainers: &[String],
    ) -> Result<Resource> {
        self.may_create_resources(caller)?;
        let name = check_resource_name(name)?;
        let mut users = Vec::with_capacity(maintainers.len());
        for m in maintainers {
            let u = Username::parse(m)?.to_string();
            if !users.contains(&u) {
                users.push(u);
            }
        }
        let mut audit = self
            .event(AuditKind::ResourceCreated)
            .detail("resource", name.clone())
            .detail("maintainers", users.clone());
        audit.actor = caller.username().map(str::to_string);
        self.store
            .create_resource_audited(
                &NewResource {
                    name: name.clone(),
                    created_at: self.clock.now(),
                    maintainers: users,
                },
                &[audit],
            )
            .await?;
        info!(resource = %name, "resource created");
        self.resource_named(&name).await
    }

    pub async fn resource_named(&self, name: &str) -> Result<Resource> {
        self.store
            .resource(name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no resource {name}")))
    }

    /// All resources for admins (and the command line), the maintained ones for others.
    pub async fn list_resources(&self, caller: Caller<'_>) -> Result<Vec<Resource>> {
        let only = if caller.is_admin() {
            None
        } else {
            caller.username()
        };
        self.store.list_resources(only).await
    }

    /// The resource, if the caller may manage its maintainers (an admin or a maintainer).
    /// Only admins learn that a resource does not exist.
    async fn managed(&self, caller: Caller<'_>, name: &str) -> Result<Resource> {
        let resource = self.store.resource(name).await?;
        let maintains = |r: &Resource| {
            caller
                .username()
                .is_some_and(|u| r.maintainers.iter().any(|m| m == u))
        };
        match resource {
            Some(r) if caller.is_admin() || maintains(&r) => Ok(r),
            None if caller.is_admin() => Err(Error::NotFound(format!("no resource {name}"))),
            _ => Err(Error::Forbidden(format!(
                "only admins and maintainers of {name} manage its maintainers"
            ))),
        }
    }

    /// Whether the caller may manage the resource's maintainers (`Error::Forbidden` if not).
    pub async fn may_manage_maintainers(&self, caller: Caller<'_>, name: &str) -> Result<()> {
        self.managed(caller, name).await.map(drop)
    }

    /// Returns false when the user already was a maintainer.
    pub async fn add_maintainer(
        &self,
        caller: Caller<'_>,
        name: &str,
        username: &str,
    ) -> Result<bool> {
        self.managed(caller, name).await?;
        let username = Username::parse(username)?;
        let mut audit = self
            .event(AuditKind::MaintainerAdded)
            .subject(username.to_string())
            .detail("resource", name);
        audit.actor = caller.username().map(str::to_string);
        let added = self
            .store
            .add_maintainer_audited(name, username.as_str(), self.clock.now(), &[audit])
            .await?;
        info!(resource = %name, maintainer = %self.log.name(&username), "maintainer added");
        Ok(added)
    }

    pub async fn remove_maintainer(
        &self,
        caller: Caller<'_>,
        name: &str,
        username: &str,
    ) -> Result<()> {
        self.managed(caller, name).await?;
        let username = crate::user::normalise(username);
        let mut audit = self
            .event(AuditKind::MaintainerRemoved)
            .subject(username.clone())
            .detail("resource", name);
        audit.actor = caller.username().map(str::to_string);
        if !self
            .store
            .remove_maintainer_audited(name, &username, &[audit])
            .await?
        {
            return Err(Error::NotFound(format!(
                "{username} is not a maintainer of {name}"
            )));
        }
        info!(resource = %name, maintainer = %self.log.name(&username), "maintainer removed");
        Ok(())
    }
}
