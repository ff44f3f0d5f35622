//! Reading the trail: the filters of `GET /api/v1/audit` and `tessera audit`, read from
//! `name=value` pairs into an [`AuditQuery`], and the opaque cursor of the next page.

use super::AuditKind;
use crate::list_query::{self, limit, once_each, unknown, QueryError, DEFAULT_LIMIT};
use crate::store::AuditQuery;

/// The filters `user`, `event`, `since`, `until` (ISO-8601 UTC), `limit` (1 to 500, default
/// 50) and `cursor`, each at most once; anything else is refused.
pub fn parse_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<AuditQuery, QueryError> {
    let mut query = AuditQuery {
        limit: DEFAULT_LIMIT,
        ..AuditQuery::default()
    };
    for (name, value) in once_each(pairs)? {
        match name {
            "user" => query.user = Some(crate::user::normalise(value)),
            "event" => {
                query.event = Some(AuditKind::parse(value).ok_or_else(|| {
                    QueryError::InvalidParameter(format!("event {value:?} is not an audit event"))
                })?);
            }
            "since" => query.since = Some(time(name, value)?),
            "until" => query.until = Some(time(name, value)?),
            "limit" => query.limit = limit(value)?,
            "cursor" => query.before_id = Some(read_cursor(value)?),
            other => return Err(unknown(other, "user, event, since, until, limit or cursor")),
        }
    }
    Ok(query)
}

fn time(name: &str, value: &str) -> Result<i64, QueryError> {
    crate::iso8601::parse(value).ok_or_else(|| {
        QueryError::InvalidParameter(format!(
            "{name} must be an ISO-8601 UTC time such as 2027-01-15T08:00:00Z"
        ))
    })
}

const CURSOR_TAG: &[u8] = b"audit:";

/// The cursor of the page after the event `id`.
pub fn cursor(id: i64) -> String {
    list_query::cursor(CURSOR_TAG, &id.to_be_bytes())
}

fn read_cursor(text: &str) -> Result<i64, QueryError> {
    let id = <[u8; 8]>::try_from(list_query::read_cursor(CURSOR_TAG, text)?)
        .map(i64::from_be_bytes)
        .map_err(|_| QueryError::InvalidCursor)?;
    if id <= 0 {
        return Err(QueryError::InvalidCursor);
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;

    fn parse(pairs: &[(&str, &str)]) -> Result<AuditQuery, QueryError> {
        parse_query(pairs.iter().copied())
    }

    #[test]
    fn filters_are_read() {
        let next = cursor(42);
        let q = parse(&[
            ("user", "Anna"),
            ("event", "login_failed"),
            ("since", "2027-01-15T08:00:00Z"),
            ("until", "2027-01-15T09:00:00+00:00"),
            ("limit", "500"),
            ("cursor", next.as_str()),
        ])
        .unwrap();
        assert_eq!(q.user.as_deref(), Some("anna"));
        assert_eq!(q.event, Some(AuditKind::LoginFailed));
        assert_eq!(q.since, Some(1_800_000_000));
        assert_eq!(q.until, Some(1_800_003_600));
        assert_eq!(q.limit, 500);
        assert_eq!(q.before_id, Some(42));
        assert_eq!(parse(&[]).unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn bad_values_are_refused_each_with_its_kind() {
        let invalid =
            |pairs: &[(&str, &str)]| matches!(parse(pairs), Err(QueryError::InvalidParameter(_)));
        assert!(invalid(&[("event", "tea_made")]));
        assert!(invalid(&[("since", "yesterday")]));
        assert!(invalid(&[("until", "2027-01-15T08:00:00+02:00")]));
        assert!(invalid(&[("limit", "0")]));
        assert!(invalid(&[("limit", "501")]));
        assert!(invalid(&[("limit", "-1")]));
        let other = B64.encode(b"other:12345678");
        let zero = cursor(0);
        for bad in ["", "x", "YXVkaXQ6", other.as_str(), zero.as_str()] {
            assert_eq!(
                parse(&[("cursor", bad)]),
                Err(QueryError::InvalidCursor),
                "{bad}"
            );
        }
        assert!(matches!(
            parse(&[("users", "anna")]),
            Err(QueryError::UnknownParameter(_))
        ));
        assert!(matches!(
            parse(&[("limit", "5"), ("limit", "6")]),
            Err(QueryError::UnknownParameter(_))
        ));
    }
}
