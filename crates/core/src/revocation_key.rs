//! What a revocation names: a session, an API key, a scoped token, or a user whose profile
//! changed. Its string form is the id in the revocation feed (`<revoked_at> <key>`), so it
//! must not change: instances of two versions share one feed during a rolling upgrade.

use std::fmt;

/// Wire prefix of API-key ids (session ids never contain `:`).
const APIKEY: &str = "apikey";
/// Wire prefix of scoped-token ids.
const SCOPED_TOKEN: &str = "tok";
/// Wire prefix of a changed user: not a revocation, but a cached profile to forget.
const USER_CHANGED: &str = "user";
/// Wire prefix of a signing key that was added, superseded or retired: not a revocation, but
/// the key set to read again.
const SIGNING_KEY: &str = "keys";
/// Wire prefix of a service client's secret generation.
const CLIENT: &str = "client";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RevocationKey {
    /// A session, by id: its access and refresh tokens.
    Session(String),
    /// An API key, by id.
    ApiKey(String),
    /// A personal or resource token, by id.
    ScopedToken(String),
    /// A user whose role or state changed: every instance forgets their cached profile.
    UserChanged(String),
    /// A signing key that changed, by id: every instance reads the key set again.
    SigningKey(String),
    /// The tokens a service client got with one secret, by that secret's generation id: ended
    /// when the secret is replaced or the client removed.
    Client(String),
}

impl RevocationKey {
    /// Reads a key from its wire form. `None` for an empty id or a kind this version does not
    /// know (a newer instance's), which is then ignored.
    pub fn parse(wire: &str) -> Option<Self> {
        let key = match wire.split_once(':') {
            None => Self::Session(wire.to_string()),
            Some((APIKEY, id)) => Self::ApiKey(id.to_string()),
            Some((SCOPED_TOKEN, id)) => Self::ScopedToken(id.to_string()),
            Some((USER_CHANGED, name)) => Self::UserChanged(name.to_string()),
            Some((SIGNING_KEY, kid)) => Self::SigningKey(kid.to_string()),
            Some((CLIENT, id)) => Self::Client(id.to_string()),
            Some(_) => return None,
        };
        (!key.id().is_empty()).then_some(key)
    }

    /// The id within its kind.
    pub fn id(&self) -> &str {
        match self {
            Self::Session(id)
            | Self::ApiKey(id)
            | Self::ScopedToken(id)
            | Self::SigningKey(id)
            | Self::Client(id) => id,
            Self::UserChanged(name) => name,
        }
    }
}

impl fmt::Display for RevocationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Session(id) => f.write_str(id),
            Self::ApiKey(id) => write!(f, "{APIKEY}:{id}"),
            Self::ScopedToken(id) => write!(f, "{SCOPED_TOKEN}:{id}"),
            Self::UserChanged(name) => write!(f, "{USER_CHANGED}:{name}"),
            Self::SigningKey(kid) => write!(f, "{SIGNING_KEY}:{kid}"),
            Self::Client(id) => write!(f, "{CLIENT}:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire strings of earlier versions, pinned: changing them splits a mixed cluster.
    #[test]
    fn wire_strings_are_pinned_and_round_trip() {
        let cases = [
            (RevocationKey::Session("AbC-_12".into()), "AbC-_12"),
            (RevocationKey::ApiKey("k1".into()), "apikey:k1"),
            (
                RevocationKey::ScopedToken("0123abcd".into()),
                "tok:0123abcd",
            ),
            (RevocationKey::UserChanged("carol".into()), "user:carol"),
            (RevocationKey::SigningKey("ed-01ab".into()), "keys:ed-01ab"),
            (RevocationKey::Client("g1".into()), "client:g1"),
        ];
        for (key, wire) in cases {
            assert_eq!(key.to_string(), wire);
            assert_eq!(RevocationKey::parse(wire), Some(key));
        }
    }

    #[test]
    fn unknown_kinds_and_empty_ids_are_not_keys() {
        assert_eq!(RevocationKey::parse("newkind:x"), None);
        assert_eq!(RevocationKey::parse("apikey:"), None);
        assert_eq!(RevocationKey::parse(""), None);
        assert_eq!(
            RevocationKey::parse("user:a:b"),
            Some(RevocationKey::UserChanged("a:b".into()))
        );
    }
}
