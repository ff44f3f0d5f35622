//! What a run measured, and the table it prints.

use std::time::Duration;

use crate::figures::Figures;
use crate::hashrate::HashRate;

/// One workload on tessera and on the server it is compared with (PlantDB, or oidc-provider
/// for the OAuth 2.0 workloads); `None` = not measured (the peer unavailable, or no such
/// setting on it).
#[derive(Debug, Default, Clone, Copy)]
pub struct Pair {
    pub tessera: Option<Figures>,
    pub peer: Option<Figures>,
}

impl Pair {
    /// tessera's requests per second over the peer's.
    pub fn ratio(&self) -> Option<f64> {
        let (t, p) = (self.tessera?, self.peer?);
        Some(if p.rps > 0.0 {
            t.rps / p.rps
        } else {
            f64::INFINITY
        })
    }
}

/// tessera with a store holding `sessions` live sessions.
#[derive(Debug, Clone)]
pub struct ScaleRow {
    pub sessions: usize,
    pub fill: Duration,
    pub startup: Duration,
    pub rss_idle_kib: Option<u64>,
    /// Median of a few rotations, one at a time, on the idle server.
    pub rotation_ms: f64,
    pub validation: Figures,
    pub refresh: Figures,
}

/// Refresh chains presented again after tessera was killed and restarted.
#[derive(Debug, Clone, Copy)]
pub struct Durability {
    pub accepted: usize,
    /// Chains whose last rotation was answered (the others' current token is unknown).
    pub presented: usize,
    pub chains: usize,
    pub restart: Duration,
}

#[derive(Debug, Default)]
pub struct Report {
    pub validation: Pair,
    pub refresh: Pair,
    pub login_default: Pair,
    pub apikey: Pair,
    pub scoped: Pair,
    pub login_plantdb: Pair,
    pub flood_validation: Pair,
    pub flood_login: Pair,
    pub bare: Option<Figures>,
    /// The raw rotation ceiling on SQLite: tessera's rotation store call in this process.
    pub ceiling_sqlite: Option<Figures>,
    pub hash_default: Option<HashRate>,
    pub hash_plantdb: Option<HashRate>,
    pub scale: Vec<ScaleRow>,
    pub durability: Option<Durability>,
    /// Why PlantDB's columns are empty, if they are.
    pub plantdb_missing: Option<String>,
    pub plantdb_startup: Option<Duration>,
    pub cluster: crate::cluster::ClusterReport,
    /// Introspection and `client_credentials`, tessera beside oidc-provider.
    pub oauth: crate::oauth::OauthReport,
    /// The raw sign and verify rates of each algorithm.
    pub raw: Vec<crate::algorithms::RawRates>,
    /// Validation of one token and of distinct tokens with each algorithm.
    pub algs: Vec<crate::distinct::AlgValidation>,
}

const NA: &str = "n/a";

/// A latency; "-" when nothing was answered in the window.
pub fn ms(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.2}")
    }
}

fn cells(f: Option<Figures>) -> String {
    match f {
        Some(f) => format!(
            "{:>9.0} {:>8} {:>8} {:>6}",
            f.rps,
            ms(f.p50_ms),
            ms(f.p99_ms),
            f.errors
        ),
        None => format!("{NA:>9} {NA:>8} {NA:>8} {NA:>6}"),
    }
}

pub fn ratio(r: Option<f64>) -> String {
    match r {
        Some(r) if r.is_infinite() => "inf".into(),
        Some(r) if r >= 10.0 => format!("{r:.0}x"),
        Some(r) => format!("{r:.2}x"),
        None => NA.into(),
    }
}

pub fn mib(kib: Option<u64>) -> String {
    kib.map_or(NA.into(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

/// The resident memory after a run, and what it is held to: "88/102 MiB", or "88 MiB".
pub fn rss(f: &Figures) -> String {
    match (f.rss_kib, f.rss_bound_kib) {
        (Some(k), Some(b)) => format!("{:.0}/{:.0} MiB", k as f64 / 1024.0, b as f64 / 1024.0),
        (k, _) => mib(k),
    }
}

/// A table: each workload on tessera and on `peer`, and the ratio.
pub fn print_table(rows: &[(String, Pair)], peer: &str) {
    let w = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(8);
    let head = format!(
        "{:>9} {:>8} {:>8} {:>6}",
        "req/s", "p50 ms", "p99 ms", "errors"
    );
    println!("{:w$} | {:<34} | {:<34} | tessera", "", "tessera", peer);
    println!("{:w$} | {head} | {head} | ÷ {peer}", "workload");
    println!("{}", "-".repeat(w + 90));
    for (name, pair) in rows {
        println!(
            "{name:w$} | {} | {} | {:>9}",
            cells(pair.tessera),
            cells(pair.peer),
            ratio(pair.ratio())
        );
    }
}

fn cpu_cells(f: Option<Figures>) -> String {
    match f {
        Some(f) => format!(
            "{:>5.0}% {:>6.0}% {:>6.0}% {:>9.0} {:>13}",
            100.0 * f.cpu.servers,
            100.0 * f.cpu.generator,
            100.0 * f.cpu.others,
            f.server_us_per_answer(),
            rss(&f)
        ),
        None => format!("{NA:>6} {NA:>7} {NA:>7} {NA:>9} {NA:>13}"),
    }
}

/// Where the CPU went in each measured window.
pub fn print_cpu(rows: &[(String, Pair)], peer: &str) {
    let w = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(8);
    let head = format!(
        "{:>6} {:>7} {:>7} {:>9} {:>13}",
        "server", "loadgen", "others", "µs/answer", "RSS / bound"
    );
    println!("{:w$} | {:<46} | {:<46}", "", "tessera", peer);
    println!("{:w$} | {head} | {head}", "workload");
    for (name, pair) in rows {
        println!(
            "{name:w$} | {} | {}",
            cpu_cells(pair.tessera),
            cpu_cells(pair.peer)
        );
    }
}

pub fn print_scale(rows: &[ScaleRow]) {
    println!(
        "{:>9} {:>6} {:>7} {:>8} {:>8} | {:>9} {:>7} {:>5} {:>13} | {:>9} {:>7} {:>5} {:>13}",
        "sessions",
        "fill s",
        "start s",
        "RSS idle",
        "1 rot ms",
        "validate/s",
        "p99 ms",
        "err",
        "RSS / bound",
        "refresh/s",
        "p99 ms",
        "err",
        "RSS / bound",
    );
    for r in rows {
        let (v, f) = (r.validation, r.refresh);
        println!(
            "{:>9} {:>6.1} {:>7.3} {:>8} {:>8.2} | {:>9.0} {:>7} {:>5} {:>13} | {:>9.0} {:>7} {:>5} {:>13}",
            r.sessions,
            r.fill.as_secs_f64(),
            r.startup.as_secs_f64(),
            mib(r.rss_idle_kib),
            r.rotation_ms,
            v.rps,
            ms(v.p99_ms),
            v.errors,
            rss(&v),
            f.rps,
            ms(f.p99_ms),
            f.errors,
            rss(&f),
        );
    }
}
