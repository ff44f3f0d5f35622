//! The statements of the signing-key store, for both backends (`?N` parameters; PostgreSQL's
//! are made with `lockout_sql::pg`).

use tessera_core::signing::{KeyAlg, StoredKey};
use tessera_core::{Error, Result, Timestamp};

pub(crate) const SELECT: &str = "SELECT kid, alg, public_key, private_key, created_at, active_at, \
     superseded_at, retired_at FROM signing_keys ORDER BY created_at, kid";

/// The newest key: the one not superseded nor retired.
pub(crate) const NEWEST: &str =
    "SELECT kid FROM signing_keys WHERE superseded_at IS NULL AND retired_at IS NULL";

pub(crate) const SUPERSEDE: &str = "UPDATE signing_keys SET superseded_at = ?2 \
     WHERE kid = ?1 AND superseded_at IS NULL AND retired_at IS NULL";

pub(crate) const INSERT: &str = "INSERT INTO signing_keys (kid, alg, public_key, private_key, \
     created_at, active_at, superseded_at, retired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

pub(crate) const RETIRE: &str =
    "UPDATE signing_keys SET retired_at = ?2 WHERE kid = ?1 AND retired_at IS NULL";

/// A row as both backends read it.
pub(crate) type Row = (
    String,
    String,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Timestamp,
    Timestamp,
    Option<Timestamp>,
    Option<Timestamp>,
);

pub(crate) fn from_row(row: Row) -> Result<StoredKey> {
    let (kid, alg, public_key, private_key, created_at, active_at, superseded_at, retired_at) = row;
    let alg = KeyAlg::parse(&alg)
        .ok_or_else(|| Error::Internal(format!("signing key {kid}: unknown algorithm {alg}")))?;
    Ok(StoredKey {
        kid,
        alg,
        public_key,
        private_key,
        created_at,
        active_at,
        superseded_at,
        retired_at,
    })
}

/// Whether the newest keys found (`newest`) are what the caller expects to replace.
pub(crate) fn check_newest(newest: &[String], replaces: Option<&str>) -> Result<()> {
    let found = match newest {
        [] => None,
        [one] => Some(one.as_str()),
        _ => return Err(Error::Conflict("several signing keys are newest".into())),
    };
    if found != replaces {
        return Err(Error::Conflict(
            "the signing keys changed meanwhile; read them again".into(),
        ));
    }
    Ok(())
}
