//! Signing and strict verification of tessera's JWTs, with the keys of a [`KeySet`].
//!
//! Signatures come from `jsonwebtoken` (on ring); the header policy is tessera's: the `typ`
//! header must name the expected token kind, the `kid` must name a key that verifies now, the
//! `alg` must be that key's one algorithm (never `none`, never HMAC where the key is Ed25519),
//! and a header that carries its own key or points at one (`jwk`, `jku`, `x5u`, `x5c`) or
//! names critical extensions is refused. Every registered claim is checked against tessera's
//! clock with its `jwt_leeway`, `nbf` included.
//!
//! Access tokens (and every other kind whose keys are published) are signed by the set's
//! current key; API keys by the installation's HS512 key, which is never published, so that a
//! verifier holding the JWKS can never take an API key for an access token.

use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use sha2::Sha512;

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::keys::SigningKey;
use crate::signing::{KeyPolicy, KeySet, LiveKey, PrivateKey, VerifyingKey};
use crate::Timestamp;

/// `typ` of access tokens (RFC 9068).
pub const ACCESS_TYP: &str = "at+jwt";
/// The `type` claim of access tokens, as PlantDB names it.
pub const ACCESS_TYPE: &str = "access";
/// `typ` of API keys, signed by the installation's key (never published).
pub const PRIVATE_TYP: &str = "apikey+jwt";
/// The `type` claim of a service client's own access token (`sub` is `client:<client_id>`).
pub const CLIENT_TYPE: &str = "client";
/// What the `sub` of a client token starts with; no username can hold a `:`.
pub const CLIENT_SUB_PREFIX: &str = "client:";

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
    /// A client token's scopes, space-separated (RFC 9068).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The client a client token was issued to (RFC 9068).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// The header tessera signs with, in this order.
#[derive(Serialize)]
struct SignedHeader<'a> {
    typ: &'a str,
    alg: &'a str,
    kid: &'a str,
}

/// The encoded header tessera signs tokens of `typ` with, under the key `kid` of `alg`.
pub(crate) fn encoded_header(typ: &str, alg: &str, kid: &str) -> String {
    let header = SignedHeader { typ, alg, kid };
    B64.encode(serde_json::to_vec(&header).expect("header serialises"))
}

/// What a presented header may say; anything naming a key of its own is refused.
#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<IgnoredAny>,
    #[serde(default)]
    jwk: Option<IgnoredAny>,
    #[serde(default)]
    jku: Option<IgnoredAny>,
    #[serde(default)]
    x5u: Option<IgnoredAny>,
    #[serde(default)]
    x5c: Option<IgnoredAny>,
}

struct Inner {
    /// The published set (access tokens and the other published kinds); replaced whole when
    /// keys change.
    published: RwLock<Arc<KeySet>>,
    /// The installation's HS512 key: signs API keys; never published.
    private: LiveKey,
    /// The same key, for `derive`.
    mac: Hmac<Sha512>,
    issuer: String,
    audience: String,
    leeway: i64,
    /// Which key signs depends on the time (a new key signs from a set moment).
    clock: Arc<dyn Clock>,
}

/// Signs and verifies JWTs with a key set, an issuer and an audience.
#[derive(Clone)]
pub struct JwtCodec(Arc<Inner>);

impl std::fmt::Debug for JwtCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtCodec")
            .field("key", &"<redacted>")
            .field("issuer", &self.0.issuer)
            .field("audience", &self.0.audience)
            .field("leeway", &self.0.leeway)
            .finish()
    }
}

fn invalid(reason: &str) -> Error {
    Error::InvalidToken(reason.to_string())
}

impl JwtCodec {
    /// A codec whose only key is the installation's HS512 key `key` (until [`Self::set_keys`]).
    pub fn new(key: &SigningKey, issuer: &str, audience: &str, leeway: i64) -> Self {
        let policy = KeyPolicy::default();
        Self(Arc::new(Inner {
            published: RwLock::new(Arc::new(KeySet::installation(key, policy))),
            private: LiveKey::installation(key, 0),
            mac: Hmac::<Sha512>::new_from_slice(key.expose()).expect("HMAC takes any key size"),
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            leeway: leeway.max(0),
            clock: Arc::new(SystemClock),
        }))
    }

    /// The same codec, telling time by `clock`.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        let i = &self.0;
        Self(Arc::new(Inner {
            published: RwLock::new(self.keys()),
            private: i.private.clone(),
            mac: i.mac.clone(),
            issuer: i.issuer.clone(),
            audience: i.audience.clone(),
            leeway: i.leeway,
            clock,
        }))
    }

    /// Replaces the published key set (every clone of this codec sees the new one).
    pub fn set_keys(&self, keys: KeySet) {
        *self.0.published.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(keys);
    }

    /// The published key set as it is now.
    pub fn keys(&self) -> Arc<KeySet> {
        self.0
            .published
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The id of the installation's HS512 key (API keys).
    pub fn private_kid(&self) -> &str {
        self.0.private.kid()
    }

    pub fn issuer(&self) -> &str {
        &self.0.issuer
    }

    pub fn audience(&self) -> &str {
        &self.0.audience
    }

    pub fn leeway(&self) -> i64 {
        self.0.leeway
    }

    /// Signs `claims` as a JWT of kind `typ` (its `typ` header), with the key that signs that
    /// kind at `now`: the installation's key for API keys (`PRIVATE_TYP`), else the published
    /// set's current key.
    pub fn sign_at(&self, typ: &str, claims: &impl Serialize, now: Timestamp) -> String {
        if typ == PRIVATE_TYP {
            return sign_with(&self.0.private, typ, claims);
        }
        let keys = self.keys();
        let key = keys
            .signer(now)
            .or_else(|| keys.keys().first())
            .unwrap_or(&self.0.private);
        sign_with(key, typ, claims)
    }

    /// [`Self::sign_at`] now: the entry point for every kind of JWT tessera issues.
    pub fn sign(&self, typ: &str, claims: &impl Serialize) -> String {
        self.sign_at(typ, claims, self.0.clock.now())
    }

    /// 32 bytes derived from `input` under the installation key, for `purpose`: HMAC-SHA-512
    /// of `NUL purpose NUL input`, cut to 256 bits (a PRF). What is signed as a JWT is
    /// base64url text, which holds no NUL, so a derived value is never a signature, nor one
    /// for another purpose. Nobody without the key can compute it, even knowing `input`.
    pub fn derive(&self, purpose: &str, input: &[u8]) -> [u8; 32] {
        let mut mac = self.0.mac.clone();
        mac.update(&[0]);
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(input);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 32];
        out.copy_from_slice(&full[..32]);
        out
    }

    /// Checks the header and signature of a JWT of kind `typ` with the key its `kid` names
    /// (which must verify at `now`) and returns the decoded payload; claims are not checked.
    pub fn verify_signature<T: for<'de> Deserialize<'de>>(
        &self,
        token: &str,
        typ: &str,
        now: Timestamp,
    ) -> Result<T> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid("malformed token"));
        };
        // Access tokens tessera signed start with one of its keys' own headers: that key, with
        // nothing to decode or check in the header. Anything else is read in full.
        let keys = (typ != PRIVATE_TYP).then(|| self.keys());
        let known = match &keys {
            Some(keys) if typ == ACCESS_TYP => keys.access_verifier(h, now),
            _ => None,
        };
        let key = match known {
            Some(key) => key,
            None => self.key_of_header(h, typ, now, keys.as_deref())?,
        };
        let message = &token.as_bytes()[..h.len() + 1 + p.len()];
        let good = match &key.verifying {
            VerifyingKey::Hmac(hmac) => {
                let mut signature = [0u8; 66];
                let n = B64
                    .decode_slice(s, &mut signature)
                    .map_err(|_| invalid("malformed signature"))?;
                ring::hmac::verify(hmac, message, &signature[..n]).is_ok()
            }
            VerifyingKey::Ed25519(public) => {
                jsonwebtoken::crypto::verify(s, message, public, key.alg().jose())
                    .map_err(|_| invalid("malformed signature"))?
            }
        };
        if !good {
            return Err(invalid("invalid signature"));
        }
        let payload = B64.decode(p).map_err(|_| invalid("malformed payload"))?;
        serde_json::from_slice(&payload).map_err(|_| invalid("malformed claims"))
    }

    /// The key the encoded header `h` of a token of kind `typ` names, after checking all it
    /// says: `keys` are the published keys (`None` for API keys, which only the installation's
    /// key signs).
    fn key_of_header<'a>(
        &'a self,
        h: &str,
        typ: &str,
        now: Timestamp,
        keys: Option<&'a KeySet>,
    ) -> Result<&'a LiveKey> {
        let header: Header = B64
            .decode(h)
            .ok()
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .ok_or_else(|| invalid("malformed token header"))?;
        if header.crit.is_some() {
            return Err(invalid("unsupported critical header"));
        }
        if header.jwk.is_some()
            || header.jku.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some()
        {
            return Err(invalid("a token may not name its own key"));
        }
        if header.typ.as_deref() != Some(typ) {
            return Err(invalid("wrong token type"));
        }
        let key = match keys {
            None => {
                let private = &self.0.private;
                match header.kid.as_deref() {
                    None => private,
                    Some(kid) if kid == private.kid() => private,
                    Some(_) => return Err(invalid("unknown signing key")),
                }
            }
            Some(keys) => keys
                .verifier(header.kid.as_deref(), now)
                .ok_or_else(|| invalid("unknown signing key"))?,
        };
        if header.alg != key.alg().as_str() {
            return Err(invalid("unsupported signing algorithm"));
        }
        Ok(key)
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
        self.check_registered_for(&self.0.audience, iss, aud, exp, nbf, iat, now)
    }

    /// [`Self::check_registered`] for a kind whose audience is `expected_aud`.
    #[allow(clippy::too_many_arguments)]
    pub fn check_registered_for(
        &self,
        expected_aud: &str,
        iss: &str,
        aud: &str,
        exp: Timestamp,
        nbf: Timestamp,
        iat: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        let leeway = self.0.leeway;
        if iss != self.0.issuer {
            return Err(invalid("wrong issuer"));
        }
        if aud != expected_aud {
            return Err(invalid("wrong audience"));
        }
        if exp + leeway <= now {
            return Err(Error::TokenExpired);
        }
        if nbf - leeway > now || iat - leeway > now {
            return Err(invalid("token not yet valid"));
        }
        Ok(())
    }

    /// Verifies an access token completely but for revocation.
    pub fn verify_access(&self, token: &str, now: Timestamp) -> Result<Claims> {
        let claims = self.verify_any_access(token, now)?;
        if claims.kind != ACCESS_TYPE {
            return Err(invalid("wrong token type"));
        }
        Ok(claims)
    }

    /// Verifies a JWT of the access-token profile (`at+jwt`), a user's (`type` access) or a
    /// service client's (`type` client), completely but for revocation; the caller tells
    /// them apart by `kind`.
    pub fn verify_any_access(&self, token: &str, now: Timestamp) -> Result<Claims> {
        let claims: Claims = self.verify_signature(token, ACCESS_TYP, now)?;
        let client = claims.kind == CLIENT_TYPE;
        if claims.kind != ACCESS_TYPE && !client {
            return Err(invalid("wrong token type"));
        }
        if client != claims.sub.starts_with(CLIENT_SUB_PREFIX) {
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

/// `header.payload.signature` of `claims` under `key`.
fn sign_with(key: &LiveKey, typ: &str, claims: &impl Serialize) -> String {
    let mut out = if typ == ACCESS_TYP {
        key.access_header.clone()
    } else {
        encoded_header(typ, key.alg().as_str(), key.kid())
    };
    out.push('.');
    out.push_str(&B64.encode(serde_json::to_vec(claims).expect("claims serialise")));
    let sig = match &key.private {
        // The same signature `jsonwebtoken` makes (Ed25519 is deterministic), without opening
        // the key again.
        PrivateKey::Ed25519(pair) => B64.encode(pair.sign(out.as_bytes())),
        PrivateKey::Hmac(secret) => {
            jsonwebtoken::crypto::sign(out.as_bytes(), secret, key.alg().jose())
                .expect("a stored key signs")
        }
    };
    out.push('.');
    out.push_str(&sig);
    out
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

    #[test]
    fn an_ed25519_key_opened_once_signs_as_jsonwebtoken_does() {
        let key = SigningKey::from_bytes(vec![7; 64]).unwrap();
        let (kek, _) = crate::signing::Kek::generate();
        let stored = crate::signing::generate(crate::signing::KeyAlg::EdDsa, &kek, 0, 0).unwrap();
        let pkcs8 = kek
            .open(&stored.kid, stored.private_key.as_deref().unwrap())
            .unwrap();
        let keys = KeySet::open(&[stored], Some(&kek), &key, KeyPolicy::default()).unwrap();
        let signer = keys.signer(0).unwrap();
        assert!(
            matches!(signer.private, PrivateKey::Ed25519(_)),
            "the key pair is kept"
        );
        let token = sign_with(signer, ACCESS_TYP, &claims(1_000));
        let (signed, sig) = token.rsplit_once('.').unwrap();
        let by_crate = jsonwebtoken::crypto::sign(
            signed.as_bytes(),
            &jsonwebtoken::EncodingKey::from_ed_der(&pkcs8),
            jsonwebtoken::Algorithm::EdDSA,
        )
        .unwrap();
        assert_eq!(sig, by_crate);
        let jwt = codec(0);
        jwt.set_keys(keys);
        assert_eq!(jwt.verify_any_access(&token, 1_000).unwrap().sub, "alice");
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
            scope: None,
            client_id: None,
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

    /// A token starting with the key's own header is verified without reading the header; one
    /// that says the same in other bytes is read in full: both decide alike.
    #[test]
    fn the_known_header_and_any_other_spelling_decide_alike() {
        let c = codec(0);
        let token = c.sign(ACCESS_TYP, &claims(1000));
        let (header, rest) = token.split_once('.').unwrap();
        let payload = rest.split('.').next().unwrap();
        let kid = c.private_kid().to_string();
        let respelled = B64.encode(format!(
            r#"{{ "kid":"{kid}", "alg":"HS512", "typ":"at+jwt" }}"#
        ));
        assert_ne!(respelled, header);
        let resign = |header: &str| {
            let message = format!("{header}.{payload}");
            let mut mac = Hmac::<Sha512>::new_from_slice(&[7; 64]).unwrap();
            mac.update(message.as_bytes());
            format!("{message}.{}", B64.encode(mac.finalize().into_bytes()))
        };
        assert_eq!(resign(header), token, "HS512 as tessera signs");
        assert_eq!(
            c.verify_access(&resign(&respelled), 1000).unwrap(),
            claims(1000)
        );
        let short = &token[..token.len() - 2];
        let long = format!("{token}AA");
        let bad_base64 = format!("{}*", &token[..token.len() - 1]);
        for forged in [short, &long, &bad_base64] {
            assert!(
                matches!(c.verify_access(forged, 1000), Err(Error::InvalidToken(_))),
                "{forged}"
            );
        }
        let crit = B64.encode(format!(
            r#"{{"typ":"at+jwt","alg":"HS512","kid":"{kid}","crit":["x"]}}"#
        ));
        assert!(c.verify_access(&resign(&crit), 1000).is_err());
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
