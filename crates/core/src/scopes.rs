//! What a scoped token may do: per-dataset permissions (personal tokens, PlantDB's
//! `{"datasets": {glob: [perm, ...]}}`) or a list of permissions (resource tokens).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::user::{Permission, Role};

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

/// `permissions` once each, in the canonical order.
pub fn canonical_permissions(permissions: &[Permission]) -> Vec<Permission> {
    canonical(|p| permissions.contains(&p))
}

/// A stored permission list (as [`Scopes::to_json`] writes it).
fn stored_permissions(value: &Value) -> Option<Vec<Permission>> {
    let parsed = value
        .as_array()?
        .iter()
        .map(|p| p.as_str().and_then(Permission::parse))
        .collect::<Option<Vec<_>>>()?;
    (!parsed.is_empty()).then(|| canonical_permissions(&parsed))
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
            return stored_permissions(perms)
                .map(Scopes::Permissions)
                .ok_or_else(bad);
        }
        let map = value
            .get("datasets")
            .and_then(Value::as_object)
            .filter(|m| !m.is_empty())
            .ok_or_else(bad)?;
        map.iter()
            .map(|(pattern, perms)| Some((pattern.clone(), stored_permissions(perms)?)))
            .collect::<Option<BTreeMap<_, _>>>()
            .map(Scopes::Datasets)
            .ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    fn datasets(pairs: &[(&str, &[Permission])]) -> Scopes {
        Scopes::Datasets(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_vec()))
                .collect(),
        )
    }

    #[test]
    fn a_lower_role_shrinks_the_scopes() {
        let scopes = datasets(&[("a", &[Read, Write]), ("b", &[Delete])]);
        assert_eq!(scopes.within(Role::Admin), scopes);
        assert_eq!(scopes.within(Role::Reader).strings(), ["a:read"]);
        assert_eq!(
            scopes.within(Role::Contributor).strings(),
            ["a:read", "a:write"]
        );
    }

    #[test]
    fn stored_form_round_trips() {
        let d = datasets(&[("x*", &[Read])]);
        let p = Scopes::Permissions(vec![Read, Delete]);
        for s in [d, p] {
            assert_eq!(Scopes::from_json(&s.to_json()).unwrap(), s);
        }
        assert!(Scopes::from_json("nonsense").is_err());
        assert!(Scopes::from_json(r#"{"datasets":{}}"#).is_err());
        assert!(Scopes::from_json(r#"{"permissions":["fly"]}"#).is_err());
    }
}
