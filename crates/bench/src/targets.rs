//! The targets tessera is held to, each with the figure measured in this run.

use tessera_core::signing::KeyAlg;

use crate::figures::Figures;
use crate::print_latency::{rotation_cpu, ROTATION_BUDGET_US};
use crate::report::{mib, ratio, Report, ScaleRow};

struct Target {
    what: String,
    measured: String,
    /// `None` = could not be measured in this run.
    met: Option<bool>,
}

/// `t`'s rate as a share of `of`'s, when both were measured and `of` answered at all.
fn share(t: Option<Figures>, of: Option<Figures>) -> Option<f64> {
    t.zip(of)
        .filter(|(_, of)| of.rps > 0.0)
        .map(|(t, of)| t.rps / of.rps)
}

fn percent(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |x| format!("{:.0}%", x * 100.0))
}

/// tessera's resident memory after each workload against its bound: the workload closest to
/// (or furthest over) its bound, and whether every one stayed within its own.
fn memory(r: &Report) -> Target {
    let main = [
        ("validation", r.validation),
        ("refresh", r.refresh),
        ("login", r.login_default),
        ("login at PlantDB's parameters", r.login_plantdb),
        ("login flood", r.flood_login),
        ("API-key verification", r.apikey),
        ("scoped-token validation", r.scoped),
    ]
    .into_iter()
    .filter_map(|(name, pair)| Some((name.to_string(), pair.tessera?)));
    let scale = r.scale.iter().flat_map(|row| {
        [
            (
                format!("validation, {} sessions", row.sessions),
                row.validation,
            ),
            (format!("refresh, {} sessions", row.sessions), row.refresh),
        ]
    });
    let measured: Vec<(String, u64, u64)> = main
        .chain(scale)
        .filter_map(|(name, f)| Some((name, f.rss_kib?, f.rss_bound_kib?)))
        .collect();
    let worst = measured
        .iter()
        .max_by(|a, b| (a.1 as f64 / a.2 as f64).total_cmp(&(b.1 as f64 / b.2 as f64)));
    Target {
        what: "RSS <= 64 MiB + Argon2 memory x threads, every workload".into(),
        measured: worst.map_or("n/a".into(), |(name, rss, bound)| {
            format!(
                "at most {} of {} ({name})",
                mib(Some(*rss)),
                mib(Some(*bound))
            )
        }),
        met: worst.map(|_| measured.iter().all(|(_, rss, bound)| rss <= bound)),
    }
}

/// Introspection and client_credentials against oidc-provider; validation of distinct tokens
/// with each algorithm against the lower of the bare endpoint and the raw verify rate.
fn standard(r: &Report) -> Vec<Target> {
    let introspection = r.oauth.introspection.ratio();
    let of_bare = r
        .oauth
        .introspection
        .tessera
        .zip(r.bare)
        .map(|(t, b)| t.rps / b.rps);
    let issuance = r.oauth.client_credentials.ratio();
    let mut out = vec![
        Target {
            what: "introspection >= 10x oidc-provider".into(),
            measured: format!(
                "{} ({} of the bare endpoint)",
                ratio(introspection),
                percent(of_bare)
            ),
            met: introspection.map(|x| x >= 10.0),
        },
        Target {
            what: "client_credentials issuance >= 3x oidc-provider".into(),
            measured: ratio(issuance),
            met: issuance.map(|x| x >= 3.0),
        },
    ];
    for v in &r.algs {
        let share = crate::print_oauth::of_ceiling(r, v);
        let bound = crate::print_oauth::ceiling_bound(r, v).map_or(String::new(), |b| {
            format!(" (at most {:.0}% here)", 100.0 * b)
        });
        out.push(Target {
            what: format!(
                "{} distinct-token validation >= 80% of min(bare, raw verify)",
                v.alg
            ),
            measured: share.map_or("n/a".into(), |(x, which)| {
                format!("{:.0}% {which}{bound}", 100.0 * x)
            }),
            met: share.map(|(x, _)| x >= 0.80),
        });
    }
    out
}

/// Refresh against the raw rotation ceilings (SQLite, PostgreSQL), the server's CPU per
/// rotation against one signature's cost, and validation on PostgreSQL against SQLite.
fn ceilings(r: &Report) -> Vec<Target> {
    let of_sqlite = share(r.refresh.tessera, r.ceiling_sqlite);
    let pg_one = r.cluster.rows.iter().find(|row| row.instances == 1);
    let of_pg = share(pg_one.map(|row| row.refresh), r.cluster.ceiling);
    let mut out = vec![Target {
        what: "refresh (SQLite) >= 60% of the raw rotation ceiling".into(),
        measured: percent(of_sqlite),
        met: of_sqlite.map(|x| x >= 0.60),
    }];
    // The raw rotation alone, with no HTTP and no signature, costs this much CPU.
    let raw_rotation = r.ceiling_sqlite.map_or(String::new(), |c| {
        format!(" (the raw rotation alone: {:.0} µs)", c.own_us_per_answer())
    });
    for alg in [KeyAlg::EdDsa, KeyAlg::Hs512] {
        let cpu = rotation_cpu(r, alg);
        out.push(Target {
            what: format!("{alg} server CPU per rotation <= 30 µs + 1 signature"),
            measured: cpu.map_or("n/a".into(), |(rotation, sign)| {
                format!(
                    "{rotation:.0} µs against {:.0} µs{raw_rotation}",
                    ROTATION_BUDGET_US + sign
                )
            }),
            met: cpu.map(|(rotation, sign)| rotation <= ROTATION_BUDGET_US + sign),
        });
    }
    out.push(Target {
        what: "PostgreSQL refresh, 1 instance >= 60% of the raw rotation ceiling".into(),
        measured: percent(of_pg),
        met: of_pg.map(|x| x >= 0.60),
    });
    // The instances on PostgreSQL sign with one shared HS512 key: compared with tessera on
    // SQLite signing with HS512, one token each.
    let sqlite_hs512 = r.algs.iter().find(|v| v.alg == KeyAlg::Hs512);
    let pg_validation = share(
        pg_one.map(|row| row.validation),
        sqlite_hs512.map(|v| v.single),
    );
    out.push(Target {
        what: "PostgreSQL validation, 1 instance >= 90% of SQLite's (HS512, one token)".into(),
        measured: percent(pg_validation),
        met: pg_validation.map(|x| x >= 0.90),
    });
    out
}

fn targets(r: &Report) -> Vec<Target> {
    let validation = r.validation.ratio();
    let of_bare = r.validation.tessera.zip(r.bare).map(|(t, b)| t.rps / b.rps);
    let refresh = r.refresh.ratio();
    let durable = r
        .durability
        .map(|d| d.presented > 0 && d.accepted == d.presented);
    let of_hash = r
        .login_plantdb
        .tessera
        .zip(r.hash_plantdb)
        .map(|(t, h)| t.rps / h.per_sec);
    let flood_p99 = r.flood_validation.tessera.map(|f| f.p99_ms);
    vec![
        Target {
            what: "validation >= 25x PlantDB".into(),
            measured: ratio(validation),
            met: validation.map(|x| x >= 25.0),
        },
        Target {
            what: "validation >= 70% of the bare endpoint".into(),
            measured: percent(of_bare),
            met: of_bare.map(|x| x >= 0.70),
        },
        Target {
            what: "refresh >= 5x PlantDB, durable".into(),
            measured: format!(
                "{}, {}",
                ratio(refresh),
                r.durability.map_or("durability n/a".into(), |d| format!(
                    "{}/{} answered chains survived kill -9",
                    d.accepted, d.presented
                ))
            ),
            met: refresh.zip(durable).map(|(x, d)| x >= 5.0 && d),
        },
        Target {
            what: "login at PlantDB's parameters >= 90% of raw hash rate".into(),
            measured: percent(of_hash),
            met: of_hash.map(|x| x >= 0.90),
        },
        Target {
            what: "validation p99 during a login flood < 5 ms".into(),
            measured: flood_p99.map_or("n/a".into(), |p| format!("{p:.2} ms")),
            met: flood_p99.map(|p| p < 5.0),
        },
        memory(r),
    ]
}

/// Validation and refresh with the largest store against the same with one session.
fn flat(r: &Report) -> Vec<Target> {
    let one = r.scale.iter().find(|row| row.sessions <= 1);
    let many = r.scale.iter().max_by_key(|row| row.sessions);
    let pair = one.zip(many).filter(|(a, b)| b.sessions > a.sessions);
    let sessions = pair.map_or(0, |(_, b)| b.sessions);
    type Workload = (&'static str, fn(&ScaleRow) -> Figures);
    let workloads: [Workload; 2] = [
        ("validation", |row| row.validation),
        ("refresh", |row| row.refresh),
    ];
    workloads
        .into_iter()
        .map(|(name, figures)| {
            let share = share(
                pair.map(|(_, many)| figures(many)),
                pair.map(|(one, _)| figures(one)),
            );
            Target {
                what: format!("{name} with {sessions} sessions >= 90% of with 1"),
                measured: percent(share),
                met: share.map(|x| x >= 0.90),
            }
        })
        .collect()
}

pub fn print(r: &Report) {
    let mut all = targets(r);
    all.extend(flat(r));
    all.extend(standard(r));
    all.extend(ceilings(r));
    let w = all.iter().map(|t| t.what.len()).max().unwrap_or(0);
    let m = all.iter().map(|t| t.measured.len()).max().unwrap_or(0);
    for t in all {
        let verdict = match t.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        };
        println!("  {:w$}  {:>m$}  {verdict}", t.what, t.measured);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn row(sessions: usize, validation: f64, refresh: f64) -> ScaleRow {
        let rate = |rps| Figures {
            rps,
            ..Figures::default()
        };
        ScaleRow {
            sessions,
            fill: Duration::ZERO,
            startup: Duration::ZERO,
            rss_idle_kib: None,
            rotation_ms: 0.0,
            validation: rate(validation),
            refresh: rate(refresh),
        }
    }

    #[test]
    fn a_large_store_is_held_to_nine_tenths_of_one_session() {
        let r = Report {
            scale: vec![row(1, 1000.0, 100.0), row(1_000_000, 950.0, 85.0)],
            ..Report::default()
        };
        let [validation, refresh] = flat(&r).try_into().ok().unwrap();
        assert_eq!(validation.met, Some(true), "{}", validation.measured);
        assert_eq!(refresh.met, Some(false), "{}", refresh.measured);
        assert_eq!(refresh.measured, "85%");
        assert!(refresh.what.contains("1000000 sessions"));
        // Without a large store there is nothing to compare.
        let r = Report {
            scale: vec![row(1, 1000.0, 100.0)],
            ..Report::default()
        };
        assert!(flat(&r).iter().all(|t| t.met.is_none()));
    }
}
