//! Who holds a database file: every store opened on it holds a shared lock on `<file>.lock`
//! (an advisory `flock`, let go by the kernel when the process ends, however it ends), and a
//! restore holds it exclusively. So a restore is refused while a server (or a `tessera`
//! command) has the database open, and neither starts while a restore runs.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use tessera_core::{Error, Result};

/// A held lock; dropping it lets go.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

/// The lock file of the database at `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl DatabaseLock {
    /// Shares the database with the others that share it; refused while a restore runs.
    pub fn shared(db: &Path) -> Result<Self> {
        Self::take(db, false)?.ok_or_else(|| {
            Error::Conflict(format!(
                "{} is being restored (its lock {} is held): try again when the restore has \
                 ended",
                db.display(),
                lock_path(db).display()
            ))
        })
    }

    /// The database alone; refused while anything else holds it.
    pub fn exclusive(db: &Path) -> Result<Self> {
        Self::take(db, true)?.ok_or_else(|| {
            Error::Conflict(format!(
                "{} is in use: a tessera server or command has it open (and holds {}); stop \
                 it first",
                db.display(),
                lock_path(db).display()
            ))
        })
    }

    /// `None` when another holds the lock in a way that excludes this one.
    fn take(db: &Path, exclusive: bool) -> Result<Option<Self>> {
        let path = lock_path(db);
        let file = open(&path)?;
        let taken = flock(&file, exclusive)
            .map_err(|e| Error::Internal(format!("cannot lock {}: {e}", path.display())))?;
        Ok(taken.then_some(Self { _file: file }))
    }
}

/// Opens (creating it owner-only if needed) the lock file. A lock file made by root (a
/// `tessera` command run by root) goes to the owner of its directory, so that the server's own
/// user can open it.
fn open(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(path)
        .map_err(|e| Error::Internal(format!("cannot open {}: {e}", path.display())))?;
    super::backup_files::give_to_directory_owner(path)?;
    Ok(file)
}

/// Takes the lock without waiting: `Ok(false)` when another holds it in a conflicting way.
#[cfg(unix)]
fn flock(file: &File, exclusive: bool) -> std::io::Result<bool> {
    use rustix::fs::FlockOperation;

    let operation = if exclusive {
        FlockOperation::NonBlockingLockExclusive
    } else {
        FlockOperation::NonBlockingLockShared
    };
    match rustix::fs::flock(file, operation) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(unix))]
fn flock(_: &File, _: bool) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn shared_locks_share_and_exclude_an_exclusive_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tessera.db");
        let a = DatabaseLock::shared(&db).unwrap();
        let b = DatabaseLock::shared(&db).unwrap();
        let err = DatabaseLock::exclusive(&db).unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        assert!(err.to_string().contains("is in use"), "{err}");
        drop((a, b));
        let alone = DatabaseLock::exclusive(&db).unwrap();
        let err = DatabaseLock::shared(&db).unwrap_err();
        assert!(err.to_string().contains("is being restored"), "{err}");
        drop(alone);
        DatabaseLock::shared(&db).unwrap();
    }
}
