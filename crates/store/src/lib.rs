//! Store implementations for tessera, chosen once from the database URL.

pub mod postgres;
pub mod sqlite;

mod revocable;

use std::path::Path;
use std::sync::Arc;

use tessera_core::{Result, Store};

pub use postgres::{PostgresOptions, PostgresStore};
pub use sqlite::SqliteStore;

/// Opens the store a database URL names: `postgres://…` or `postgresql://…`, `sqlite://PATH`,
/// or a bare path (SQLite).
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        return Ok(Arc::new(SqliteStore::open(Path::new(path)).await?));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresStore::open(url).await?));
    }
    Ok(Arc::new(SqliteStore::open(Path::new(url)).await?))
}
