//! The printed report's OAuth 2.0 table (tessera beside oidc-provider) and its table of signing
//! algorithms (raw rates, validation of one token and of distinct tokens).

use crate::distinct::AlgValidation;
use crate::figures::Figures;
use crate::report::{self, ms, Pair, Report};
use crate::suite::Plan;

pub fn rows(r: &Report) -> Vec<(String, Pair)> {
    vec![
        (
            "introspection of an access token".into(),
            r.oauth.introspection,
        ),
        (
            "client_credentials token issuance".into(),
            r.oauth.client_credentials,
        ),
    ]
}

pub fn oauth(r: &Report) {
    let rows = rows(r);
    report::print_table(&rows, "oidc-provider");
    println!(
        "Closed loop; a confidential client authenticating with HTTP Basic, form bodies. tessera \
         (SQLite, EdDSA) introspects a user's access token at POST /oauth2/introspect and issues \
         at POST /oauth2/token; oidc-provider 9.13 by serve.sh (opaque tokens, in-memory \
         storage) introspects a token it issued at POST /token/introspection and issues at \
         POST /token."
    );
    if let Some(why) = &r.oauth.missing {
        println!("oidc-provider n/a: {why}");
    }
    if let Some(s) = r.oauth.startup {
        println!("oidc-provider took {:.1} s to start.", s.as_secs_f64());
    }
    report::print_cpu(&rows, "oidc-provider");
}

/// The bare endpoint's rate and the raw verify rate of `v`'s algorithm, in this run.
fn bare_and_verify(r: &Report, v: &AlgValidation) -> Option<(f64, f64)> {
    let raw = r.raw.iter().find(|x| x.alg == v.alg)?;
    Some((r.bare?.rps, raw.verify))
}

/// Distinct-token validation over the lower of the bare endpoint and the raw verify rate,
/// and which of the two that was.
pub fn of_ceiling(r: &Report, v: &AlgValidation) -> Option<(f64, &'static str)> {
    let (bare, verify) = bare_and_verify(r, v)?;
    let (ceiling, which) = if bare <= verify {
        (bare, "of the bare endpoint")
    } else {
        (verify, "of the raw verify rate")
    };
    Some((v.distinct.rps / ceiling, which))
}

/// The most [`of_ceiling`] can be on this machine: a server whose every answer costs what the
/// bare endpoint's does plus one raw verification, on the same cores, answers at most
/// `1 / (1 / bare + 1 / verify)` per second.
pub fn ceiling_bound(r: &Report, v: &AlgValidation) -> Option<f64> {
    let (bare, verify) = bare_and_verify(r, v)?;
    (bare > 0.0 && verify > 0.0).then(|| {
        let best = 1.0 / (1.0 / bare + 1.0 / verify);
        best / bare.min(verify)
    })
}

fn run_cells(f: Figures) -> String {
    format!(
        "{:>9.0} {:>7} {:>7} {:>5} {:>6.0}",
        f.rps,
        ms(f.p50_ms),
        ms(f.p99_ms),
        f.errors,
        f.server_us_per_answer()
    )
}

pub fn algorithms(plan: &Plan, r: &Report) {
    let quick = if plan.distinct_tokens < 100_000 {
        " (this mode presents fewer than the full run's 100,000; still more than the 10,000 \
         verified tokens tessera keeps)"
    } else {
        ""
    };
    println!(
        "Signing algorithms: raw rates on {} threads in this process (the signature alone as \
         tessera makes it: HS512 through jsonwebtoken on ring, Ed25519 through ring's key pair \
         opened once; the verification through jsonwebtoken on ring; and tessera's whole verification of an access token: header, \
         signature, claims), and tessera (SQLite) validating one token again and again and {} \
         distinct live access tokens of {} sessions of {} users, presented round-robin{quick}:",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        plan.distinct_tokens,
        plan.distinct_tokens,
        plan.distinct_users,
    );
    let run_head = format!(
        "{:>9} {:>7} {:>7} {:>5} {:>6}",
        "req/s", "p50 ms", "p99 ms", "err", "µs/ans"
    );
    println!(
        "{:5} | {:>9} {:>9} {:>9} | {:<37} | {:<37} | distinct ÷",
        "", "raw", "raw", "tessera", "validation, one token", "validation, distinct tokens"
    );
    println!(
        "{:5} | {:>9} {:>9} {:>9} | {run_head} | {run_head} | min(bare, verify)",
        "alg", "sign/s", "verify/s", "verify/s"
    );
    for v in &r.algs {
        let raw = r.raw.iter().find(|x| x.alg == v.alg);
        let rate = |f: Option<f64>| f.map_or("n/a".to_string(), |x| format!("{x:.0}"));
        let share = of_ceiling(r, v).map_or("n/a".to_string(), |(x, which)| {
            format!("{:.0}% {which}", 100.0 * x)
        });
        println!(
            "{:5} | {:>9} {:>9} {:>9} | {} | {} | {share}",
            v.alg.as_str(),
            rate(raw.map(|x| x.sign)),
            rate(raw.map(|x| x.verify)),
            rate(raw.map(|x| x.codec_verify)),
            run_cells(v.single),
            run_cells(v.distinct),
        );
    }
    println!(
        "HS512: tessera started with JWT_SECRET_KEY; EdDSA: a new data directory's default. The \
         sessions and users were added through the store while tessera was stopped, the tokens \
         signed with its keys by its own codec."
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::RawRates;
    use tessera_core::signing::KeyAlg;

    fn report(bare: f64, verify: f64) -> Report {
        Report {
            bare: Some(Figures {
                rps: bare,
                ..Figures::default()
            }),
            raw: vec![RawRates {
                alg: KeyAlg::EdDsa,
                sign: 0.0,
                verify,
                codec_verify: 0.0,
                sign_cpu_us: 0.0,
                others: 0.0,
            }],
            ..Report::default()
        }
    }

    fn validation(distinct: f64) -> AlgValidation {
        AlgValidation {
            alg: KeyAlg::EdDsa,
            single: Figures::default(),
            distinct: Figures {
                rps: distinct,
                ..Figures::default()
            },
            refresh: None,
        }
    }

    #[test]
    fn the_bound_counts_the_bare_answer_and_the_verification_on_the_same_cores() {
        // 100k bare answers/s and 50k verifications/s: each answer costs 10 + 20 µs of the
        // machine, 33.3k/s at best, two thirds of the verify rate.
        let r = report(100_000.0, 50_000.0);
        let v = validation(30_000.0);
        let bound = ceiling_bound(&r, &v).unwrap();
        assert!((bound - 2.0 / 3.0).abs() < 1e-9, "{bound}");
        let (share, which) = of_ceiling(&r, &v).unwrap();
        assert!((share - 0.6).abs() < 1e-9 && which.contains("verify"));
        // A verification ten times cheaper than the bare answer: the bare endpoint is the
        // ceiling, and 10/11 of it the most.
        let bound = ceiling_bound(&report(100_000.0, 1_000_000.0), &v).unwrap();
        assert!((bound - 10.0 / 11.0).abs() < 1e-9, "{bound}");
    }
}
