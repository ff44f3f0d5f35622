//! PlantDB's `users.json` and `groups.json`, as plantdb-commons 0.17 (`plantdb.commons.auth`)
//! writes them in a database's directory: the users a list of `User.to_dict()` objects, the
//! groups an object of group name to `{users, description, created_at, created_by}`. Either
//! file may be empty (PlantDB creates them so). A file PlantDB itself could not load is
//! refused whole, with every problem found.

use serde_json::{Map, Value};

/// One user as PlantDB keeps it (what tessera reads of it).
#[derive(Clone, PartialEq, Eq)]
pub struct PlantDbUser {
    /// Its position in the file, from 1.
    pub entry: usize,
    pub username: String,
    pub fullname: String,
    pub password_hash: String,
    pub roles: Vec<String>,
    pub is_active: bool,
    pub extra_permissions: Vec<String>,
    pub failed_attempts: u64,
    pub locked_until: Option<String>,
}

impl std::fmt::Debug for PlantDbUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlantDbUser")
            .field("entry", &self.entry)
            .field("username", &self.username)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

/// One group: a name and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantDbGroup {
    pub name: String,
    pub users: Vec<String>,
}

/// The whole text, or `None` when it holds nothing (an empty file).
fn parse(text: &str) -> Result<Option<Value>, Vec<String>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(Some)
        .map_err(|e| vec![format!("not JSON ({e})")])
}

fn string(o: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> String {
    match o.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            problems.push(format!("\"{key}\" is not a string"));
            String::new()
        }
        None => {
            problems.push(format!("\"{key}\" is missing"));
            String::new()
        }
    }
}

/// A list of strings; `null` or absent is empty unless `required`.
fn strings(
    o: &Map<String, Value>,
    key: &str,
    required: bool,
    problems: &mut Vec<String>,
) -> Vec<String> {
    match o.get(key) {
        None if required => {
            problems.push(format!("\"{key}\" is missing"));
            Vec::new()
        }
        None => Vec::new(),
        Some(Value::Null) if !required => Vec::new(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            problems.push(format!("\"{key}\" is not a list of strings"));
            Vec::new()
        }
    }
}

fn user(entry: usize, value: &Value) -> Result<PlantDbUser, String> {
    let Value::Object(o) = value else {
        return Err(format!("entry {entry} is not an object"));
    };
    let mut problems = Vec::new();
    let username = string(o, "username", &mut problems);
    let fullname = string(o, "fullname", &mut problems);
    let password_hash = string(o, "password_hash", &mut problems);
    let roles = strings(o, "roles", true, &mut problems);
    if !o.contains_key("created_at") {
        problems.push("\"created_at\" is missing".into());
    }
    let is_active = match o.get("is_active") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            problems.push("\"is_active\" is not true or false".into());
            true
        }
    };
    let extra_permissions = strings(o, "_extra_permissions", false, &mut problems);
    let failed_attempts = match o.get("failed_attempts") {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_u64().unwrap_or_else(|| {
            problems.push("\"failed_attempts\" is not a count".into());
            0
        }),
    };
    let locked_until = match o.get("locked_until") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            problems.push("\"locked_until\" is not a string".into());
            None
        }
    };
    if !problems.is_empty() {
        let name = if username.is_empty() {
            String::new()
        } else {
            format!(" ({username:?})")
        };
        return Err(format!("entry {entry}{name}: {}", problems.join(", ")));
    }
    Ok(PlantDbUser {
        entry,
        username,
        fullname,
        password_hash,
        roles,
        is_active,
        extra_permissions,
        failed_attempts,
        locked_until,
    })
}

/// The users of a `users.json`, or every reason it is not one PlantDB could load.
pub fn read_users(text: &str) -> Result<Vec<PlantDbUser>, Vec<String>> {
    let Some(value) = parse(text)? else {
        return Ok(Vec::new());
    };
    let Value::Array(entries) = value else {
        return Err(vec!["not a list of users".into()]);
    };
    let mut users = Vec::with_capacity(entries.len());
    let mut problems = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match user(i + 1, entry) {
            Ok(u) => users.push(u),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(users)
    } else {
        Err(problems)
    }
}

/// The groups of a `groups.json` (by name), or every reason it is not one PlantDB could load.
pub fn read_groups(text: &str) -> Result<Vec<PlantDbGroup>, Vec<String>> {
    let Some(value) = parse(text)? else {
        return Ok(Vec::new());
    };
    let Value::Object(groups) = value else {
        return Err(vec!["not an object of groups".into()]);
    };
    let mut read = Vec::with_capacity(groups.len());
    let mut problems = Vec::new();
    for (name, group) in &groups {
        let Value::Object(o) = group else {
            problems.push(format!("group {name:?} is not an object"));
            continue;
        };
        let mut these = Vec::new();
        let mut users = strings(o, "users", true, &mut these);
        for key in ["created_at", "created_by"] {
            if !o.contains_key(key) {
                these.push(format!("\"{key}\" is missing"));
            }
        }
        if these.is_empty() {
            users.sort();
            read.push(PlantDbGroup {
                name: name.clone(),
                users,
            });
        } else {
            problems.push(format!("group {name:?}: {}", these.join(", ")));
        }
    }
    read.sort_by(|a, b| a.name.cmp(&b.name));
    if problems.is_empty() {
        Ok(read)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";

    fn entry(extra: &str) -> String {
        format!(
            r#"{{"username": "alice", "fullname": "Alice", "password_hash": "{HASH}",
                "roles": ["reader"], "created_at": "2026-01-01T10:00:00"{extra}}}"#
        )
    }

    #[test]
    fn an_empty_file_holds_no_users_nor_groups() {
        assert_eq!(read_users("").unwrap(), []);
        assert_eq!(read_groups(" \n").unwrap(), []);
    }

    #[test]
    fn optional_fields_take_plantdbs_defaults() {
        let users = read_users(&format!("[{}]", entry(""))).unwrap();
        let alice = &users[0];
        assert_eq!((alice.entry, alice.username.as_str()), (1, "alice"));
        assert!(alice.is_active);
        assert!(alice.extra_permissions.is_empty());
        assert_eq!(
            (alice.failed_attempts, alice.locked_until.clone()),
            (0, None)
        );
    }

    #[test]
    fn every_problem_of_a_malformed_file_is_named() {
        let text = format!(
            r#"[{}, {{"username": "bob", "roles": "admin", "created_at": null}}, 3]"#,
            entry(r#", "is_active": "no""#)
        );
        let problems = read_users(&text).unwrap_err();
        assert_eq!(
            problems,
            [
                "entry 1 (\"alice\"): \"is_active\" is not true or false",
                "entry 2 (\"bob\"): \"fullname\" is missing, \"password_hash\" is missing, \
                 \"roles\" is not a list of strings",
                "entry 3 is not an object",
            ]
        );
        assert_eq!(read_users("{}").unwrap_err(), ["not a list of users"]);
        assert!(read_users("[{").unwrap_err()[0].starts_with("not JSON"));
    }

    #[test]
    fn groups_are_read_by_name_with_sorted_members() {
        let text = r#"{"lab": {"users": ["bob", "alice"], "description": null,
                                "created_at": "2026-01-01T10:00:00", "created_by": "admin"}}"#;
        assert_eq!(
            read_groups(text).unwrap(),
            [PlantDbGroup {
                name: "lab".into(),
                users: vec!["alice".into(), "bob".into()],
            }]
        );
        assert_eq!(
            read_groups(r#"{"lab": {"users": "alice"}}"#).unwrap_err(),
            [
                "group \"lab\": \"users\" is not a list of strings, \"created_at\" is missing, \
              \"created_by\" is missing"
            ]
        );
        assert_eq!(read_groups("[]").unwrap_err(), ["not an object of groups"]);
    }
}
