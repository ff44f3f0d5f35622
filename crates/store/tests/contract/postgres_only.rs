//! What only the PostgreSQL store has: opening by URL, several instances migrating at once,
//! and bulk session creation.

use std::sync::Arc;

use tessera_core::{Role, Store};
use tessera_store::PostgresStore;
use tokio::sync::Barrier;

use super::migrations::checksums;
use super::pg_schema::PgSchema;
use super::support::{add_user, new_user, session, DAY, T0};

const INSTANCES: usize = 6;

pub async fn concurrent_first_opens_migrate_once(schema: PgSchema) {
    let barrier = Arc::new(Barrier::new(INSTANCES));
    let opening: Vec<_> = (0..INSTANCES)
        .map(|_| {
            let (url, options) = (schema.url.clone(), schema.options());
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                PostgresStore::open_with(&url, options).await
            })
        })
        .collect();
    let mut stores = Vec::new();
    for task in opening {
        stores.push(task.await.unwrap().expect("every instance opens"));
    }

    let mut conn = schema.connect().await;
    let recorded: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        recorded,
        checksums("postgres"),
        "each once, with its checksum"
    );
    let legacy: bool = sqlx::query_scalar("SELECT to_regclass('schema_migrations') IS NOT NULL")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(!legacy, "a new schema has no old bookkeeping");

    drop(stores);
    let again = PostgresStore::open_with(&schema.url, schema.options()).await;
    assert!(again.is_ok(), "reopening a migrated schema works");
}

pub async fn open_accepts_postgres_urls(schema: PgSchema) {
    let separator = if schema.url.contains('?') { '&' } else { '?' };
    let options = format!("options=-c%20search_path%3D{}", schema.name);
    let rest = schema.url.split_once("://").expect("a URL").1;
    for (scheme, user) in [
        ("postgres", "via-postgres"),
        ("postgresql", "via-postgresql"),
    ] {
        let url = format!("{scheme}://{rest}{separator}{options}");
        let store = tessera_store::open(&url).await.expect("open by URL");
        store
            .create_user(&new_user(user, Role::Reader))
            .await
            .unwrap();
    }

    let mut conn = schema.connect().await;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(users, 2, "both stores used the schema the URL names");
}

pub async fn bulk_created_sessions_are_live(schema: PgSchema) {
    let pg = PostgresStore::open_with(&schema.url, schema.options())
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(pg.clone());
    add_user(&store, "alice").await;
    let batch: Vec<_> = (0..3)
        .map(|i| session(&format!("bulk-{i}"), "alice", T0 + i, T0 + DAY))
        .collect();
    pg.bulk_create_sessions(&batch).await.unwrap();
    for s in &batch {
        assert_eq!(
            store
                .session_of_refresh(&s.refresh_hash, T0 + 10)
                .await
                .unwrap(),
            Some((s.id.clone(), "alice".to_string()))
        );
    }

    let mixed = vec![
        session("fine", "alice", T0, T0 + DAY),
        session("orphan", "nobody", T0, T0 + DAY),
    ];
    assert!(pg.bulk_create_sessions(&mixed).await.is_err());
    assert!(
        store.is_session_revoked("fine").await.unwrap(),
        "all or nothing"
    );
}
