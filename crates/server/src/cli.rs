//! The `tessera` command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{not_utf8, unknown_variables, Config, ConfigError, Flags};

mod audit;
mod backup;
mod client;
mod keys;
mod plantdb_users;
mod resource;
mod user;
mod user_import;
pub use audit::{run_audit, AuditArgs};
pub use backup::{run_backup, run_restore, RestoreArgs};
pub use client::{run_client, ClientAction};
pub use keys::{run_keys, KeysAction};
pub use resource::{run_resource, ResourceAction};
pub use user::{run_user, UserAction};

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

/// The flags of `serve`, which `config check` takes too.
#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: Common,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// Seeds the demo users admin/admin and guest/guest.
    #[arg(long)]
    pub demo: bool,
}

impl ServeArgs {
    /// The configuration `serve` runs with: file, environment, then flags.
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut config = load_config(&self.common)?;
        if let Some(bind) = self.bind {
            config.bind = bind;
        }
        Ok(config)
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Runs the server.
    Serve {
        #[command(flatten)]
        args: ServeArgs,
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
    /// Lists, rotates and retires the signing keys of the configured database.
    Keys {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Manages service clients (OAuth 2.0 client credentials) in the configured database.
    Client {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        action: ClientAction,
    },
    /// Prints the audit trail of the configured database, newest first.
    Audit {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        args: AuditArgs,
    },
    /// Copies the SQLite database into FILE, consistently, while the server runs.
    Backup {
        #[command(flatten)]
        common: Common,
        /// Where the copy goes (replaced once the copy is complete).
        file: PathBuf,
    },
    /// Puts a backup back; the server must be stopped. Ends every session and API key unless
    /// told otherwise.
    Restore {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        args: RestoreArgs,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Subcommand)]
pub enum ConfigAction {
    /// Prints a documented example configuration file.
    Example,
    /// Checks the configuration `serve` would run with (same flags, file and environment) and
    /// prints it, secrets redacted; fails with one line per problem.
    Check {
        #[command(flatten)]
        args: ServeArgs,
    },
}

/// `tessera config check`: the effective configuration, secrets redacted, or its problems.
pub fn run_config_check(args: &ServeArgs) -> anyhow::Result<String> {
    let config = args.config()?;
    let problems = config.start_problems();
    if !problems.is_empty() {
        return Err(anyhow::Error::msg(ConfigError::new(problems).to_string()));
    }
    Ok(format!(
        "# tessera configuration: valid. Effective settings (defaults, file, environment, \
         flags), secrets redacted:\n{}",
        config.effective()
    ))
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
/// Unknown `TESSERA_*` variables get a warning on stderr.
pub fn load_config(common: &Common) -> anyhow::Result<Config> {
    let names = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    for warning in unknown_variables(names) {
        eprintln!("tessera: warning: {warning}");
    }
    let flags = Flags {
        data_dir: common.data_dir.clone(),
        database_url: common.database.clone(),
        redis_url: common.redis.clone(),
    };
    let mut problems = not_utf8(std::env::vars_os());
    let loaded = Config::load(
        common.config.as_deref(),
        &|name| std::env::var(name).ok(),
        &flags,
    );
    match loaded {
        Ok(config) if problems.is_empty() => return Ok(config),
        Ok(_) => {}
        Err(e) => problems.extend_from_slice(e.problems()),
    }
    Err(anyhow::Error::msg(ConfigError::new(problems).to_string()))
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
