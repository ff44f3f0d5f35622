//! `tessera client ...`: service clients, on the local database.

use std::fmt::Write as _;
use std::sync::Arc;

use clap::Subcommand;
use tessera_core::auth::clients::words;
use tessera_core::auth::Caller;
use tessera_core::{iso8601, Clock};

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum ClientAction {
    /// Adds a service client; prints its id and its secret (shown this once).
    Add {
        name: String,
        /// A scope it may ask tokens for (repeat for more).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// A right: `introspect` (may call /oauth2/introspect).
        #[arg(long = "right")]
        rights: Vec<String>,
    },
    /// Lists the service clients.
    List,
    /// Gives a client a new secret (printed once); the old one and its tokens end.
    RotateSecret { client_id: String },
    /// Removes a client; its tokens end.
    Remove { client_id: String },
}

/// Runs a `tessera client` command on the configured database; returns what to print.
pub async fn run_client(
    config: &Config,
    clock: Arc<dyn Clock>,
    action: ClientAction,
) -> anyhow::Result<String> {
    let auth = crate::startup::build_auth(config, clock).await?;
    let mut out = String::new();
    match action {
        ClientAction::Add {
            name,
            scopes,
            rights,
        } => {
            let made = auth
                .create_client(Caller::Local, &name, &scopes, &rights)
                .await?;
            writeln!(out, "client_id: {}", made.client.client_id).ok();
            writeln!(out, "client_secret: {}", made.secret.plain).ok();
        }
        ClientAction::List => {
            for c in auth.list_clients(Caller::Local).await? {
                let last = c.last_used_at.map_or("-".to_string(), iso8601::format);
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    c.client_id,
                    c.name,
                    words(&c.scopes).join(","),
                    words(&c.rights).join(","),
                    last
                )
                .ok();
            }
        }
        ClientAction::RotateSecret { client_id } => {
            let secret = auth.rotate_client_secret(Caller::Local, &client_id).await?;
            writeln!(out, "client_secret: {}", secret.plain).ok();
        }
        ClientAction::Remove { client_id } => {
            auth.remove_client(Caller::Local, &client_id).await?;
            writeln!(out, "removed client {client_id}").ok();
        }
    }
    Ok(out)
}
