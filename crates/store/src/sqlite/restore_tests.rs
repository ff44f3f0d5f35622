//! Restores: what they refuse, what they replace, what they end.

use rusqlite::Connection;
use tessera_core::Error;

use super::backup_tests::{add, dir, live_sessions, mode, names, store_with, users, NOW};
use super::*;

#[tokio::test]
async fn a_restore_is_refused_while_any_connection_is_open() {
    let d = dir();
    drop(store_with(&d.db, "anna").await);
    backup(&d.db, &d.copy).unwrap();
    // Not tessera: no lock is held, but SQLite will not leave WAL mode under this connection.
    let other = Connection::open(&d.db).unwrap();
    other
        .query_row("SELECT count(*) FROM users", [], |_| Ok(()))
        .unwrap();
    let err = restore(&d.copy, &d.db, RestoreOptions::default(), NOW).unwrap_err();
    assert!(
        err.to_string().contains("in use by another process"),
        "{err}"
    );
    drop(other);
    assert_eq!(live_sessions(&d.db), 1, "nothing was changed");
}

#[tokio::test]
async fn the_wal_of_a_killed_process_goes_into_the_old_database_not_the_new_one() {
    let d = dir();
    drop(store_with(&d.db, "anna").await);
    backup(&d.db, &d.copy).unwrap();
    // What a process killed after a commit leaves: a database and a WAL with "bob" in it.
    let crashed = d.copy.with_file_name("crashed");
    std::fs::create_dir(&crashed).unwrap();
    let writer = Connection::open(&d.db).unwrap();
    writer
        .query_row("PRAGMA wal_autocheckpoint = 0", [], |_| Ok(()))
        .unwrap();
    writer
        .query_row("SELECT count(*) FROM users", [], |_| Ok(()))
        .unwrap(); // holds the WAL open
    add(&d.db, "bob");
    for suffix in ["", "-wal"] {
        let name = format!("tessera.db{suffix}");
        std::fs::copy(d.db.with_file_name(&name), crashed.join(&name)).unwrap();
    }
    drop(writer);

    let db = crashed.join("tessera.db");
    let restored = restore(&d.copy, &db, RestoreOptions::default(), NOW).unwrap();
    assert_eq!(users(&db), ["anna"]);
    assert_eq!(users(&restored.previous.unwrap()), ["anna", "bob"]);
    assert!(!crashed.join("tessera.db-wal").exists());
}

#[test]
fn a_restore_replaces_the_database_whole() {
    let d = dir();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt.block_on(store_with(&d.db, "anna"));
    backup(&d.db, &d.copy).unwrap();
    add(&d.db, "bob");
    drop(store);

    let restored = restore(&d.copy, &d.db, RestoreOptions::default(), NOW).unwrap();
    assert_eq!(restored.sessions_ended, 1);
    assert_eq!(restored.scoped_tokens_ended, 0);
    assert_eq!(users(&d.db), ["anna"]);
    assert_eq!(live_sessions(&d.db), 0);
    assert_eq!(mode(&d.db), 0o600);
    let previous = restored.previous.unwrap();
    assert_eq!(
        users(&previous),
        ["anna", "bob"],
        "the old database is kept"
    );
    let data = d.db.parent().unwrap();
    assert_eq!(
        names(data),
        ["tessera.db", "tessera.db.lock", "tessera.db.pre-restore"]
    );
    let c = Connection::open(&d.db).unwrap();
    let logged: i64 = c
        .query_row(
            "SELECT count(*) FROM revocation_log WHERE key = 'anna' AND revoked_at = ?1",
            [NOW],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        logged, 1,
        "a starting server reads the ended session from the log"
    );

    let keep = RestoreOptions {
        keep_sessions: true,
        ..RestoreOptions::default()
    };
    let restored = restore(&d.copy, &d.db, keep, NOW).unwrap();
    assert_eq!(restored.sessions_ended, 0);
    assert_eq!(live_sessions(&d.db), 1);
}

#[tokio::test]
async fn a_restore_is_refused_while_a_store_is_open_and_changes_nothing() {
    let d = dir();
    let store = store_with(&d.db, "anna").await;
    backup(&d.db, &d.copy).unwrap();
    add(&d.db, "bob");
    let err = restore(&d.copy, &d.db, RestoreOptions::default(), NOW).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("is in use"), "{err}");
    assert_eq!(users(&d.db), ["anna", "bob"]);
    drop(store);
}

#[test]
fn what_is_not_a_tessera_database_of_known_migrations_is_refused() {
    let d = dir();
    let rt = tokio::runtime::Runtime::new().unwrap();
    drop(rt.block_on(store_with(&d.db, "anna")));

    std::fs::write(&d.copy, b"not a database at all, just some bytes in a file").unwrap();
    let err = restore(&d.copy, &d.db, RestoreOptions::default(), NOW).unwrap_err();
    assert!(
        err.to_string().contains("not a readable SQLite database"),
        "{err}"
    );

    std::fs::remove_file(&d.copy).unwrap();
    Connection::open(&d.copy)
        .unwrap()
        .execute_batch("CREATE TABLE notes (x)")
        .unwrap();
    let err = restore(&d.copy, &d.db, RestoreOptions::default(), NOW).unwrap_err();
    assert!(err.to_string().contains("not a tessera database"), "{err}");

    std::fs::remove_file(&d.copy).unwrap();
    backup(&d.db, &d.copy).unwrap();
    Connection::open(&d.copy)
        .unwrap()
        .execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (9999, 'from the future', TRUE, x'00', 0)",
            [],
        )
        .unwrap();
    let err = restore(&d.copy, &d.db, RestoreOptions::default(), NOW).unwrap_err();
    assert!(err.to_string().contains("9999"), "{err}");

    let left = names(d.db.parent().unwrap());
    assert!(left.iter().all(|n| !n.starts_with('.')), "{left:?}");
    assert!(!left.iter().any(|n| n.contains("pre-restore")), "{left:?}");
    assert_eq!(users(&d.db), ["anna"]);
}
