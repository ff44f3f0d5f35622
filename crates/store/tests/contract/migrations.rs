//! Migrations on SQLite: a database made before later migrations existed picks them up; one
//! migrated by the older bookkeeping (`schema_migrations`, no checksums) is adopted without
//! running anything again; a migration changed after it was applied is refused.

use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha384};
use tessera_core::store::NewResource;
use tessera_core::Store;
use tessera_store::SqliteStore;

use super::support::T0;

/// `(version, sql)` of every migration file of `backend`, in order.
pub fn files(backend: &str) -> Vec<(i64, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<(i64, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            let version = name.split('_').next().unwrap().parse().unwrap();
            (version, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// `(version, checksum)` of every file: what `_sqlx_migrations` must hold.
pub fn checksums(backend: &str) -> Vec<(i64, Vec<u8>)> {
    files(backend)
        .into_iter()
        .map(|(v, sql)| (v, Sha384::digest(sql.as_bytes()).to_vec()))
        .collect()
}

/// A database as an older tessera left it: the first `applied` migrations, listed in
/// `schema_migrations`, and a user.
fn old_style(path: &Path, applied: usize) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL)")
        .unwrap();
    for (version, sql) in files("sqlite").into_iter().take(applied) {
        conn.execute_batch(&sql).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version) VALUES (?1)",
            [version],
        )
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO users (username, fullname, password_hash, role, created_at)
         VALUES ('anna', 'Anna', 'x', 'reader', 0);",
    )
    .unwrap();
}

/// `(version, checksum, execution_time)` of `_sqlx_migrations`.
fn recorded(path: &Path) -> Vec<(i64, Vec<u8>, i64)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT version, checksum, execution_time FROM _sqlx_migrations
             WHERE success ORDER BY version",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

async fn open(path: &Path) -> Arc<dyn Store> {
    Arc::new(SqliteStore::open(path).await.expect("open")) as Arc<dyn Store>
}

pub async fn a_database_with_only_the_first_migration_gets_the_later_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    old_style(&path, 1);
    let store = open(&path).await;
    assert!(store.user("anna").await.unwrap().is_some(), "data kept");
    store
        .create_resource(&NewResource {
            name: "r".into(),
            created_at: T0,
            maintainers: vec!["anna".into()],
        })
        .await
        .expect("the scoped-token tables exist");
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let uid: String = conn
        .query_row("SELECT uid FROM users WHERE username = 'anna'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        uid.len() == 32 && uid.bytes().all(|b| b.is_ascii_hexdigit()),
        "an existing user gets a uid: {uid}"
    );
    drop(conn);
    let recorded = recorded(&path);
    let sums: Vec<_> = recorded.iter().map(|(v, c, _)| (*v, c.clone())).collect();
    assert_eq!(sums, checksums("sqlite"));
    assert_eq!(recorded[0].2, -1, "adopted: its time is unknown");
    assert!(recorded[1..].iter().all(|r| r.2 >= 0), "run now: timed");
}

pub async fn an_old_style_database_is_adopted_without_running_anything_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    old_style(&path, usize::MAX);
    // Running the first migration again would fail: its tables exist.
    let store = open(&path).await;
    assert!(store.user("anna").await.unwrap().is_some(), "data kept");
    drop(store);
    let recorded = recorded(&path);
    let sums: Vec<_> = recorded.iter().map(|(v, c, _)| (*v, c.clone())).collect();
    assert_eq!(
        sums,
        checksums("sqlite"),
        "every version, with its checksum"
    );
    assert!(recorded.iter().all(|r| r.2 == -1), "nothing ran");
    let again = open(&path).await;
    assert!(again.user("anna").await.unwrap().is_some(), "reopens");
}

pub async fn a_changed_migration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tessera.db");
    drop(open(&path).await);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE _sqlx_migrations SET checksum = zeroblob(48) WHERE version = 2",
            [],
        )
        .unwrap();
    let err = SqliteStore::open(&path).await.expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("migration 2") && text.contains("modified"),
        "{text}"
    );
}
