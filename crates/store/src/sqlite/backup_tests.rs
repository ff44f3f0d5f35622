//! Backups taken while the store writes, and the lock; the helpers the restore tests share.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};
use tessera_core::Error;

use super::*;

pub(super) const NOW: i64 = 1_800_000_000;

pub(super) struct Dir {
    _dir: tempfile::TempDir,
    pub(super) db: PathBuf,
    pub(super) copy: PathBuf,
}

pub(super) fn dir() -> Dir {
    let dir = tempfile::tempdir().unwrap();
    Dir {
        db: dir.path().join("data").join("tessera.db"),
        copy: dir.path().join("copy.db"),
        _dir: dir,
    }
}

/// Opens the store (creating the schema) and adds a user with one session.
pub(super) async fn store_with(db: &Path, user: &str) -> SqliteStore {
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let store = SqliteStore::open(db).await.unwrap();
    add(db, user);
    store
}

pub(super) fn add(db: &Path, user: &str) {
    let c = Connection::open(db).unwrap();
    c.execute(
        "INSERT INTO users (username, fullname, password_hash, role, created_at)
         VALUES (?1, ?1, 'x', 'reader', ?2)",
        params![user, NOW],
    )
    .unwrap();
    c.execute(
        "INSERT INTO sessions (id, username, created_at, expires_at) VALUES (?1, ?1, ?2, ?3)",
        params![user, NOW, NOW + 3600],
    )
    .unwrap();
}

pub(super) fn users(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut s = c.prepare("SELECT username FROM users ORDER BY 1").unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

pub(super) fn live_sessions(db: &Path) -> i64 {
    let c = Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM sessions WHERE revoked_at IS NULL",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

pub(super) fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

pub(super) fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_backup_taken_while_the_store_writes_is_one_private_file() {
    let d = dir();
    let store = store_with(&d.db, "anna").await;
    let copied = backup(&d.db, &d.copy).unwrap();
    assert!(copied.schema_version >= 6, "{copied:?}");
    assert!(copied.bytes > 0);
    add(&d.db, "bob"); // after the copy: not in it
    assert_eq!(users(&d.copy), ["anna"]);
    assert_eq!(mode(&d.copy), 0o600);
    let parent = d.copy.parent().unwrap();
    assert_eq!(
        names(parent),
        ["copy.db", "data"],
        "no WAL, no temporary file"
    );
    drop(store);
}

#[tokio::test]
async fn a_backup_is_not_written_over_the_database_itself() {
    let d = dir();
    let _store = store_with(&d.db, "anna").await;
    for target in [d.db.clone(), d.db.with_file_name("tessera.db-wal")] {
        let err = backup(&d.db, &target).unwrap_err();
        assert!(err.to_string().contains("database's own file"), "{err}");
    }
    assert_eq!(users(&d.db), ["anna"]);
    let err = backup(&d.db.with_file_name("none.db"), &d.copy).unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn a_store_does_not_open_while_a_restore_holds_the_database() {
    let d = dir();
    drop(store_with(&d.db, "anna").await);
    let restoring = DatabaseLock::exclusive(&d.db).unwrap();
    let err = SqliteStore::open(&d.db).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("is being restored"), "{err}");
    drop(restoring);
    SqliteStore::open(&d.db).await.unwrap();
}
