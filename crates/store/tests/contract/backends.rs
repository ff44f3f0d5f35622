//! The backends the suite runs on, each giving every test a fresh database of its own.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tessera_core::Store;
use tessera_store::{PostgresStore, SqliteStore};

use super::pg_schema::PgSchema;

pub type Opening = Pin<Box<dyn Future<Output = Arc<dyn Store>> + Send>>;
pub type Opener = Box<dyn Fn() -> Opening + Send + Sync>;

/// One test's database: the store under test, a way to open the same database again, and
/// whatever must stay alive as long as the database is in use.
pub struct TestDb {
    store: Option<Arc<dyn Store>>,
    open: Opener,
    _keep: Box<dyn Any + Send + Sync>,
}

impl TestDb {
    pub async fn new(open: Opener, keep: impl Any + Send + Sync) -> Self {
        let store = open().await;
        Self {
            store: Some(store),
            open,
            _keep: Box::new(keep),
        }
    }

    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(self.store.as_ref().expect("the store is open"))
    }

    /// Opens another store on the same database, as a second tessera instance would.
    pub async fn open_another(&self) -> Arc<dyn Store> {
        (self.open)().await
    }

    /// Drops this handle's store and opens the same database again.
    pub async fn reopen(&mut self) -> Arc<dyn Store> {
        self.store = None;
        let store = (self.open)().await;
        self.store = Some(Arc::clone(&store));
        store
    }
}

pub async fn sqlite() -> Option<TestDb> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("tessera.db");
    let open: Opener = Box::new(move || {
        let path = path.clone();
        Box::pin(async move {
            let store = SqliteStore::open(&path).await.expect("open SQLite store");
            Arc::new(store) as Arc<dyn Store>
        })
    });
    Some(TestDb::new(open, dir).await)
}

/// PostgreSQL at `TESSERA_TEST_POSTGRES_URL`, if set: each test gets a fresh schema, dropped
/// when the test ends.
pub async fn postgres() -> Option<TestDb> {
    let schema = PgSchema::create().await?;
    let (url, options) = (schema.url.clone(), schema.options());
    let open: Opener = Box::new(move || {
        let (url, options) = (url.clone(), options.clone());
        Box::pin(async move {
            let store = PostgresStore::open_with(&url, options)
                .await
                .expect("open PostgreSQL store");
            Arc::new(store) as Arc<dyn Store>
        })
    });
    Some(TestDb::new(open, schema).await)
}
