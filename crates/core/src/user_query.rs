//! The filters of `GET /api/v1/users`, read from `name=value` pairs into a [`UserQuery`], and
//! the opaque cursor of the next page (read as every paged list is: [`crate::list_query`]).

use crate::list_query::{self, limit, once_each, unknown, QueryError, DEFAULT_LIMIT};
use crate::store::UserQuery;
use crate::user::Role;

/// `q` (a prefix of the username or the fullname, compared lower-cased), `role`, `disabled`
/// (`true` or `false`), `limit` (1 to 500, default 50) and `cursor`, each at most once;
/// anything else is refused.
pub fn parse_user_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<UserQuery, QueryError> {
    let mut query = UserQuery {
        limit: DEFAULT_LIMIT,
        ..UserQuery::default()
    };
    for (name, value) in once_each(pairs)? {
        match name {
            "q" => {
                let prefix = value.trim().to_lowercase();
                query.prefix = (!prefix.is_empty()).then_some(prefix);
            }
            "role" => {
                query.role = Some(Role::parse(value).ok_or_else(|| {
                    QueryError::InvalidParameter("role must be reader, contributor or admin".into())
                })?);
            }
            "disabled" => {
                query.disabled = Some(match value {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(QueryError::InvalidParameter(
                            "disabled must be true or false".into(),
                        ))
                    }
                });
            }
            "limit" => query.limit = limit(value)?,
            "cursor" => query.after = Some(read_cursor(value)?),
            other => return Err(unknown(other, "q, role, disabled, limit or cursor")),
        }
    }
    Ok(query)
}

const CURSOR_TAG: &[u8] = b"users:";

/// The cursor of the page after the user `username`.
pub fn user_cursor(username: &str) -> String {
    list_query::cursor(CURSOR_TAG, username.as_bytes())
}

fn read_cursor(text: &str) -> Result<String, QueryError> {
    let name = list_query::read_cursor(CURSOR_TAG, text)?;
    match String::from_utf8(name) {
        Ok(name) if !name.is_empty() => Ok(name),
        _ => Err(QueryError::InvalidCursor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<UserQuery, QueryError> {
        parse_user_query(pairs.iter().copied())
    }

    #[test]
    fn filters_are_read() {
        let next = user_cursor("anna");
        let q = parse(&[
            ("q", " An "),
            ("role", "ADMIN"),
            ("disabled", "false"),
            ("limit", "500"),
            ("cursor", next.as_str()),
        ])
        .unwrap();
        assert_eq!(q.prefix.as_deref(), Some("an"));
        assert_eq!(q.role, Some(Role::Admin));
        assert_eq!(q.disabled, Some(false));
        assert_eq!(q.limit, 500);
        assert_eq!(q.after.as_deref(), Some("anna"));
        assert_eq!(parse(&[]).unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn bad_values_are_refused_each_with_its_kind() {
        let invalid =
            |pairs: &[(&str, &str)]| matches!(parse(pairs), Err(QueryError::InvalidParameter(_)));
        assert!(invalid(&[("role", "owner")]));
        assert!(invalid(&[("disabled", "yes")]));
        assert!(invalid(&[("limit", "0")]));
        assert!(invalid(&[("limit", "501")]));
        let audit_cursor = crate::audit::cursor(7);
        for bad in ["!!", "", audit_cursor.as_str()] {
            assert_eq!(
                parse(&[("cursor", bad)]),
                Err(QueryError::InvalidCursor),
                "{bad}"
            );
        }
        assert!(matches!(
            parse(&[("user", "x")]),
            Err(QueryError::UnknownParameter(_))
        ));
        assert!(matches!(
            parse(&[("q", "a"), ("q", "b")]),
            Err(QueryError::UnknownParameter(_))
        ));
    }
}
