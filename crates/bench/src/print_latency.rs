//! The report's open-loop latency table (every workload offered a fixed share of its closed
//! loop's rate) and its section on refresh against the raw rotation ceilings.

use tessera_core::signing::KeyAlg;

use crate::figures::Figures;
use crate::report::{ms, Report};
use crate::suite::Plan;

/// Every run that was followed by an open-loop run: (workload, server, the closed-loop run).
pub fn runs(plan: &Plan, r: &Report) -> Vec<(String, &'static str, Figures)> {
    let mut pairs: Vec<(String, crate::report::Pair, &'static str)> = crate::print::rows(plan, r)
        .into_iter()
        .map(|(name, pair)| (name, pair, "PlantDB"))
        .collect();
    pairs.extend(
        crate::print_oauth::rows(r)
            .into_iter()
            .map(|(name, pair)| (name, pair, "oidc-provider")),
    );
    let mut out = Vec::new();
    for (name, pair, peer) in pairs {
        let name = name.trim().to_string();
        if let Some(f) = pair.tessera {
            out.push((name.clone(), "tessera", f));
        }
        if let Some(f) = pair.peer {
            out.push((name, peer, f));
        }
    }
    for v in &r.algs {
        out.push((
            format!("{} validation, distinct tokens", v.alg),
            "tessera",
            v.distinct,
        ));
        if let Some(f) = v.refresh {
            out.push((format!("{} refresh rotation", v.alg), "tessera", f));
        }
    }
    if let Some(row) = r.cluster.rows.iter().find(|row| row.instances == 1) {
        let pg = "tessera, PostgreSQL";
        out.push(("token validation".into(), pg, row.validation));
        out.push(("refresh rotation".into(), pg, row.refresh));
    }
    out.retain(|(_, _, f)| f.open.is_some());
    out
}

pub fn latency(plan: &Plan, r: &Report) {
    let runs = runs(plan, r);
    if runs.is_empty() {
        return;
    }
    println!(
        "Latency at a fixed offered rate (open loop, {:.0}% of the rate the closed loop just \
         reached, spread evenly over its connections; {} s after {} s of warm-up; latency from \
         each request's scheduled send time, so a stall counts in full), ms:",
        100.0 * plan.open_share,
        plan.open.duration.as_secs_f64(),
        plan.open.warmup.as_secs_f64()
    );
    let w = runs.iter().map(|(n, _, _)| n.len()).max().unwrap_or(8);
    let s = runs.iter().map(|(_, s, _)| s.len()).max().unwrap_or(7);
    println!(
        "{:w$} | {:s$} | {:>9} {:>9} {:>9} | {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>5}",
        "workload",
        "server",
        "closed/s",
        "offered/s",
        "answered",
        "p50",
        "p90",
        "p99",
        "p99.9",
        "max",
        "n",
        "err"
    );
    for (name, server, f) in runs {
        let Some(o) = f.open else { continue };
        let l = o.latency;
        println!(
            "{name:w$} | {server:s$} | {:>9.0} {:>9.1} {:>9.1} | {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>5}",
            f.rps,
            o.offered,
            o.rps,
            ms(l.p50_ms),
            ms(l.p90_ms),
            ms(l.p99_ms),
            ms(l.p999_ms),
            ms(l.max_ms),
            l.samples,
            o.errors
        );
    }
}

/// The server's CPU per rotation with `alg`, and one signature's cost on one core: (rotation µs,
/// signature µs).
pub fn rotation_cpu(r: &Report, alg: KeyAlg) -> Option<(f64, f64)> {
    let refresh = match alg {
        // A new data directory's default: the main table's refresh run.
        KeyAlg::EdDsa => r.refresh.tessera,
        KeyAlg::Hs512 => r.algs.iter().find(|v| v.alg == alg)?.refresh,
    }?;
    let raw = r.raw.iter().find(|x| x.alg == alg)?;
    Some((refresh.server_us_per_answer(), raw.sign_cpu_us))
}

/// Allowed server CPU per rotation besides one signature, µs.
pub const ROTATION_BUDGET_US: f64 = 30.0;

fn ceiling_line(name: &str, c: &Figures, of: Option<(&str, Figures)>) {
    let share = of.map_or(String::new(), |(what, t)| {
        format!("; {what} = {:.0}% of it", 100.0 * t.rps / c.rps)
    });
    println!(
        "  {name:<44} {:>9.0} rotations/s, p50 {} ms, p99 {} ms, {} errors, {:.0} µs CPU per \
         rotation in this process (others {:.0}%){share}",
        c.rps,
        ms(c.p50_ms),
        ms(c.p99_ms),
        c.errors,
        c.own_us_per_answer(),
        100.0 * c.cpu.others
    );
}

pub fn refresh(plan: &Plan, r: &Report) {
    println!(
        "Refresh against its ceilings, in the same run: the raw rotation ceiling is the store call \
         tessera's refresh makes (rotate_refresh: look up by hash, mark used, insert the \
         successor; SQLite: the same single writer and group commit, synchronous=FULL, WAL) \
         from {} tasks in this process, each following its own chain, no HTTP:",
        plan.connections
    );
    if let Some(c) = &r.ceiling_sqlite {
        let t = r.refresh.tessera.map(|t| ("tessera's refresh (EdDSA)", t));
        ceiling_line("raw rotation ceiling, SQLite (new store)", c, t);
    }
    if let Some(c) = &r.cluster.ceiling {
        let t = r
            .cluster
            .rows
            .iter()
            .find(|row| row.instances == 1)
            .map(|row| ("tessera's refresh, 1 instance (HS512)", row.refresh));
        ceiling_line("raw rotation ceiling, PostgreSQL (same db)", c, t);
    }
    for alg in [KeyAlg::EdDsa, KeyAlg::Hs512] {
        if let Some((rotation, sign)) = rotation_cpu(r, alg) {
            println!(
                "  server CPU per rotation, {:<19} {rotation:>9.0} µs; one {alg} signature: \
                 {sign:.1} µs CPU (budget {ROTATION_BUDGET_US:.0} µs + one signature = {:.0} µs)",
                format!("{alg} (SQLite):"),
                ROTATION_BUDGET_US + sign
            );
        }
    }
}
