//! Store implementations for tessera, chosen once from the database URL.

pub mod sqlite;

use std::path::Path;
use std::sync::Arc;

use tessera_core::{Error, Result, Store};

pub use sqlite::SqliteStore;

/// Opens the store a database URL names: `sqlite://PATH` (or a bare path).
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        return Ok(Arc::new(SqliteStore::open(Path::new(path)).await?));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(Error::BadRequest(
            "PostgreSQL is not supported by this build yet".into(),
        ));
    }
    Ok(Arc::new(SqliteStore::open(Path::new(url)).await?))
}
