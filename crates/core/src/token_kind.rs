//! What a presented credential is, told from its form alone (no signature check, no lookup):
//! the one place that knows the prefixes of tessera's secrets and the `typ` of its JWTs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde::Deserialize;

use crate::auth::apikeys::{APIKEY_TYP, REFRESH_PREFIX as APIKEY_REFRESH_PREFIX};
use crate::jwt::ACCESS_TYP;
use crate::scoped_secret::SCOPED_PREFIX;
use crate::secret::REFRESH_PREFIX;

/// The kinds of credential tessera hands out, as far as their form tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A JWT whose header names an access token (`at+jwt`).
    Access,
    /// A JWT whose header names an API key (`apikey+jwt`).
    ApiKey,
    /// Shaped like a JWT (`eyJ…`, three parts) but of no type tessera issues, or with an
    /// unreadable header.
    OtherJwt,
    /// A session refresh token (`tsr_rt_`).
    SessionRefresh,
    /// An API key's refresh token (`tsr_ak_`).
    ApiKeyRefresh,
    /// A personal or resource token (`tsr_pat_`).
    Scoped,
    /// None of the above.
    Unknown,
}

impl TokenKind {
    /// Whether it is shaped like a JWT, of whatever type.
    pub fn is_jwt(self) -> bool {
        matches!(self, Self::Access | Self::ApiKey | Self::OtherJwt)
    }
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    typ: Option<String>,
}

/// Tells what `presented` is. Says nothing of whether it is valid.
pub fn classify(presented: &str) -> TokenKind {
    if let Some(kind) = prefixed_kind(presented) {
        kind
    } else if presented.starts_with("eyJ") && presented.matches('.').count() == 2 {
        jwt_kind(presented)
    } else {
        TokenKind::Unknown
    }
}

/// The kind of one of tessera's prefixed secrets (a refresh or scoped token), by its prefix
/// alone; `None` for anything else, JWTs among them. What `classify` answers for them, without
/// reading a JWT's header: the check validation's hot path makes on every token.
pub fn prefixed_kind(presented: &str) -> Option<TokenKind> {
    if presented.starts_with(REFRESH_PREFIX) {
        Some(TokenKind::SessionRefresh)
    } else if presented.starts_with(APIKEY_REFRESH_PREFIX) {
        Some(TokenKind::ApiKeyRefresh)
    } else if presented.starts_with(SCOPED_PREFIX) {
        Some(TokenKind::Scoped)
    } else {
        None
    }
}

fn jwt_kind(token: &str) -> TokenKind {
    let header = token.split('.').next().unwrap_or_default();
    let typ = B64
        .decode(header)
        .ok()
        .and_then(|raw| serde_json::from_slice::<Header>(&raw).ok())
        .and_then(|h| h.typ);
    match typ.as_deref() {
        Some(ACCESS_TYP) => TokenKind::Access,
        Some(APIKEY_TYP) => TokenKind::ApiKey,
        _ => TokenKind::OtherJwt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::JwtCodec;
    use crate::keys::SigningKey;
    use crate::scoped_secret::new_scoped_secret;
    use crate::secret::new_secret;

    #[test]
    fn every_kind_is_told_apart() {
        let jwt = JwtCodec::new(&SigningKey::from_bytes(vec![7; 64]).unwrap(), "i", "a", 0);
        let claims = serde_json::json!({"sub": "x"});
        assert_eq!(classify(&jwt.sign(ACCESS_TYP, &claims)), TokenKind::Access);
        assert_eq!(classify(&jwt.sign(APIKEY_TYP, &claims)), TokenKind::ApiKey);
        assert_eq!(classify(&jwt.sign("JWT", &claims)), TokenKind::OtherJwt);
        assert_eq!(classify("eyJnope.x.y"), TokenKind::OtherJwt);
        // Another encoding of the same header is read, not just compared.
        let spaced = B64.encode(r#"{"typ": "apikey+jwt", "alg": "HS512"}"#);
        assert_eq!(classify(&format!("{spaced}.e30.sig")), TokenKind::ApiKey);
        let refresh = new_secret(REFRESH_PREFIX).plain;
        assert_eq!(classify(&refresh), TokenKind::SessionRefresh);
        let ak = new_secret(APIKEY_REFRESH_PREFIX).plain;
        assert_eq!(classify(&ak), TokenKind::ApiKeyRefresh);
        assert_eq!(classify(&new_scoped_secret().plain), TokenKind::Scoped);
        assert_eq!(classify("eyJonly.two"), TokenKind::Unknown);
        assert_eq!(classify(""), TokenKind::Unknown);
        assert!(TokenKind::OtherJwt.is_jwt() && !TokenKind::Scoped.is_jwt());
    }
}
