//! The `tessera` command line.

use std::fmt::Write as _;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tessera_core::{Clock, Role};

use crate::config::{Config, Flags};

mod resource;
pub use resource::{run_resource, ResourceAction};

#[derive(Parser)]
#[command(
    name = "tessera",
    version,
    about = "A token server: login sessions, API keys and scoped tokens"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// No `Debug`: the URLs may hold passwords.
#[derive(Args)]
pub struct Common {
    /// TOML configuration file (see `tessera config example`).
    #[arg(long, env = "TESSERA_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory of the embedded database and the generated signing key.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: `sqlite://PATH` (default: tessera.db in the data directory) or
    /// `postgres://…`.
    #[arg(long)]
    pub database: Option<String>,
    /// Redis URL, for rate limits and revocations shared by several instances.
    #[arg(long)]
    pub redis: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Runs the server.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on (port 0 picks a free one).
        #[arg(long)]
        bind: Option<SocketAddr>,
        /// Seeds the demo users admin/admin and guest/guest.
        #[arg(long)]
        demo: bool,
    },
    /// Manages users in the configured database.
    User {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manages resources and their maintainers in the configured database.
    Resource {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        action: ResourceAction,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Adds a user; the password is read from standard input with --password-stdin, or generated
    /// and printed once.
    Add {
        username: String,
        #[arg(long)]
        fullname: String,
        /// reader, contributor or admin.
        #[arg(long, default_value = "reader")]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lists users.
    List,
    /// Sets a user's password and ends their sessions.
    SetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disables a user and ends their sessions.
    Disable { username: String },
    /// Enables a disabled user.
    Enable { username: String },
    /// Changes a user's role (reader, contributor or admin); their personal tokens follow.
    SetRole { username: String, role: String },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Prints a documented example configuration file.
    Example,
}

/// An error and its causes on one line, `context: cause: …`; a cause whose text its error
/// already ends with (an error that prints its source) is not repeated.
pub fn report(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// Layers the configuration: defaults, file, environment, then flags; every problem at once.
pub fn load_config(common: &Common) -> anyhow::Result<Config> {
    let flags = Flags {
        data_dir: common.data_dir.clone(),
        database_url: common.database.clone(),
        redis_url: common.redis.clone(),
    };
    Config::load(
        common.config.as_deref(),
        &|name| std::env::var(name).ok(),
        &flags,
    )
    .map_err(|e| anyhow::Error::msg(e.to_string()))
}

fn password(stdin: Option<&mut dyn BufRead>) -> anyhow::Result<(String, bool)> {
    let Some(stdin) = stdin else {
        return Ok((tessera_core::secret::random_b64(18), true));
    };
    let mut line = String::new();
    stdin
        .read_line(&mut line)
        .context("cannot read the password")?;
    Ok((line.trim_end_matches(['\n', '\r']).to_string(), false))
}

/// Runs a `tessera user` command on the configured database, reading passwords from `stdin`
/// when asked to; returns what to print.
pub async fn run_user(
    config: &Config,
    clock: Arc<dyn Clock>,
    action: UserAction,
    stdin: &mut dyn BufRead,
) -> anyhow::Result<String> {
    let auth = crate::startup::build_auth(config, clock).await?;
    let mut out = String::new();
    match action {
        UserAction::Add {
            username,
            fullname,
            role,
            password_stdin,
        } => {
            let role = Role::parse(&role).context("role must be reader, contributor or admin")?;
            let (password, generated) = password(password_stdin.then_some(&mut *stdin))?;
            let name = auth
                .create_user(&username, &fullname, &password, role, false)
                .await?;
            writeln!(out, "created user {name} ({})", role.as_str()).ok();
            if generated {
                writeln!(out, "password: {password}").ok();
            }
        }
        UserAction::List => {
            for u in auth.store().list_users().await? {
                let state = if u.disabled { "disabled" } else { "active" };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    u.username,
                    u.role.as_str(),
                    state,
                    u.fullname
                )
                .ok();
            }
        }
        UserAction::SetPassword {
            username,
            password_stdin,
        } => {
            let (password, generated) = password(password_stdin.then_some(&mut *stdin))?;
            let name = tessera_core::user::normalise(&username);
            auth.set_password(&name, &password).await?;
            writeln!(
                out,
                "password of {name} changed; its sessions and API keys were ended"
            )
            .ok();
            if generated {
                writeln!(out, "password: {password}").ok();
            }
        }
        UserAction::Disable { username } => {
            let name = tessera_core::user::normalise(&username);
            auth.set_disabled(&name, true).await?;
            writeln!(
                out,
                "user {name} disabled; its sessions, API keys and personal tokens were ended"
            )
            .ok();
        }
        UserAction::Enable { username } => {
            let name = tessera_core::user::normalise(&username);
            auth.set_disabled(&name, false).await?;
            writeln!(out, "user {name} enabled").ok();
        }
        UserAction::SetRole { username, role } => {
            let role = Role::parse(&role).context("role must be reader, contributor or admin")?;
            let name = tessera_core::user::normalise(&username);
            auth.set_role(&name, role).await?;
            writeln!(out, "user {name} is now {}", role.as_str()).ok();
        }
    }
    Ok(out)
}

pub const EXAMPLE_CONFIG: &str = include_str!("../tessera.example.toml");

#[cfg(test)]
mod tests {
    use super::report;

    #[test]
    fn a_report_names_each_cause_once() {
        let io = std::io::Error::other("disk full");
        let e = anyhow::Error::new(io).context("cannot write key");
        assert_eq!(report(&e), "cannot write key: disk full");
        let storage = tessera_core::Error::storage("locked");
        let e = anyhow::Error::new(storage).context("cannot open the database");
        assert_eq!(report(&e), "cannot open the database: storage: locked");
    }
}
