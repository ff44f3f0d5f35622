//! Compact JWS (HS512) signing and strict verification of tessera's JWTs.
//!
//! Only the configured algorithm is accepted (never `none`), the `typ` header must name the
//! expected token kind, and every registered claim is checked.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha512;

use crate::error::{Error, Result};
use crate::keys::SigningKey;
use crate::Timestamp;

/// `typ` of access tokens (RFC 9068).
pub const ACCESS_TYP: &str = "at+jwt";
/// The `type` claim of access tokens, as PlantDB names it.
pub const ACCESS_TYPE: &str = "access";

/// The claims tessera puts in its JWTs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: Timestamp,
    pub iat: Timestamp,
    pub nbf: Timestamp,
    pub jti: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sid: String,
    /// Present (true) while the user must change their password: the token is then good for
    /// nothing else. Issued at login and refresh from the user's flag.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pwc: bool,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// Signs and verifies JWTs with one HS512 key, issuer and audience.
#[derive(Clone)]
pub struct JwtCodec {
    mac: Hmac<Sha512>,
    issuer: String,
    audience: String,
    leeway: i64,
}

impl std::fmt::Debug for JwtCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtCodec")
            .field("key", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway", &self.leeway)
            .finish()
    }
}

fn invalid(reason: &str) -> Error {
    Error::InvalidToken(reason.to_string())
}

impl JwtCodec {
    pub fn new(key: &SigningKey, issuer: &str, audience: &str, leeway: i64) -> Self {
        let mac = Hmac::<Sha512>::new_from_slice(key.expose()).expect("HMAC takes any key size");
        Self {
            mac,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            leeway: leeway.max(0),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Signs `claims` under a header naming `typ`.
    pub fn sign(&self, typ: &str, claims: &impl Serialize) -> String {
        let header = serde_json::json!({"alg": "HS512", "typ": typ});
        let mut out = B64.encode(header.to_string());
        out.push('.');
        out.push_str(&B64.encode(serde_json::to_vec(claims).expect("claims serialise")));
        let mut mac = self.mac.clone();
        mac.update(out.as_bytes());
        let sig = mac.finalize().into_bytes();
        out.push('.');
        out.push_str(&B64.encode(sig));
        out
    }

    /// 32 bytes derived from `input` under the signing key, for `purpose`: HMAC-SHA-512 of
    /// `NUL purpose NUL input`, cut to 256 bits (a PRF). What is signed as a JWT is base64url
    /// text, which holds no NUL, so a derived value is never a signature, nor one for another
    /// purpose. Nobody without the key can compute it, even knowing `input`.
    pub fn derive(&self, purpose: &str, input: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(&[0]);
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(input);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 32];
        out.copy_from_slice(&full[..32]);
        out
    }

    /// Checks the header and signature and returns the decoded payload; claims are not checked.
    pub fn verify_signature<T: for<'de> Deserialize<'de>>(
        &self,
        token: &str,
        typ: &str,
    ) -> Result<T> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid("malformed token"));
        };
        let header: Header = B64
            .decode(h)
            .ok()
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .ok_or_else(|| invalid("malformed token header"))?;
        if header.alg != "HS512" {
            return Err(invalid("unsupported signing algorithm"));
        }
        if header.crit.is_some() {
            return Err(invalid("unsupported critical header"));
        }
        if header.typ.as_deref() != Some(typ) {
            return Err(invalid("wrong token type"));
        }
        let sig = B64.decode(s).map_err(|_| invalid("malformed signature"))?;
        let mut mac = self.mac.clone();
        mac.update(&token.as_bytes()[..h.len() + 1 + p.len()]);
        mac.verify_slice(&sig)
            .map_err(|_| invalid("invalid signature"))?;
        let payload = B64.decode(p).map_err(|_| invalid("malformed payload"))?;
        serde_json::from_slice(&payload).map_err(|_| invalid("malformed claims"))
    }

    /// Checks issuer, audience and the time window, with the configured leeway.
    pub fn check_registered(
        &self,
        iss: &str,
        aud: &str,
        exp: Timestamp,
        nbf: Timestamp,
        iat: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        if iss != self.issuer {
            return Err(invalid("wrong issuer"));
        }
        if aud != self.audience {
            return Err(invalid("wrong audience"));
        }
        if exp + self.leeway <= now {
            return Err(Error::TokenExpired);
        }
        if nbf - self.leeway > now || iat - self.leeway > now {
            return Err(invalid("token not yet valid"));
        }
        Ok(())
    }

    /// Verifies an access token completely but for revocation.
    pub fn verify_access(&self, token: &str, now: Timestamp) -> Result<Claims> {
        let claims: Claims = self.verify_signature(token, ACCESS_TYP)?;
        if claims.kind != ACCESS_TYPE {
            return Err(invalid("wrong token type"));
        }
        self.check_registered(
            &claims.iss,
            &claims.aud,
            claims.exp,
            claims.nbf,
            claims.iat,
            now,
        )?;
        if claims.sub.is_empty() || claims.sid.is_empty() || claims.jti.is_empty() {
            return Err(invalid("missing claims"));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec(leeway: i64) -> JwtCodec {
        JwtCodec::new(
            &SigningKey::from_bytes(vec![7; 64]).unwrap(),
            "tessera",
            "tessera-client",
            leeway,
        )
    }

    fn claims(now: Timestamp) -> Claims {
        Claims {
            iss: "tessera".into(),
            sub: "alice".into(),
            aud: "tessera-client".into(),
            exp: now + 900,
            iat: now,
            nbf: now,
            jti: "j1".into(),
            kind: ACCESS_TYPE.into(),
            sid: "s1".into(),
            pwc: false,
        }
    }

    #[test]
    fn round_trip() {
        let c = codec(0);
        let token = c.sign(ACCESS_TYP, &claims(1000));
        assert_eq!(c.verify_access(&token, 1000).unwrap(), claims(1000));
    }

    #[test]
    fn rejects_alg_none_and_other_algorithms() {
        let c = codec(0);
        let token = c.sign(ACCESS_TYP, &claims(1000));
        let payload = token.split('.').nth(1).unwrap();
        for alg in ["none", "HS256", "RS256"] {
            let header = B64.encode(format!(r#"{{"alg":"{alg}","typ":"at+jwt"}}"#));
            let forged = format!("{header}.{payload}.");
            assert!(matches!(
                c.verify_access(&forged, 1000),
                Err(Error::InvalidToken(_))
            ));
        }
    }

    #[test]
    fn rejects_tampering_expiry_audience_and_wrong_key() {
        let c = codec(0);
        let token = c.sign(ACCESS_TYP, &claims(1000));
        let mut tampered = token.clone();
        let forged = if token.ends_with("AAA") { "BBB" } else { "AAA" };
        tampered.replace_range(token.len() - 3.., forged);
        assert!(c.verify_access(&tampered, 1000).is_err());
        assert!(matches!(
            c.verify_access(&token, 1900),
            Err(Error::TokenExpired)
        ));
        assert!(c.verify_access(&token, 1899).is_ok());
        let mut wrong_aud = claims(1000);
        wrong_aud.aud = "other".into();
        assert!(c
            .verify_access(&c.sign(ACCESS_TYP, &wrong_aud), 1000)
            .is_err());
        let other = JwtCodec::new(
            &SigningKey::from_bytes(vec![8; 64]).unwrap(),
            "tessera",
            "tessera-client",
            0,
        );
        assert!(other.verify_access(&token, 1000).is_err());
        assert!(c
            .verify_access(&c.sign("JWT", &claims(1000)), 1000)
            .is_err());
    }

    #[test]
    fn derived_values_depend_on_key_purpose_and_input() {
        let c = codec(0);
        let a = c.derive("refresh", b"t1");
        assert_eq!(a, c.derive("refresh", b"t1"), "deterministic");
        assert_ne!(a, c.derive("refresh", b"t2"));
        assert_ne!(a, c.derive("jti", b"t1"));
        assert_ne!(
            a,
            c.derive("refres", b"ht1"),
            "purpose and input stay apart"
        );
        let other = JwtCodec::new(
            &SigningKey::from_bytes(vec![8; 64]).unwrap(),
            "tessera",
            "tessera-client",
            0,
        );
        assert_ne!(a, other.derive("refresh", b"t1"));
    }

    #[test]
    fn leeway_applies_to_both_ends() {
        let c = codec(30);
        let token = c.sign(ACCESS_TYP, &claims(1000));
        assert!(c.verify_access(&token, 1920).is_ok());
        assert!(c.verify_access(&token, 975).is_ok());
        assert!(c.verify_access(&token, 960).is_err());
    }
}
