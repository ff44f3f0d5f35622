//! `tessera backup FILE` and `tessera restore FILE`: the embedded SQLite database, copied
//! while the server runs and put back while it is stopped (see `tessera_store::sqlite`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use clap::Args;
use tessera_core::Clock;
use tessera_store::sqlite::{self, RestoreOptions};

use crate::config::Config;

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The backup to put back (made by `tessera backup`).
    pub file: PathBuf,
    /// Keeps the backup's sessions and API keys: refresh tokens spent since the backup was
    /// taken (perhaps stolen ones) work again.
    #[arg(long)]
    pub keep_sessions: bool,
    /// Also ends every personal and resource token the backup holds.
    #[arg(long)]
    pub revoke_scoped_tokens: bool,
}

/// The SQLite file the configuration names; PostgreSQL has tools of its own.
fn sqlite_file(config: &Config, command: &str) -> anyhow::Result<PathBuf> {
    match tessera_store::sqlite_path(&config.database_url()) {
        Some(path) => Ok(path.to_path_buf()),
        None => bail!(
            "tessera {command} works on the embedded SQLite database; this one is PostgreSQL: \
             use pg_dump and pg_restore (see the README, Operations)"
        ),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> tessera_core::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| anyhow!("the work stopped: {e}"))?
        .map_err(anyhow::Error::new)
}

/// Copies the database into `file`; returns what to print.
pub async fn run_backup(config: &Config, file: &Path) -> anyhow::Result<String> {
    let db = sqlite_file(config, "backup")?;
    let copied = blocking({
        let (db, file) = (db.clone(), file.to_path_buf());
        move || sqlite::backup(&db, &file)
    })
    .await
    .with_context(|| format!("cannot back up {}", db.display()))?;
    Ok(format!(
        "backed up {} to {} ({} bytes, migration {})\n\
         the signing keys in it are sealed by the key-encryption key, which is not in it: keep \
         {} (or key_encryption_key) and {} (or JWT_SECRET_KEY) safe as well, apart from it\n",
        db.display(),
        file.display(),
        copied.bytes,
        copied.schema_version,
        config.data_dir.join(crate::keyfile::KEK_FILE).display(),
        config.data_dir.join(crate::keyfile::KEY_FILE).display(),
    ))
}

/// Puts the backup `args.file` back in place of the database; returns what to print.
pub async fn run_restore(
    config: &Config,
    clock: Arc<dyn Clock>,
    args: RestoreArgs,
) -> anyhow::Result<String> {
    let db = sqlite_file(config, "restore")?;
    let options = RestoreOptions {
        keep_sessions: args.keep_sessions,
        revoke_scoped_tokens: args.revoke_scoped_tokens,
    };
    let now = clock.now();
    let restored = blocking({
        let (db, file) = (db.clone(), args.file.clone());
        move || sqlite::restore(&file, &db, options, now)
    })
    .await
    .with_context(|| format!("cannot restore {}", args.file.display()))?;

    let mut out = String::new();
    writeln!(
        out,
        "restored {} (migration {}) into {}",
        args.file.display(),
        restored.schema_version,
        db.display()
    )
    .ok();
    if let Some(previous) = &restored.previous {
        writeln!(
            out,
            "the database it replaced is kept as {} (delete it once it is no longer needed)",
            previous.display()
        )
        .ok();
    }
    if args.keep_sessions {
        writeln!(
            out,
            "warning: sessions and API keys were kept as the backup has them: refresh tokens \
             spent since the backup was taken work again"
        )
        .ok();
    } else {
        writeln!(
            out,
            "ended {} sessions and {} API keys: everyone logs in again",
            restored.sessions_ended, restored.apikeys_ended
        )
        .ok();
    }
    if args.revoke_scoped_tokens {
        writeln!(
            out,
            "ended {} personal and resource tokens",
            restored.scoped_tokens_ended
        )
        .ok();
    } else {
        writeln!(
            out,
            "warning: personal and resource tokens stay as the backup has them: their \
             revocations, and the disables and password resets made after the backup, are \
             undone (--revoke-scoped-tokens ends those tokens too)"
        )
        .ok();
    }
    writeln!(
        out,
        "note: access tokens and API keys issued after the backup are unknown to it and stay \
         valid until they expire (at most {} s and {} s), unless the signing key changes",
        config.session_timeout, config.apikey_max_seconds
    )
    .ok();
    let key_file = config.data_dir.join(crate::keyfile::KEY_FILE);
    if config.jwt_secret_key.is_none() && !key_file.exists() {
        writeln!(
            out,
            "warning: there is no {}: put back the one kept with the backup before starting, \
             or a new key is made and every access token and API key is refused",
            key_file.display()
        )
        .ok();
    }
    Ok(out)
}
