//! What a scoped token may do: per-dataset permissions (personal tokens, PlantDB's
//! `{"datasets": {glob: [perm, ...]}}`) or a list of permissions (resource tokens).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::user::{Permission, Role};

/// Most dataset patterns in one token, and the longest pattern.
const MAX_DATASETS: usize = 100;
const MAX_PATTERN: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scopes {
    /// Dataset name pattern (unix globbing) → permissions.
    Datasets(BTreeMap<String, Vec<Permission>>),
    Permissions(Vec<Permission>),
}

/// The permissions in `wanted`, once each, in the canonical order.
fn canonical(wanted: impl Fn(Permission) -> bool) -> Vec<Permission> {
    Permission::ALL.into_iter().filter(|p| wanted(*p)).collect()
}

/// A non-empty list of known permissions (a lone string counts as a list of one).
pub fn parse_permissions(value: &Value) -> Result<Vec<Permission>> {
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
    Ok(canonical(|p| parsed.contains(&p)))
}

/// PlantDB's `datasets` object: a non-empty map of patterns to non-empty permission lists.
pub fn parse_datasets(value: Option<&Value>) -> Result<Scopes> {
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
        out.insert(pattern.clone(), parse_permissions(perms)?);
    }
    Ok(Scopes::Datasets(out))
}

impl Scopes {
    /// Every permission named anywhere.
    pub fn permissions(&self) -> Vec<Permission> {
        match self {
            Scopes::Datasets(map) => canonical(|p| map.values().any(|ps| ps.contains(&p))),
            Scopes::Permissions(ps) => ps.clone(),
        }
    }

    /// What is left when a user of `role` uses these scopes: each permission the role lacks is
    /// dropped, and so is a dataset left with none.
    pub fn within(&self, role: Role) -> Scopes {
        match self {
            Scopes::Datasets(map) => Scopes::Datasets(
                map.iter()
                    .map(|(k, ps)| (k.clone(), canonical(|p| ps.contains(&p) && role.has(p))))
                    .filter(|(_, ps)| !ps.is_empty())
                    .collect(),
            ),
            Scopes::Permissions(ps) => {
                Scopes::Permissions(canonical(|p| ps.contains(&p) && role.has(p)))
            }
        }
    }

    /// Flat strings: `perm`, or `pattern:perm` for dataset scopes.
    pub fn strings(&self) -> Vec<String> {
        match self {
            Scopes::Datasets(map) => map
                .iter()
                .flat_map(|(k, ps)| ps.iter().map(move |p| format!("{k}:{}", p.as_str())))
                .collect(),
            Scopes::Permissions(ps) => ps.iter().map(|p| p.as_str().to_string()).collect(),
        }
    }

    /// The dataset map with permission names, for dataset scopes.
    pub fn datasets(&self) -> Option<BTreeMap<String, Vec<String>>> {
        match self {
            Scopes::Datasets(map) => Some(
                map.iter()
                    .map(|(k, ps)| {
                        (
                            k.clone(),
                            ps.iter().map(|p| p.as_str().to_string()).collect(),
                        )
                    })
                    .collect(),
            ),
            Scopes::Permissions(_) => None,
        }
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        match self {
            Scopes::Datasets(_) => json!({ "datasets": self.datasets() }).to_string(),
            Scopes::Permissions(_) => json!({ "permissions": self.strings() }).to_string(),
        }
    }

    pub fn from_json(stored: &str) -> Result<Scopes> {
        let bad = || Error::storage("stored token scopes are invalid");
        let value: Map<String, Value> = serde_json::from_str(stored).map_err(|_| bad())?;
        if let Some(perms) = value.get("permissions") {
            return parse_permissions(perms)
                .map(Scopes::Permissions)
                .map_err(|_| bad());
        }
        parse_datasets(value.get("datasets")).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn datasets_parse_in_every_spelling_and_refuse_nonsense() {
        let v = json!({"scan_*": ["Permission.READ", "write", "READ"], "one": "create"});
        let Scopes::Datasets(map) = parse_datasets(Some(&v)).unwrap() else {
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
            assert!(parse_datasets(Some(&bad)).is_err(), "{bad}");
        }
        assert!(parse_datasets(None).is_err());
    }

    #[test]
    fn a_lower_role_shrinks_the_scopes() {
        let v = json!({"a": ["read", "write"], "b": ["delete"]});
        let scopes = parse_datasets(Some(&v)).unwrap();
        assert_eq!(scopes.within(Role::Admin), scopes);
        assert_eq!(scopes.within(Role::Reader).strings(), ["a:read"]);
        assert_eq!(
            scopes.within(Role::Contributor).strings(),
            ["a:read", "a:write"]
        );
    }

    #[test]
    fn stored_form_round_trips() {
        let d = parse_datasets(Some(&json!({"x*": ["read"]}))).unwrap();
        let p = Scopes::Permissions(vec![Read, Delete]);
        for s in [d, p] {
            assert_eq!(Scopes::from_json(&s.to_json()).unwrap(), s);
        }
        assert!(Scopes::from_json("nonsense").is_err());
    }
}
