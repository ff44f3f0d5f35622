//! `tessera user`: users of the configured database.

use std::fmt::Write as _;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use tessera_core::{Clock, Role};

use crate::config::Config;

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
    /// Creates the users of a PlantDB database (its users.json and groups.json) with their
    /// PlantDB password hashes; users that exist here are left as they are.
    Import {
        /// The PlantDB database directory, holding users.json.
        #[arg(long, value_name = "DB_DIR")]
        plantdb: PathBuf,
        /// Reads, checks and reports, and creates nobody.
        #[arg(long)]
        dry_run: bool,
    },
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
        UserAction::Import { plantdb, dry_run } => {
            out = super::user_import::run_import(&auth, &plantdb, dry_run).await?;
        }
    }
    Ok(out)
}
