//! The environment's variable names: warnings for `TESSERA_*` names tessera does not read, and
//! problems for setting variables whose value is not UTF-8 (never the values themselves).

use std::ffi::OsString;

use super::env::{SECRETS, VARS};

/// Variables of tessera's that are not settings: the configuration file, the log filter.
const OTHERS: &[&str] = &["TESSERA_CONFIG", "TESSERA_LOG"];

/// Whether tessera reads the variable `name` for a setting.
fn is_setting(name: &str) -> bool {
    VARS.iter().any(|&(var, _, _)| var == name)
        || SECRETS.iter().any(|&(var, _)| {
            name.strip_prefix(var)
                .is_some_and(|rest| rest.is_empty() || rest == "_FILE")
        })
}

/// A warning for each `TESSERA_*` variable among `names` that tessera does not read (tests and
/// tools share the prefix, so it is no error). The name only, never the value.
pub fn unknown_variables(names: impl IntoIterator<Item = String>) -> Vec<String> {
    names
        .into_iter()
        .filter(|name| {
            name.starts_with("TESSERA_") && !OTHERS.contains(&name.as_str()) && !is_setting(name)
        })
        .map(|name| format!("unknown environment variable {name} (not a tessera setting; ignored)"))
        .collect()
}

/// A problem for each setting variable among `vars` whose value is not UTF-8 (read as unset, it
/// would go unnoticed: a signing key left out, say). The name only, never the value.
pub fn not_utf8(vars: impl IntoIterator<Item = (OsString, OsString)>) -> Vec<String> {
    vars.into_iter()
        .filter_map(|(name, value)| {
            let name = name.into_string().ok()?;
            (is_setting(&name) && value.to_str().is_none())
                .then(|| format!("{name}: the value is not valid UTF-8"))
        })
        .collect()
}
