//! The raw signing and verification rates of each algorithm tessera signs with (HS512, and
//! EdDSA on Ed25519), on every core at once, in this process: the signature alone through the
//! way tessera signs (HS512 through `jsonwebtoken`, Ed25519 through ring's key pair, opened
//! once), the verification through `jsonwebtoken` on ring, and tessera's own verification of an
//! access token (its `JwtCodec`: header policy, signature, claims), with no HTTP, no store and
//! no cache. Validation of tokens it has not seen before can come close to these, never above.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey};
use ring::signature::Ed25519KeyPair;
use tessera_core::jwt::{Claims, JwtCodec, ACCESS_TYP, ACCESS_TYPE};
use tessera_core::keys::SigningKey;
use tessera_core::signing::{self, Kek, KeyAlg, KeyPolicy, KeySet};
use tessera_core::{Clock, SystemClock};

use crate::threads;

/// What one algorithm does per second on all threads together.
#[derive(Debug, Clone, Copy)]
pub struct RawRates {
    pub alg: KeyAlg,
    /// Signatures alone, as tessera makes them (Ed25519: ring's key pair, opened once).
    pub sign: f64,
    pub verify: f64,
    /// tessera's whole verification of an access token (`JwtCodec::verify_any_access`).
    pub codec_verify: f64,
    /// CPU time of one signature, microseconds: this process's CPU time over the signatures it
    /// made (what one takes on one core, however busy the machine was).
    pub sign_cpu_us: f64,
    /// Other processes' share of the machine during the three measurements (the largest).
    pub others: f64,
}

/// A codec signing access tokens with a fresh key of `alg`, as a tessera installation with that
/// key would, and the raw keys of that key.
pub struct Keyed {
    pub codec: JwtCodec,
    pub encoding: EncodingKey,
    pub decoding: DecodingKey,
    /// An Ed25519 key opened once, as tessera's key set keeps it.
    pub ed25519: Option<Ed25519KeyPair>,
}

/// A new key of `alg` and a codec that signs with it (issuer and audience as tessera's
/// defaults).
pub fn keyed(alg: KeyAlg) -> Result<Keyed, String> {
    let installation = SigningKey::generate();
    let codec = JwtCodec::new(&installation, "tessera", "tessera-client", 60);
    let (encoding, decoding, ed25519) = match alg {
        KeyAlg::Hs512 => (
            EncodingKey::from_secret(installation.expose()),
            DecodingKey::from_secret(installation.expose()),
            None,
        ),
        KeyAlg::EdDsa => {
            let (kek, _) = Kek::generate();
            let now = SystemClock.now();
            let stored = signing::generate(alg, &kek, now, now).map_err(|e| e.to_string())?;
            let sealed = stored.private_key.as_deref().ok_or("a new key is sealed")?;
            let pkcs8 = kek.open(&stored.kid, sealed).map_err(|e| e.to_string())?;
            let public = stored
                .public_key
                .clone()
                .ok_or("an Ed25519 key is public")?;
            let keys = KeySet::open(&[stored], Some(&kek), &installation, KeyPolicy::default())
                .map_err(|e| e.to_string())?;
            codec.set_keys(keys);
            let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8)
                .map_err(|_| "an Ed25519 key opens")?;
            (
                EncodingKey::from_ed_der(&pkcs8),
                DecodingKey::from_ed_der(&public),
                Some(pair),
            )
        }
    };
    Ok(Keyed {
        codec,
        encoding,
        decoding,
        ed25519,
    })
}

/// The claims of a user's access token, as tessera issues them at login.
pub fn access_claims(codec: &JwtCodec, username: &str, sid: &str, now: i64) -> Claims {
    Claims {
        iss: codec.issuer().to_string(),
        sub: username.to_string(),
        aud: codec.audience().to_string(),
        exp: now + 900,
        iat: now,
        nbf: now,
        jti: tessera_core::secret::random_b64(16),
        kind: ACCESS_TYPE.to_string(),
        sid: sid.to_string(),
        pwc: false,
        scope: None,
        client_id: None,
    }
}

/// Sign and verify rates of `alg` over an access token of tessera's, `duration` each.
pub async fn rates(alg: KeyAlg, threads: usize, duration: Duration) -> Result<RawRates, String> {
    tokio::task::spawn_blocking(move || {
        let k = keyed(alg)?;
        let now = SystemClock.now();
        let claims = access_claims(&k.codec, "admin", "bench-session", now);
        let token = k.codec.sign(ACCESS_TYP, &claims);
        let (message, signature) = token.rsplit_once('.').ok_or("a JWT has three parts")?;
        let jose = match alg {
            KeyAlg::Hs512 => jsonwebtoken::Algorithm::HS512,
            KeyAlg::EdDsa => jsonwebtoken::Algorithm::EdDSA,
        };
        let good = jsonwebtoken::crypto::verify(signature, message.as_bytes(), &k.decoding, jose);
        if !matches!(good, Ok(true)) || k.codec.verify_any_access(&token, now).is_err() {
            return Err(format!("{alg}: a token the codec signed does not verify"));
        }
        let sign = threads::run(threads, duration, 64, || match &k.ed25519 {
            Some(pair) => {
                std::hint::black_box(B64.encode(pair.sign(message.as_bytes())));
            }
            None => {
                let sig = jsonwebtoken::crypto::sign(message.as_bytes(), &k.encoding, jose);
                std::hint::black_box(sig.ok());
            }
        });
        let verify = threads::run(threads, duration, 64, || {
            let ok = jsonwebtoken::crypto::verify(signature, message.as_bytes(), &k.decoding, jose);
            std::hint::black_box(ok.ok());
        });
        let codec_verify = threads::run(threads, duration, 64, || {
            std::hint::black_box(k.codec.verify_any_access(&token, now).ok());
        });
        Ok(RawRates {
            alg,
            sign: sign.per_sec,
            verify: verify.per_sec,
            codec_verify: codec_verify.per_sec,
            sign_cpu_us: sign.cpu.generator_secs * 1e6 / sign.count.max(1) as f64,
            others: sign
                .cpu
                .others
                .max(verify.cpu.others)
                .max(codec_verify.cpu.others),
        })
    })
    .await
    .map_err(|e| e.to_string())?
}
