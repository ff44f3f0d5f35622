//! A database made before later migrations existed picks them up when opened.

use std::sync::Arc;

use tessera_core::token_store::NewResource;
use tessera_core::Store;
use tessera_store::SqliteStore;

use super::support::T0;

pub async fn a_database_with_only_the_first_migration_gets_the_later_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../migrations/sqlite/0001_init.sql"))
            .unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL);
             INSERT INTO schema_migrations (version) VALUES (1);
             INSERT INTO users (username, fullname, password_hash, role, created_at)
             VALUES ('anna', 'Anna', 'x', 'reader', 0);",
        )
        .unwrap();
    }
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
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
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions.first(), Some(&1));
    assert!(versions.contains(&3), "{versions:?}");
}
