//! The raw signing and verification rates of each algorithm tessera signs with (HS512, and
//! EdDSA on Ed25519), on every core at once, in this process: the signature alone through the
//! crate tessera signs with (`jsonwebtoken` on ring), and tessera's own verification of an
//! access token (its `JwtCodec`: header policy, signature, claims), with no HTTP, no store and
//! no cache. Validation of tokens it has not seen before can come close to these, never above.

use std::time::{Duration, Instant};

use jsonwebtoken::{DecodingKey, EncodingKey};
use tessera_core::jwt::{Claims, JwtCodec, ACCESS_TYP, ACCESS_TYPE};
use tessera_core::keys::SigningKey;
use tessera_core::signing::{self, Kek, KeyAlg, KeyPolicy, KeySet};
use tessera_core::{Clock, SystemClock};

use crate::cpu;

/// What one algorithm does per second on all threads together.
#[derive(Debug, Clone, Copy)]
pub struct RawRates {
    pub alg: KeyAlg,
    pub sign: f64,
    pub verify: f64,
    /// tessera's whole verification of an access token (`JwtCodec::verify_any_access`).
    pub codec_verify: f64,
    /// Other processes' share of the machine during the three measurements (the largest).
    pub others: f64,
}

/// A codec signing access tokens with a fresh key of `alg`, as a tessera installation with that
/// key would, and the raw keys of that key.
pub struct Keyed {
    pub codec: JwtCodec,
    pub encoding: EncodingKey,
    pub decoding: DecodingKey,
}

/// A new key of `alg` and a codec that signs with it (issuer and audience as tessera's
/// defaults).
pub fn keyed(alg: KeyAlg) -> Result<Keyed, String> {
    let installation = SigningKey::generate();
    let codec = JwtCodec::new(&installation, "tessera", "tessera-client", 60);
    let (encoding, decoding) = match alg {
        KeyAlg::Hs512 => (
            EncodingKey::from_secret(installation.expose()),
            DecodingKey::from_secret(installation.expose()),
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
            (
                EncodingKey::from_ed_der(&pkcs8),
                DecodingKey::from_ed_der(&public),
            )
        }
    };
    Ok(Keyed {
        codec,
        encoding,
        decoding,
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

/// Operations per second of `op` run by `threads` threads for `duration`, and the share of the
/// machine other processes took meanwhile.
fn per_sec(threads: usize, duration: Duration, op: impl Fn() + Sync) -> (f64, f64) {
    let before = cpu::sample();
    let rate = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let started = Instant::now();
                    let mut n = 0u64;
                    while started.elapsed() < duration {
                        for _ in 0..64 {
                            op();
                        }
                        n += 64;
                    }
                    n as f64 / started.elapsed().as_secs_f64()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(0.0))
            .sum::<f64>()
    });
    (rate, cpu::Usage::between(&before, &cpu::sample()).others)
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
        let (sign, a) = per_sec(threads, duration, || {
            let sig = jsonwebtoken::crypto::sign(message.as_bytes(), &k.encoding, jose);
            std::hint::black_box(sig.ok());
        });
        let (verify, b) = per_sec(threads, duration, || {
            let ok = jsonwebtoken::crypto::verify(signature, message.as_bytes(), &k.decoding, jose);
            std::hint::black_box(ok.ok());
        });
        let (codec_verify, c) = per_sec(threads, duration, || {
            std::hint::black_box(k.codec.verify_any_access(&token, now).ok());
        });
        Ok(RawRates {
            alg,
            sign,
            verify,
            codec_verify,
            others: a.max(b).max(c),
        })
    })
    .await
    .map_err(|e| e.to_string())?
}
