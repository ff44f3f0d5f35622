//! The embedded default: one SQLite file in WAL mode with `synchronous=FULL`. One thread owns
//! the write connection and commits concurrent writes together (group commit); reads use
//! read-only connections on the blocking pool.

mod allocator;
mod apikey_revocation;
mod apikey_rotation;
mod apikeys;
mod audit;
mod backup;
mod backup_files;
mod clients;
mod helpers;
mod issued;
mod lock;
mod lockout;
mod migrate;
mod passwords;
mod readers;
mod resources;
mod restore;
mod revocations;
mod scoped_tokens;
mod session_rotation;
mod sessions;
mod signing_keys;
mod user_admin;
mod users;
mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};
use tessera_core::store::NewSession;
use tessera_core::{Error, Result};

pub use backup::{backup, Copied};
use issued::Issued;
pub use lock::DatabaseLock;
use readers::Readers;
pub use restore::{restore, RestoreOptions, Restored};
use writer::Writer;

/// Writes that may wait for the single writer by default.
pub const DEFAULT_WRITE_QUEUE: usize = 4096;

/// How to run the SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// Most writes waiting for the writer; a write beyond them is refused with `Unavailable`.
    pub write_queue: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            write_queue: DEFAULT_WRITE_QUEUE,
        }
    }
}

#[derive(Clone)]
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    /// Refresh tokens issued here and not presented yet: known without a read.
    issued: std::sync::Arc<Issued>,
    /// Held while the store is open: a restore waits for no one and is refused instead.
    _lock: std::sync::Arc<DatabaseLock>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

pub(crate) fn sql_error(e: rusqlite::Error) -> Error {
    Error::storage(e)
}

fn conflict_or_storage(e: rusqlite::Error, what: &str) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => {
            Error::Conflict(what.to_string())
        }
        _ => sql_error(e),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, SqliteOptions::default()).await
    }

    pub async fn open_with(path: &Path, options: SqliteOptions) -> Result<Self> {
        allocator::keep_small_frees();
        let path = path.to_path_buf();
        let (conn, lock) = tokio::task::spawn_blocking({
            let path = path.clone();
            move || {
                let lock = DatabaseLock::shared(&path)?;
                Ok::<_, Error>((open_writer(&path)?, lock))
            }
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
        Ok(Self {
            writer: Writer::start(conn, options.write_queue),
            readers: Readers::new(path),
            issued: Default::default(),
            _lock: std::sync::Arc::new(lock),
        })
    }

    /// How many writes the writer has accepted since the store was opened (a write refused
    /// before reaching it is not counted).
    pub fn writes_accepted(&self) -> u64 {
        self.writer.accepted()
    }

    /// Inserts many sessions at once, with no per-user limit (for imports and benchmarks).
    pub async fn bulk_create_sessions(&self, sessions: &[NewSession]) -> Result<()> {
        let sessions = sessions.to_vec();
        self.writer
            .write(move |conn| {
                for s in &sessions {
                    sessions::insert(conn, s)?;
                }
                Ok(())
            })
            .await
    }
}

fn open_writer(path: &Path) -> Result<Connection> {
    create_private(path)?;
    let conn = Connection::open(path).map_err(sql_error)?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(sql_error)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )
    .map_err(sql_error)?;
    migrate::migrate(&conn)?;
    Ok(conn)
}

/// Creates the database file readable by its owner only, when it does not exist yet. SQLite
/// gives its WAL and shared-memory files the database file's permissions.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Internal(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[tokio::test]
    async fn the_database_and_its_wal_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tessera.db");
        let _store = SqliteStore::open(&path).await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.path().join(format!("tessera.db{suffix}"));
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }
}

#[cfg(all(test, unix))]
mod backup_tests;
#[cfg(all(test, unix))]
mod restore_tests;
