//! Secret settings: their `Debug` never shows them; nor that of a URL with a password.

use serde::{Deserialize, Serialize, Serializer};

/// Shown instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// The settings that hold secrets (URLs, whose passwords are redacted, aside).
pub(super) fn is_secret(key: &str) -> bool {
    matches!(
        key,
        "jwt_secret_key" | "admin_password" | "log_salt" | "key_encryption_key"
    )
}

/// A secret setting whose `Debug` (and serialized form) never shows it.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(REDACTED)
    }
}

/// `url` as `Debug` may show it: the password of its user part (`scheme://user:PASSWORD@host`)
/// and of its query (`?password=…`, as PostgreSQL allows) replaced by `<redacted>`.
pub fn redact_url(url: &str) -> String {
    let url = redact_user_password(url);
    let Some(query_start) = url.find('?').map(|i| i + 1) else {
        return url;
    };
    // (`"` ends it too: `Debug` shows URLs quoted.)
    let query_end = url[query_start..]
        .find(['#', '"'])
        .map_or(url.len(), |i| query_start + i);
    let query: Vec<String> = url[query_start..query_end]
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.to_ascii_lowercase().contains("pass") => {
                format!("{name}={REDACTED}")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!(
        "{}{}{}",
        &url[..query_start],
        query.join("&"),
        &url[query_end..]
    )
}

fn redact_user_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_string();
    };
    format!(
        "{}{}:{REDACTED}{}",
        &url[..scheme_end],
        &authority[..colon],
        &url[scheme_end + at..]
    )
}

/// A setting's `Debug`, with the password of a URL redacted.
pub(super) fn shown(key: &str, value: &dyn std::fmt::Debug) -> String {
    let text = format!("{value:?}");
    if key.ends_with("_url") {
        redact_url(&text)
    } else {
        text
    }
}
