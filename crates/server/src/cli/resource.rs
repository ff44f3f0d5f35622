//! `tessera resource ...`: resources and their maintainers, on the local database.

use std::fmt::Write as _;
use std::sync::Arc;

use clap::Subcommand;
use tessera_core::auth::Caller;
use tessera_core::Clock;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum ResourceAction {
    /// Adds a resource (e.g. `plugin:fancy-plugin`), with maintainers who must be users.
    Add {
        name: String,
        #[arg(long = "maintainer")]
        maintainers: Vec<String>,
    },
    /// Lists resources and their maintainers.
    List,
    /// Lets a user manage a resource's tokens.
    AddMaintainer { name: String, username: String },
    /// Takes a user off a resource; the tokens they made keep working.
    RemoveMaintainer { name: String, username: String },
}

/// Runs a `tessera resource` command on the configured database; returns what to print.
pub async fn run_resource(
    config: &Config,
    clock: Arc<dyn Clock>,
    action: ResourceAction,
) -> anyhow::Result<String> {
    let auth = crate::startup::build_auth(config, clock).await?;
    let mut out = String::new();
    match action {
        ResourceAction::Add { name, maintainers } => {
            let r = auth
                .create_resource(Caller::Local, &name, &maintainers)
                .await?;
            writeln!(out, "created resource {}", r.name).ok();
        }
        ResourceAction::List => {
            for r in auth.list_resources(Caller::Local).await? {
                writeln!(out, "{}\t{}", r.name, r.maintainers.join(",")).ok();
            }
        }
        ResourceAction::AddMaintainer { name, username } => {
            let added = auth.add_maintainer(Caller::Local, &name, &username).await?;
            let user = tessera_core::user::normalise(&username);
            let what = if added {
                "now maintains"
            } else {
                "already maintains"
            };
            writeln!(out, "{user} {what} {name}").ok();
        }
        ResourceAction::RemoveMaintainer { name, username } => {
            auth.remove_maintainer(Caller::Local, &name, &username)
                .await?;
            let user = tessera_core::user::normalise(&username);
            writeln!(out, "{user} no longer maintains {name}").ok();
        }
    }
    Ok(out)
}
