//! Putting a backup back in place of a database no process uses. The backup is checked,
//! copied into a temporary file beside the database, migrated and (by default) its sessions
//! and API keys ended, synced, and only then renamed over the database: at every moment the
//! database's path holds either the old database or the new one, whole.
//!
//! The old database is first made a single file (its WAL checkpointed into it and removed:
//! a WAL left beside the new file would be replayed into it), then kept as `<db>.pre-restore`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags};
use tessera_core::{Error, Result, Timestamp};

use super::backup::{check, copy_into, single_file};
use super::backup_files::{
    give_to_directory_owner, io_error, parent, remove_if_there, same_file, sync_dir, with_suffix,
    TempFile,
};
use super::lock::DatabaseLock;
use super::{open_writer, sql_error};

/// What a restore ends besides what the backup already had ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions {
    /// Leaves sessions and API keys as the backup has them (refresh tokens spent after the
    /// backup become usable again).
    pub keep_sessions: bool,
    /// Also ends every personal and resource token.
    pub revoke_scoped_tokens: bool,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The backup's latest migration, before it was brought up to date.
    pub schema_version: i64,
    pub sessions_ended: usize,
    pub apikeys_ended: usize,
    pub scoped_tokens_ended: usize,
    /// Where the database that was replaced is kept.
    pub previous: Option<PathBuf>,
}

/// Replaces the database at `db` with the backup at `backup`; ends sessions, API keys and
/// scoped tokens as `options` say, stamped `now`. Refused while anything holds the database.
pub fn restore(
    backup: &Path,
    db: &Path,
    options: RestoreOptions,
    now: Timestamp,
) -> Result<Restored> {
    if same_file(backup, db) {
        return Err(Error::BadRequest(format!(
            "{} is the database itself",
            backup.display()
        )));
    }
    create_dir(parent(db))?;
    let _alone = DatabaseLock::exclusive(db)?;
    let source = Connection::open_with_flags(
        backup,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::BadRequest(format!("cannot read it: {e}")))?;
    let schema_version = check(&source)?.schema_version;

    let temp = TempFile::beside(db, "restore")?;
    copy_into(&source, temp.path())?;
    drop(source);
    let ended = prepare(temp.path(), options, now)?;
    give_to_directory_owner(temp.path())?;

    let previous = retire(db)?;
    temp.persist(db)?;
    Ok(Restored {
        schema_version,
        sessions_ended: ended.0,
        apikeys_ended: ended.1,
        scoped_tokens_ended: ended.2,
        previous,
    })
}

/// Brings the copy's schema up to date, ends what `options` say in one transaction, and
/// leaves it a single file. `(sessions, API keys, scoped tokens)` ended.
fn prepare(path: &Path, options: RestoreOptions, now: Timestamp) -> Result<(usize, usize, usize)> {
    let mut conn = open_writer(path)?;
    let tx = conn.transaction().map_err(sql_error)?;
    let mut ended = (0, 0, 0);
    // Triggers put each revocation in the revocation log, which a starting server reads.
    if !options.keep_sessions {
        ended.0 = tx
            .execute(
                "UPDATE sessions SET revoked_at = ?1, revoke_reason = 'restored'
                 WHERE revoked_at IS NULL",
                params![now],
            )
            .map_err(sql_error)?;
        ended.1 = tx
            .execute(
                "UPDATE apikeys SET revoked_at = ?1, revoke_reason = 'restored'
                 WHERE revoked_at IS NULL",
                params![now],
            )
            .map_err(sql_error)?;
    }
    if options.revoke_scoped_tokens {
        ended.2 = tx
            .execute(
                "UPDATE scoped_tokens SET revoked_at = ?1 WHERE revoked_at IS NULL",
                params![now],
            )
            .map_err(sql_error)?;
    }
    tx.commit().map_err(sql_error)?;
    single_file(&conn).map_err(sql_error)?;
    conn.close().map_err(|(_, e)| sql_error(e))?;
    remove_if_there(&with_suffix(path, "-shm"))?;
    Ok(ended)
}

/// Makes the database at `db` (if any) a single file and keeps it as `<db>.pre-restore`
/// (a hard link: `db` itself stays in place until the new file is renamed over it).
fn retire(db: &Path) -> Result<Option<PathBuf>> {
    if !db.exists() {
        return Ok(None);
    }
    let wal = with_suffix(db, "-wal");
    match checkpoint_old(db) {
        Ok(()) => {}
        Err(e) if in_use(&e) => {
            return Err(Error::Conflict(format!(
                "{} is in use by another process (SQLite cannot take it out of WAL mode while \
                 another connection has it open): stop that process first",
                db.display()
            )));
        }
        // A damaged database: its WAL (if any) is kept beside the copy below, untouched.
        Err(e) => {
            tracing::warn!(error = %e, "the database being replaced could not be checkpointed");
        }
    }
    let previous = with_suffix(db, ".pre-restore");
    for suffix in ["", "-wal", "-shm"] {
        remove_if_there(&with_suffix(&previous, suffix))?;
    }
    if std::fs::hard_link(db, &previous).is_err() {
        std::fs::copy(db, &previous).map_err(|e| io_error("copy", db, e))?;
    }
    if wal.exists() {
        std::fs::rename(&wal, with_suffix(&previous, "-wal"))
            .map_err(|e| io_error("move", &wal, e))?;
    }
    remove_if_there(&with_suffix(db, "-shm"))?;
    sync_dir(parent(db))?;
    Ok(Some(previous))
}

fn checkpoint_old(db: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    single_file(&conn)?;
    conn.close().map_err(|(_, e)| e)
}

fn in_use(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn create_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| io_error("create", dir, e))
}
