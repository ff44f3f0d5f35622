//! PlantDB's JSON, read at the edge: what its clients send for scoped tokens, with its
//! leniencies (a lone permission for a list, numbers with fractions for seconds, permission
//! names in any of its spellings), turned into the domain's types.

use std::collections::BTreeMap;

use serde_json::Value;
use tessera_core::auth::MAX_LIFETIME;
use tessera_core::scopes::{canonical_permissions, Scopes};
use tessera_core::{Error, Permission, Result};

/// Most dataset patterns in one token, and the longest pattern.
const MAX_DATASETS: usize = 100;
const MAX_PATTERN: usize = 200;

/// A lifetime in seconds: a JSON number above zero (fractions round up), at most
/// [`MAX_LIFETIME`].
pub fn lifetime(value: Option<&Value>, field: &str) -> Result<i64> {
    let secs = value
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s > 0.0)
        .ok_or_else(|| {
            Error::BadRequest(format!("\"{field}\" must be a number of seconds above 0"))
        })?;
    Ok((secs.ceil() as i64).min(MAX_LIFETIME))
}

/// A non-empty list of known permissions (a lone string counts as a list of one).
pub fn permissions(value: &Value) -> Result<Vec<Permission>> {
    let items = match value {
        Value::String(_) => std::slice::from_ref(value),
        Value::Array(items) if !items.is_empty() => items.as_slice(),
        _ => {
            return Err(Error::BadRequest(
                "permissions must be a non-empty list".into(),
            ))
        }
    };
    let mut parsed = Vec::with_capacity(items.len());
    for item in items {
        let p = item
            .as_str()
            .and_then(Permission::parse)
            .ok_or_else(|| Error::BadRequest(format!("unknown permission {item}")))?;
        parsed.push(p);
    }
    Ok(canonical_permissions(&parsed))
}

/// PlantDB's `datasets` object: a non-empty map of patterns to non-empty permission lists.
pub fn datasets(value: Option<&Value>) -> Result<Scopes> {
    let Some(Value::Object(map)) = value else {
        return Err(Error::BadRequest(
            "\"datasets\" must be an object of dataset patterns to permissions".into(),
        ));
    };
    if map.is_empty() || map.len() > MAX_DATASETS {
        return Err(Error::BadRequest(format!(
            "\"datasets\" must name 1 to {MAX_DATASETS} dataset patterns"
        )));
    }
    let mut out = BTreeMap::new();
    for (pattern, perms) in map {
        if pattern.trim().is_empty()
            || pattern.len() > MAX_PATTERN
            || pattern.chars().any(char::is_control)
        {
            return Err(Error::BadRequest(format!(
                "invalid dataset pattern {pattern:?}"
            )));
        }
        out.insert(pattern.clone(), permissions(perms)?);
    }
    Ok(Scopes::Datasets(out))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use Permission::*;

    use super::*;

    #[test]
    fn datasets_parse_in_every_spelling_and_refuse_nonsense() {
        let v = json!({"scan_*": ["Permission.READ", "write", "READ"], "one": "create"});
        let Scopes::Datasets(map) = datasets(Some(&v)).unwrap() else {
            panic!("dataset scopes")
        };
        assert_eq!(map["scan_*"], [Read, Write]);
        assert_eq!(map["one"], [Create]);
        for bad in [
            json!({}),
            json!([]),
            json!({"a": []}),
            json!({"a": ["fly"]}),
            json!({"": ["read"]}),
        ] {
            assert!(datasets(Some(&bad)).is_err(), "{bad}");
        }
        assert!(datasets(None).is_err());
    }

    #[test]
    fn lifetimes_are_positive_seconds_rounded_up() {
        assert_eq!(lifetime(Some(&json!(1.2)), "t").unwrap(), 2);
        assert_eq!(lifetime(Some(&json!(1e30)), "t").unwrap(), MAX_LIFETIME);
        for bad in [json!(0), json!(-1), json!("10"), json!(null)] {
            assert!(lifetime(Some(&bad), "t").is_err(), "{bad}");
        }
        assert!(lifetime(None, "t").is_err());
    }
}
