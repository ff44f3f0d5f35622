//! What a verification costs: tessera's verifier (signatures by `jsonwebtoken` on ring) with
//! HS512 and with Ed25519, against the hand-written HS512 verifier it replaced (kept here as
//! the reference). A measurement, not a test: run it on a quiet machine with
//!
//! ```sh
//! cargo test --release -p tessera-core --test verify_cost -- --ignored --nocapture
//! ```
//!
//! or count instructions, which a loaded machine does not disturb: run the test binary under
//! `valgrind --tool=callgrind` with `VERIFY_COST_ONLY=<part of a label>` and
//! `VERIFY_COST_ROUNDS=N`, once with N rounds and once with 0; the difference over 1.1 N (the
//! warm-up is a tenth) is the instructions per operation.

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha512;
use tessera_core::jwt::{Claims, JwtCodec, ACCESS_TYP};
use tessera_core::keys::SigningKey;
use tessera_core::signing::{generate, Kek, KeyAlg, KeyPolicy, KeySet};

const NOW: i64 = 1_700_000_000;

/// Rounds per measurement: `VERIFY_COST_ROUNDS`, default 20,000.
fn rounds() -> u32 {
    std::env::var("VERIFY_COST_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20_000)
}

/// Whether the measurement `label` runs: all of them, or those whose label holds
/// `VERIFY_COST_ONLY` (to count one measurement's instructions alone).
fn selected(label: &str) -> bool {
    std::env::var("VERIFY_COST_ONLY").map_or(true, |only| label.contains(&only))
}

fn claims(i: u32) -> Claims {
    Claims {
        iss: "tessera".into(),
        sub: format!("user{i}"),
        aud: "tessera-client".into(),
        exp: NOW + 900,
        iat: NOW,
        nbf: NOW,
        jti: format!("jti-{i}"),
        kind: "access".into(),
        sid: format!("sid-{i}"),
        pwc: false,
        scope: None,
        client_id: None,
    }
}

/// The hand-written HS512 verification tessera had before (header checks, HMAC, claims).
struct HandWritten(Hmac<Sha512>);

impl HandWritten {
    fn verify(&self, token: &str) -> Option<Claims> {
        #[derive(serde::Deserialize)]
        struct Header {
            alg: String,
            typ: Option<String>,
            crit: Option<serde_json::Value>,
        }
        let mut parts = token.split('.');
        let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
        let header: Header = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
        if header.alg != "HS512"
            || header.crit.is_some()
            || header.typ.as_deref() != Some(ACCESS_TYP)
        {
            return None;
        }
        let sig = B64.decode(s).ok()?;
        let mut mac = self.0.clone();
        mac.update(&token.as_bytes()[..h.len() + 1 + p.len()]);
        mac.verify_slice(&sig).ok()?;
        serde_json::from_slice(&B64.decode(p).ok()?).ok()
    }
}

fn per_op(label: &str, mut op: impl FnMut(u32)) -> f64 {
    if !selected(label) {
        return f64::NAN;
    }
    let rounds = rounds();
    for i in 0..rounds / 10 {
        op(i);
    }
    // A duration measured for a printed figure, not a time anything is decided by.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    for i in 0..rounds {
        op(i);
    }
    let ns = started.elapsed().as_nanos() as f64 / f64::from(rounds.max(1));
    println!("{label:<44} {ns:>10.0} ns");
    ns
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture on a quiet machine"]
fn verify_cost() {
    let key = SigningKey::from_bytes(vec![7; 64]).unwrap();
    let hs = JwtCodec::new(&key, "tessera", "tessera-client", 5);
    let ed = JwtCodec::new(&key, "tessera", "tessera-client", 5);
    let (kek, _) = Kek::generate();
    let stored = generate(KeyAlg::EdDsa, &kek, 0, 0).unwrap();
    ed.set_keys(KeySet::open(&[stored], Some(&kek), &key, KeyPolicy::default()).unwrap());
    let reference = HandWritten(Hmac::new_from_slice(key.expose()).unwrap());

    let n = 64;
    let hs_tokens: Vec<String> = (0..n)
        .map(|i| hs.sign_at(ACCESS_TYP, &claims(i), NOW))
        .collect();
    let ed_tokens: Vec<String> = (0..n)
        .map(|i| ed.sign_at(ACCESS_TYP, &claims(i), NOW))
        .collect();
    let pick = |tokens: &[String], i: u32| tokens[(i % n) as usize].clone();
    for t in &hs_tokens {
        assert!(reference.verify(t).is_some() && hs.verify_access(t, NOW).is_ok());
    }

    println!(
        "per operation, {} rounds over {n} distinct tokens:",
        rounds()
    );
    let old = per_op("verify HS512, hand-written (before)", |i| {
        black_box(reference.verify(&pick(&hs_tokens, i)));
    });
    let new = per_op("verify HS512, jsonwebtoken/ring (now)", |i| {
        black_box(hs.verify_access(&pick(&hs_tokens, i), NOW).unwrap());
    });
    per_op("verify EdDSA, jsonwebtoken/ring (now)", |i| {
        black_box(ed.verify_access(&pick(&ed_tokens, i), NOW).unwrap());
    });
    per_op("sign HS512, jsonwebtoken/ring", |i| {
        black_box(hs.sign_at(ACCESS_TYP, &claims(i), NOW));
    });
    per_op("sign EdDSA, jsonwebtoken/ring", |i| {
        black_box(ed.sign_at(ACCESS_TYP, &claims(i), NOW));
    });
    println!("HS512 verification, now / before: {:.3}", new / old);
}
