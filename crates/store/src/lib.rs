//! Store implementations for tessera, chosen once from the database URL.

pub mod postgres;
pub mod sqlite;

mod audit_sql;
mod lockout_sql;
mod migrations;
mod rows;
mod signing_keys_sql;
mod user_sql;

use std::path::Path;
use std::sync::Arc;

use tessera_core::{Error, Result, Store};

pub use postgres::{PostgresOptions, PostgresStore};
pub use sqlite::{SqliteOptions, SqliteStore};

/// Opens the store a database URL names: `postgres://…` or `postgresql://…`, `sqlite://PATH`
/// (or `sqlite:PATH`), or a bare path (SQLite). Any other scheme (`postgress://…`, `mysql:…`)
/// is refused rather than taken for a file name; write `./name:x` for a file whose name
/// starts like a scheme.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    open_with(url, SqliteOptions::default()).await
}

/// As [`open`], with the options of the SQLite store (ignored for PostgreSQL).
pub async fn open_with(url: &str, sqlite: SqliteOptions) -> Result<Arc<dyn Store>> {
    if let Some(path) = sqlite_path(url) {
        return Ok(Arc::new(SqliteStore::open_with(path, sqlite).await?));
    }
    let scheme = scheme(url).map_or("", |(scheme, _)| scheme);
    match scheme.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => Ok(Arc::new(PostgresStore::open(url).await?)),
        _ => Err(Error::BadRequest(format!(
            "unknown database URL scheme {scheme:?}: use postgres://, postgresql://, \
             sqlite:// or a file path"
        ))),
    }
}

/// The SQLite file a database URL names (`sqlite://PATH`, `sqlite:PATH` or a bare path), or
/// `None` for any other URL.
pub fn sqlite_path(url: &str) -> Option<&Path> {
    match scheme(url) {
        None => Some(Path::new(url)),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("sqlite") => {
            Some(Path::new(rest.strip_prefix("//").unwrap_or(rest)))
        }
        Some(_) => None,
    }
}

/// The scheme of `url` and what follows its colon, when it starts like a URL: two or more of
/// `[A-Za-z0-9+.-]`, starting with a letter, then `:` (one letter is a Windows drive).
fn scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let valid = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (starts_with_letter && valid && scheme.len() >= 2).then_some((scheme, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unknown_schemes_are_refused_and_create_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().display();
        for url in [
            format!("postgress://{base}/tessera.db"),
            format!("mysql:{base}/tessera.db"),
            format!("file://{base}/tessera.db"),
        ] {
            let err = match open(&url).await {
                Ok(_) => panic!("{url} opened"),
                Err(e) => e,
            };
            assert!(matches!(err, Error::BadRequest(_)), "{url}: {err:?}");
            assert!(
                err.to_string().contains("unknown database URL scheme"),
                "{err}"
            );
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn sqlite_urls_and_bare_paths_open_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().display();
        for (url, file) in [
            (format!("sqlite://{base}/a.db"), "a.db"),
            (format!("sqlite:{base}/b.db"), "b.db"),
            (format!("SQLite://{base}/c.db"), "c.db"),
            (format!("{base}/d.db"), "d.db"),
        ] {
            open(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(dir.path().join(file).exists(), "{url}");
        }
    }

    #[test]
    fn schemes_are_told_from_paths() {
        assert_eq!(scheme("postgres://h/db"), Some(("postgres", "//h/db")));
        assert_eq!(scheme("sqlite:x.db"), Some(("sqlite", "x.db")));
        assert_eq!(scheme("tessera-data/tessera.db"), None);
        assert_eq!(scheme("./name:x.db"), None);
        assert_eq!(scheme("C:\\data\\tessera.db"), None);
    }
}
