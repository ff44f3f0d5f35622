//! The claims of an API key. Its own `typ` header and `type` claim keep it apart from access
//! tokens in both directions; the user is `usr`, never `sub` (which is the key's subject).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Rejection, Result};
use crate::iso8601;
use crate::jwt::JwtCodec;
use crate::Timestamp;

/// `typ` header of API keys.
pub const APIKEY_TYP: &str = crate::jwt::PRIVATE_TYP;
/// `type` claim of API keys.
pub const APIKEY_TYPE: &str = "apikey";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyClaims {
    pub iss: String,
    /// The service the key is for.
    pub aud: String,
    /// The endpoint or scope the key is for.
    pub sub: String,
    /// The user the key acts for.
    pub usr: String,
    /// The API version.
    pub ver: String,
    /// The client address the key is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipa: Option<String>,
    pub exp: Timestamp,
    pub iat: Timestamp,
    pub nbf: Timestamp,
    /// The key's public id.
    pub jti: String,
    #[serde(rename = "type")]
    pub kind: String,
}

fn invalid(reason: &str) -> Error {
    Error::InvalidToken(reason.to_string())
}

impl ApiKeyClaims {
    pub fn sign(&self, jwt: &JwtCodec) -> String {
        jwt.sign(APIKEY_TYP, self)
    }

    /// Checks signature, kind, issuer, time window (with `leeway`) and that the key lives no
    /// longer than `max_ttl`; not revocation nor what the key is bound to.
    ///
    /// The lifetime check keeps the revocation set sufficient: it holds a revoked key for
    /// `max_ttl` (and the leeway) after its revocation, so a key issued under a longer maximum
    /// than the current one must not be accepted by its signature alone. `exp` and `iat` come
    /// from one clock, so the check needs no leeway.
    pub fn verify(
        jwt: &JwtCodec,
        token: &str,
        now: Timestamp,
        leeway: i64,
        max_ttl: i64,
    ) -> Result<Self> {
        let claims: Self = jwt.verify_signature(token, APIKEY_TYP, now)?;
        if claims.kind != APIKEY_TYPE {
            return Err(invalid("not an API key"));
        }
        if claims.iss != jwt.issuer() {
            return Err(invalid("wrong issuer"));
        }
        if claims.usr.is_empty() || claims.jti.is_empty() || claims.aud.is_empty() {
            return Err(invalid("missing claims"));
        }
        if claims.exp - claims.iat > max_ttl {
            return Err(invalid(
                "API key lifetime exceeds the longest allowed (apikey_max_seconds)",
            ));
        }
        if claims.exp + leeway <= now {
            return Err(Error::TokenExpired);
        }
        if claims.nbf - leeway > now || claims.iat - leeway > now {
            return Err(Error::Rejected(
                Rejection::NotYetValid,
                format!("API key not valid before {}", iso8601::format(claims.nbf)),
            ));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::{Claims, ACCESS_TYP, ACCESS_TYPE};
    use crate::keys::SigningKey;

    fn codec() -> JwtCodec {
        JwtCodec::new(
            &SigningKey::from_bytes(vec![7; 64]).unwrap(),
            "tessera",
            "tessera-client",
            0,
        )
    }

    fn claims() -> ApiKeyClaims {
        ApiKeyClaims {
            iss: "tessera".into(),
            aud: "svc".into(),
            sub: "alice".into(),
            usr: "bob".into(),
            ver: "1".into(),
            ipa: None,
            exp: 1900,
            iat: 1000,
            nbf: 1100,
            jti: "k1".into(),
            kind: APIKEY_TYPE.into(),
        }
    }

    #[test]
    fn keys_and_access_tokens_are_not_interchangeable() {
        let c = codec();
        let key = claims().sign(&c);
        assert_eq!(
            ApiKeyClaims::verify(&c, &key, 1100, 0, 900).unwrap(),
            claims()
        );
        assert!(matches!(
            c.verify_access(&key, 1100),
            Err(Error::InvalidToken(_))
        ));
        let access = c.sign(
            ACCESS_TYP,
            &Claims {
                iss: "tessera".into(),
                sub: "bob".into(),
                aud: "tessera-client".into(),
                exp: 1900,
                iat: 1000,
                nbf: 1000,
                jti: "j".into(),
                kind: ACCESS_TYPE.into(),
                sid: "s".into(),
                pwc: false,
                scope: None,
                client_id: None,
            },
        );
        assert!(matches!(
            ApiKeyClaims::verify(&c, &access, 1100, 0, 900),
            Err(Error::InvalidToken(_))
        ));
    }

    #[test]
    fn the_time_window_is_checked() {
        let c = codec();
        let key = claims().sign(&c);
        assert!(matches!(
            ApiKeyClaims::verify(&c, &key, 1099, 0, 900),
            Err(Error::Rejected(Rejection::NotYetValid, _))
        ));
        assert!(ApiKeyClaims::verify(&c, &key, 1095, 5, 900).is_ok());
        assert!(matches!(
            ApiKeyClaims::verify(&c, &key, 1900, 0, 900),
            Err(Error::TokenExpired)
        ));
    }

    #[test]
    fn a_key_longer_than_the_current_maximum_is_refused() {
        let c = codec();
        let key = claims().sign(&c);
        // Issued for 900 s; the maximum is now 600.
        assert!(ApiKeyClaims::verify(&c, &key, 1100, 5, 900).is_ok());
        let got = ApiKeyClaims::verify(&c, &key, 1100, 5, 600);
        assert!(
            matches!(&got, Err(Error::InvalidToken(m)) if m.contains("lifetime")),
            "{got:?}"
        );
        assert!(ApiKeyClaims::verify(&c, &key, 1100, 5, 899).is_err());
    }
}
