//! Migrations on PostgreSQL: a schema migrated by the older bookkeeping (`schema_migrations`,
//! no checksums) is adopted without running anything again; a migration changed after it was
//! applied is refused.

use tessera_core::store::UserStore;
use tessera_store::PostgresStore;

use super::migrations::{checksums, files};
use super::pg_schema::PgSchema;

/// `(version, checksum, execution_time)` of `_sqlx_migrations`.
async fn recorded(schema: &PgSchema) -> Vec<(i64, Vec<u8>, i64)> {
    let mut conn = schema.connect().await;
    sqlx::query_as(
        "SELECT version, checksum, execution_time FROM _sqlx_migrations
         WHERE success ORDER BY version",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

pub async fn an_old_style_schema_is_adopted_without_running_anything_again(schema: PgSchema) {
    let mut conn = schema.connect().await;
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (
            version    BIGINT PRIMARY KEY NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for (version, sql) in files("postgres") {
        sqlx::raw_sql(&sql).execute(&mut conn).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)")
            .bind(version)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::raw_sql(
        "INSERT INTO users (username, fullname, password_hash, role, created_at)
         VALUES ('anna', 'Anna', 'x', 'reader', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();

    // Running the first migration again would fail: its tables exist.
    let store = PostgresStore::open_with(&schema.url, schema.options())
        .await
        .expect("an old-style schema opens");
    assert!(store.user("anna").await.unwrap().is_some(), "data kept");
    drop(store);
    let recorded = recorded(&schema).await;
    let sums: Vec<_> = recorded.iter().map(|(v, c, _)| (*v, c.clone())).collect();
    assert_eq!(
        sums,
        checksums("postgres"),
        "every version, with its checksum"
    );
    assert!(recorded.iter().all(|r| r.2 == -1), "nothing ran");
    PostgresStore::open_with(&schema.url, schema.options())
        .await
        .expect("reopens");
}

pub async fn a_changed_migration_is_refused(schema: PgSchema) {
    let store = PostgresStore::open_with(&schema.url, schema.options())
        .await
        .expect("open");
    drop(store);
    let mut conn = schema.connect().await;
    sqlx::raw_sql("UPDATE _sqlx_migrations SET checksum = '\\x00' WHERE version = 2")
        .execute(&mut conn)
        .await
        .unwrap();
    let err = PostgresStore::open_with(&schema.url, schema.options())
        .await
        .expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("migration 2") && text.contains("modified"),
        "{text}"
    );
}
