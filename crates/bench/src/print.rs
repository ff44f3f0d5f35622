//! The printed report: the run's conditions, the table, where the CPU went, the machine's
//! limits, the scale figures and the targets.

use tessera_core::password::HashParams;

use crate::cpu::Usage;
use crate::figures::Figures;
use crate::report::{self, Pair, Report};
use crate::suite::Plan;
use crate::tessera::describe;
use crate::{print_latency, print_oauth, targets};

use crate::suite::cpus;

pub fn header(plan: &Plan, mode: &str) {
    println!(
        "tessera-bench, {mode} mode: {} s per workload after {} s of warm-up, then {} s offered \
         at {:.0}% of the rate reached; {} keep-alive connections per workload, all on \
         127.0.0.1; {} CPUs shared by the servers and the load generator.",
        plan.shape.duration.as_secs_f64(),
        plan.shape.warmup.as_secs_f64(),
        plan.open.duration.as_secs_f64(),
        100.0 * plan.open_share,
        plan.connections,
        cpus(),
    );
    println!(
        "tessera ({}): rate limits, lockout and the per-account cap on logins in progress off, MAX_SESSION=0, SQLite store; PlantDB 0.17 by serve.sh \
         (gunicorn, 1 worker x 8 threads).",
        plan.tessera.display()
    );
    println!();
}

pub fn rows(plan: &Plan, r: &Report) -> Vec<(String, Pair)> {
    vec![
        ("token validation".into(), r.validation),
        (
            format!("refresh rotation ({} chains)", plan.connections),
            r.refresh,
        ),
        (
            format!("login, Argon2 {} (tessera's)", describe(HashParams::OWASP)),
            r.login_default,
        ),
        (
            format!(
                "login, Argon2 {} (PlantDB's)",
                describe(HashParams::PLANTDB)
            ),
            r.login_plantdb,
        ),
        (
            format!("validation during login flood ({:.0}/s)", plan.flood_rate),
            r.flood_validation,
        ),
        (
            format!("  the login flood ({})", describe(HashParams::PLANTDB)),
            r.flood_login,
        ),
        ("API-key verification".into(), r.apikey),
        ("scoped-token validation".into(), r.scoped),
    ]
}

fn others(u: Usage) -> String {
    format!("others {:.0}%", 100.0 * u.others)
}

fn limits(r: &Report) {
    println!("The machine's limits, in the same run:");
    if let Some(b) = r.bare {
        let of = r.validation.tessera.map_or(String::new(), |t| {
            format!("; tessera validation = {:.0}% of it", 100.0 * t.rps / b.rps)
        });
        println!(
            "  {:<44} {:>9.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors, {:.0} µs server CPU \
             per answer ({}){of}",
            "bare axum endpoint, same request",
            b.rps,
            b.p50_ms,
            b.p99_ms,
            b.errors,
            b.server_us_per_answer(),
            others(b.cpu)
        );
    }
    for (params, rate, pair) in [
        (HashParams::OWASP, r.hash_default, r.login_default),
        (HashParams::PLANTDB, r.hash_plantdb, r.login_plantdb),
    ] {
        let Some(h) = rate else { continue };
        let share = |f: Option<Figures>| {
            f.map_or("n/a".to_string(), |f| {
                format!(
                    "{:.0}% of it, {:.0} ms CPU",
                    100.0 * f.rps / h.per_sec,
                    f.server_us_per_answer() / 1e3
                )
            })
        };
        println!(
            "  {:<44} {:>9.1} hashes/s, {:.0} ms CPU each ({}); login: tessera {}, PlantDB {}",
            format!("raw Argon2id {}, {} threads", describe(params), cpus()),
            h.per_sec,
            h.cpu_ms,
            others(h.cpu),
            share(pair.tessera),
            share(pair.peer)
        );
    }
}

pub fn all(plan: &Plan, r: &Report) {
    let rows = rows(plan, r);
    report::print_table(&rows, "PlantDB");
    println!(
        "Closed loop, except validation during the flood: offered at {:.0} req/s over {} \
         connections (latency from the scheduled send time) while {} connections log in.",
        plan.flood_rate, plan.flood_validators, plan.connections
    );
    println!(
        "Every login names its own X-Forwarded-For (PlantDB's 20/min limit cannot be switched \
         off). PlantDB has no setting for tessera's default parameters."
    );
    if let Some(why) = &r.plantdb_missing {
        println!("PlantDB n/a: {why}");
    }
    if let Some(s) = r.plantdb_startup {
        println!("PlantDB took {:.1} s to start.", s.as_secs_f64());
    }
    println!();
    println!(
        "Where the CPU went in each measured window (share of all {} CPUs), and the server's CPU \
         time per answer:",
        cpus()
    );
    report::print_cpu(&[&rows[..4], &rows[6..]].concat(), "PlantDB");
    let flood = |f: Option<Figures>| {
        f.map_or("n/a".to_string(), |f| {
            format!(
                "server {:.0}%, loadgen {:.0}%, others {:.0}%, RSS after {}",
                100.0 * f.cpu.servers,
                100.0 * f.cpu.generator,
                100.0 * f.cpu.others,
                report::rss(&f)
            )
        })
    };
    println!(
        "During the login flood: tessera {}; PlantDB {}.",
        flood(r.flood_login.tessera),
        flood(r.flood_login.peer)
    );
    println!();
    limits(r);
    println!();
    print_latency::refresh(plan, r);
    println!();
    print_oauth::oauth(r);
    println!();
    print_oauth::algorithms(plan, r);
    println!();
    let scale_note = if plan.sessions == 1_000_000 {
        String::new()
    } else {
        format!("; this mode fills {} instead of 1,000,000", plan.sessions)
    };
    println!(
        "tessera with live sessions in its store (default parameters{scale_note}); \
         \"1 rot ms\": one rotation at a time on the idle server; RSS after each workload, and \
         its bound (64 MiB plus the Argon2 memory parameter on each hashing thread):"
    );
    report::print_scale(&r.scale);
    if let Some(d) = r.durability {
        println!(
            "Durability: after the refresh run in the table, tessera was killed (SIGKILL) \
             and restarted in {:.3} s; {}/{} chains' last refresh tokens were accepted ({} chains \
             had a rotation still unanswered and were not presented).",
            d.restart.as_secs_f64(),
            d.accepted,
            d.presented,
            d.chains - d.presented
        );
    }
    disturbed(plan, &rows, r);
    println!();
    crate::print_cluster::print(&r.cluster);
    println!();
    print_latency::latency(plan, r);
    println!();
    println!(
        "Targets ({} CPUs, load generator on the same cores):",
        cpus()
    );
    targets::print(r);
}

/// Share of the machine that other processes may take before a figure is called disturbed.
const DISTURBED: f64 = 0.10;

/// Names the windows in which other processes on the machine took a noticeable share of it.
fn disturbed(plan: &Plan, rows: &[(String, Pair)], r: &Report) {
    let mut hit = Vec::new();
    let mut check = |name: String, u: Option<Usage>| {
        if let Some(u) = u.filter(|u| u.others >= DISTURBED) {
            hit.push(format!("{name} {:.0}%", 100.0 * u.others));
        }
    };
    for (name, pair) in rows {
        check(
            format!("{} (tessera)", name.trim()),
            pair.tessera.map(|f| f.cpu),
        );
        check(
            format!("{} (PlantDB)", name.trim()),
            pair.peer.map(|f| f.cpu),
        );
    }
    check("bare endpoint".into(), r.bare.map(|f| f.cpu));
    check(
        "raw rotation ceiling, SQLite".into(),
        r.ceiling_sqlite.map(|f| f.cpu),
    );
    check(
        "raw rotation ceiling, PostgreSQL".into(),
        r.cluster.ceiling.map(|f| f.cpu),
    );
    for (name, server, f) in print_latency::runs(plan, r) {
        check(
            format!("{name} ({server}), open loop"),
            f.open.map(|o| o.cpu),
        );
    }
    for (name, pair) in print_oauth::rows(r) {
        check(format!("{name} (tessera)"), pair.tessera.map(|f| f.cpu));
        check(format!("{name} (oidc-provider)"), pair.peer.map(|f| f.cpu));
    }
    for raw in &r.raw {
        let others = Usage {
            others: raw.others,
            ..Usage::default()
        };
        check(format!("raw {} rates", raw.alg), Some(others));
    }
    for v in &r.algs {
        check(format!("{} one token", v.alg), Some(v.single.cpu));
        check(format!("{} distinct tokens", v.alg), Some(v.distinct.cpu));
        if let Some(f) = v.refresh {
            check(format!("{} refresh", v.alg), Some(f.cpu));
        }
    }
    check(
        "raw Argon2id (tessera's)".into(),
        r.hash_default.map(|h| h.cpu),
    );
    check(
        "raw Argon2id (PlantDB's)".into(),
        r.hash_plantdb.map(|h| h.cpu),
    );
    for row in &r.scale {
        check(
            format!("{} sessions: validation", row.sessions),
            Some(row.validation.cpu),
        );
        check(
            format!("{} sessions: refresh", row.sessions),
            Some(row.refresh.cpu),
        );
    }
    if !hit.is_empty() {
        println!(
            "WARNING: other processes on this machine took a share of the CPUs during: {}. Those \
             figures are understated (the µs/answer columns much less so); run again on a quiet \
             machine before quoting them.",
            hit.join(", ")
        );
    }
}
