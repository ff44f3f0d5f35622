//! Consistent copies of a SQLite database while it is in use, with SQLite's online backup API:
//! a connection of its own reads the database in one step, in one read transaction, so the
//! copy is the database as one commit left it; in WAL mode writers go on meanwhile.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use tessera_core::{Error, Result};

use super::backup_files::{same_file, with_suffix, TempFile};
use super::lock::{lock_path, DatabaseLock};
use super::{migrate, sql_error};

/// What a copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The latest migration applied to it.
    pub schema_version: i64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Copies the database at `db` into `dest` (owner-only), replacing `dest` only once the copy
/// is complete, checked and synced. Works while a server uses the database.
pub fn backup(db: &Path, dest: &Path) -> Result<Copied> {
    if !db.is_file() {
        return Err(Error::NotFound(format!("no database at {}", db.display())));
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        if same_file(dest, &with_suffix(db, suffix)) || same_file(dest, &lock_path(db)) {
            return Err(Error::BadRequest(format!(
                "{} is the database's own file: choose another place for the copy",
                dest.display()
            )));
        }
    }
    let _shared = DatabaseLock::shared(db)?;
    // Read-write, so that a WAL database no process has open can still be read (its WAL
    // index is made); nothing is written. Never creates the file.
    let source = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql_error)?;
    source
        .busy_timeout(Duration::from_secs(10))
        .map_err(sql_error)?;
    let temp = TempFile::beside(dest, "partial")?;
    let copied = copy_into(&source, temp.path())?;
    drop(source);
    temp.persist(dest)?;
    Ok(copied)
}

/// Copies `source` into the empty file at `path` in one step, leaves the copy a single file
/// (no WAL), and checks it.
pub(super) fn copy_into(source: &Connection, path: &Path) -> Result<Copied> {
    let mut dest = Connection::open(path).map_err(sql_error)?;
    {
        let backup = Backup::new(source, &mut dest).map_err(sql_error)?;
        // One step (-1: every page) holds one read transaction for the whole copy. The
        // source's busy handler waits for its locks; a step still refused (busy, locked) is
        // tried again.
        let mut attempts = 0;
        loop {
            match backup.step(-1).map_err(sql_error)? {
                StepResult::Done => break,
                StepResult::More => {}
                _ if attempts < 100 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    return Err(Error::Unavailable(
                        "the database stayed locked: the copy could not be taken".into(),
                    ))
                }
            }
        }
    }
    single_file(&dest).map_err(sql_error)?;
    let copied = check(&dest)?;
    dest.close().map_err(|(_, e)| sql_error(e))?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(Copied { bytes, ..copied })
}

/// Checks that `conn` holds an intact tessera database whose migrations this build knows.
pub(super) fn check(conn: &Connection) -> Result<Copied> {
    let verdict: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| Error::BadRequest(format!("not a readable SQLite database: {e}")))?;
    if verdict != "ok" {
        return Err(Error::BadRequest(format!(
            "the database is damaged: {verdict}"
        )));
    }
    let (schema_version, _) = migrate::check(conn)?;
    Ok(Copied {
        schema_version,
        bytes: 0,
    })
}

/// Checkpoints the WAL into the database file and leaves WAL mode, which SQLite allows only to
/// the one connection that has the database open.
pub(super) fn single_file(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if mode.eq_ignore_ascii_case("delete") {
        return Ok(());
    }
    // SQLite answers with the mode it kept when it cannot change it.
    Err(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
        Some(format!("the database stayed in {mode} mode")),
    ))
}
