//! The effective configuration as `tessera config check` prints it: one `key = value` line (TOML)
//! per setting, every secret redacted, the passwords in URLs too.

use figment::value::Value;
use serde::Serialize;

use super::secret::redact_url;

/// One setting's line: `key = value`, or a comment when it is not set.
pub(super) fn line(key: &str, value: &impl Serialize) -> String {
    match Value::serialize(value) {
        Ok(Value::Empty(..)) => format!("# {key} is not set"),
        Ok(value) => format!("{key} = {}", render(key, &value)),
        Err(_) => format!("# {key} cannot be shown"),
    }
}

fn render(key: &str, value: &Value) -> String {
    match value {
        Value::String(_, s) if key.ends_with("_url") => quote(&redact_url(s)),
        Value::String(_, s) => quote(s),
        Value::Char(_, c) => quote(&c.to_string()),
        Value::Bool(_, b) => b.to_string(),
        Value::Num(_, n) => n
            .to_i128()
            .map(|i| i.to_string())
            .or_else(|| n.to_u128().map(|u| u.to_string()))
            .or_else(|| n.to_f64().map(|f| f.to_string()))
            .unwrap_or_default(),
        Value::Empty(..) => "\"\"".into(),
        Value::Array(_, items) => {
            let items: Vec<String> = items.iter().map(|v| render(key, v)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Dict(_, dict) => {
            let items: Vec<String> = dict
                .iter()
                .map(|(k, v)| format!("{} = {}", quote(k), render(key, v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
