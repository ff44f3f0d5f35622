//! What the paged lists (`GET /api/v1/users`, `GET /api/v1/audit`, `tessera audit`) share in
//! reading their `name=value` filters: each name at most once, `limit`, opaque cursors, and
//! the errors, each with its own code.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;

/// Rows per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 500;

/// What is wrong with a query; each has its own error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// A parameter that is not a filter, or one given twice.
    UnknownParameter(String),
    /// A filter whose value cannot be read.
    InvalidParameter(String),
    InvalidCursor,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::UnknownParameter(m) | QueryError::InvalidParameter(m) => f.write_str(m),
            QueryError::InvalidCursor => f.write_str("cursor is not one this server gave"),
        }
    }
}

/// The pairs, refused when a name comes twice.
pub fn once_each<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(&'a str, &'a str)>, QueryError> {
    let mut read: Vec<(&str, &str)> = Vec::new();
    for (name, value) in pairs {
        if read.iter().any(|(seen, _)| *seen == name) {
            return Err(QueryError::UnknownParameter(format!(
                "{name} is given more than once"
            )));
        }
        read.push((name, value));
    }
    Ok(read)
}

/// A parameter this list does not have; `names` lists those it has.
pub fn unknown(name: &str, names: &str) -> QueryError {
    QueryError::UnknownParameter(format!("unknown parameter {name:?}: use {names}"))
}

/// `limit`: 1 to [`MAX_LIMIT`].
pub fn limit(value: &str) -> Result<u32, QueryError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            QueryError::InvalidParameter(format!("limit must be a number from 1 to {MAX_LIMIT}"))
        })
}

/// An opaque cursor: `position` after `tag`, so one list's cursor is never read by another.
pub fn cursor(tag: &[u8], position: &[u8]) -> String {
    B64.encode([tag, position].concat())
}

/// The position of a cursor [`cursor`] made with `tag`.
pub fn read_cursor(tag: &[u8], text: &str) -> Result<Vec<u8>, QueryError> {
    let bytes = B64.decode(text).map_err(|_| QueryError::InvalidCursor)?;
    bytes
        .strip_prefix(tag)
        .map(<[u8]>::to_vec)
        .ok_or(QueryError::InvalidCursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_given_twice_is_refused() {
        assert_eq!(
            once_each([("a", "1"), ("b", "2")]).unwrap(),
            [("a", "1"), ("b", "2")]
        );
        assert!(matches!(
            once_each([("a", "1"), ("a", "2")]),
            Err(QueryError::UnknownParameter(_))
        ));
    }

    #[test]
    fn a_cursor_reads_back_only_with_its_own_tag() {
        let c = cursor(b"x:", b"pos");
        assert_eq!(read_cursor(b"x:", &c).unwrap(), b"pos");
        assert_eq!(read_cursor(b"y:", &c), Err(QueryError::InvalidCursor));
        assert_eq!(read_cursor(b"x:", "!!"), Err(QueryError::InvalidCursor));
    }

    #[test]
    fn limit_is_one_to_the_maximum() {
        assert_eq!(limit("1"), Ok(1));
        assert_eq!(limit("500"), Ok(MAX_LIMIT));
        for bad in ["0", "501", "-1", "many"] {
            assert!(matches!(limit(bad), Err(QueryError::InvalidParameter(_))));
        }
    }
}
