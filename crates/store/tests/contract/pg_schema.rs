//! A fresh PostgreSQL schema for one test, at `TESSERA_TEST_POSTGRES_URL`.

use sqlx::Connection;
use tessera_store::PostgresOptions;

/// A schema of its own; dropped (best effort) when this is dropped.
pub struct PgSchema {
    pub url: String,
    pub name: String,
}

impl PgSchema {
    /// `None` when `TESSERA_TEST_POSTGRES_URL` is not set.
    pub async fn create() -> Option<Self> {
        let url = std::env::var("TESSERA_TEST_POSTGRES_URL")
            .ok()
            .filter(|url| !url.is_empty())?;
        let suffix = tessera_core::secret::random_b64(12)
            .to_lowercase()
            .replace(['-', '_'], "x");
        let name = format!("tessera_test_{suffix}");
        let mut admin = sqlx::PgConnection::connect(&url)
            .await
            .expect("connect to TESSERA_TEST_POSTGRES_URL");
        sqlx::raw_sql(&format!("CREATE SCHEMA {name}"))
            .execute(&mut admin)
            .await
            .expect("create the test schema");
        let _ = admin.close().await;
        Some(Self { url, name })
    }

    /// Store options that work in this schema, with a small pool.
    pub fn options(&self) -> PostgresOptions {
        PostgresOptions {
            max_connections: 8,
            schema: Some(self.name.clone()),
            ..PostgresOptions::default()
        }
    }

    /// A plain connection with this schema first on its `search_path`.
    pub async fn connect(&self) -> sqlx::PgConnection {
        let mut conn = sqlx::PgConnection::connect(&self.url)
            .await
            .expect("connect to TESSERA_TEST_POSTGRES_URL");
        sqlx::raw_sql(&format!("SET search_path = {}", self.name))
            .execute(&mut conn)
            .await
            .expect("set search_path");
        conn
    }
}

impl Drop for PgSchema {
    /// Runs on a thread of its own, since drop cannot await.
    fn drop(&mut self) {
        let url = std::mem::take(&mut self.url);
        let sql = format!(
            "SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS {} CASCADE",
            self.name
        );
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&url).await.ok()?;
                let _ = sqlx::raw_sql(&sql).execute(&mut admin).await;
                admin.close().await.ok()
            })
        });
        let _ = dropping.join();
    }
}
