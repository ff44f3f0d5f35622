//! Running an end-to-end test on each database tessera supports: SQLite always, and a fresh
//! PostgreSQL database of its own when `TESSERA_TEST_POSTGRES_URL` is set.

use sqlx::Connection;
use tessera_server::config::Secret;
use tessera_server::Config;

use crate::common::TestServer;

/// The key-encryption key of every test server on PostgreSQL.
pub const TEST_KEK: &str = "hex:4b454b4b454b4b454b4b454b4b454b4b454b4b454b4b454b4b454b4b454b4b45";

/// A new PostgreSQL database for one test, dropped by [`PgDb::drop`].
pub struct PgDb {
    pub url: String,
    admin: sqlx::PgConnection,
    database: String,
}

/// A new, empty PostgreSQL database, or `None` when `TESSERA_TEST_POSTGRES_URL` is not set.
pub async fn fresh_postgres() -> Option<PgDb> {
    let admin_url = std::env::var("TESSERA_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let suffix = tessera_core::secret::random_b64(9)
        .to_lowercase()
        .replace(['-', '_'], "x");
    let database = format!("tessera_e2e_{suffix}");
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {database}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    Some(PgDb {
        url: format!("{base}/{database}"),
        admin,
        database,
    })
}

impl PgDb {
    pub async fn drop(mut self) {
        sqlx::raw_sql(&format!("DROP DATABASE {} WITH (FORCE)", self.database))
            .execute(&mut self.admin)
            .await
            .unwrap();
    }
}

/// Runs `test` on a server over SQLite, then on one over a new PostgreSQL database (dropped
/// afterwards) where one is configured.
pub async fn on_each_backend(test: impl AsyncFn(&TestServer)) {
    on_each_backend_with(|_| {}, test).await;
}

/// As [`on_each_backend`], with the configuration of both servers changed by `tweak`.
pub async fn on_each_backend_with(tweak: impl Fn(&mut Config), test: impl AsyncFn(&TestServer)) {
    let s = TestServer::start_with(&tweak).await;
    test(&s).await;
    s.stop().await;
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let s = TestServer::start_with(|c| {
        tweak(c);
        c.database_url = Some(db.url.clone());
        c.jwt_secret_key = Some(Secret::new("one key for every instance of this database"));
        c.key_encryption_key = Some(Secret::new(TEST_KEK));
    })
    .await;
    test(&s).await;
    s.stop().await;
    db.drop().await;
}
