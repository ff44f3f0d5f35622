//! `tessera-bench`: starts tessera, PlantDB, oidc-provider and a bare axum endpoint on loopback,
//! drives them over keep-alive connections, and prints tables (requests per second, p50 and p99
//! latency, errors, for tessera and PlantDB side by side, and for tessera's OAuth 2.0 endpoints
//! beside oidc-provider's), the machine's limits measured in the same run (with the raw sign and
//! verify rates of each signing algorithm), validation of distinct tokens with each algorithm,
//! refresh against the raw rotation ceilings of its store (SQLite, PostgreSQL), latency at a
//! fixed offered rate after every closed-loop run, tessera with many sessions in its store, and
//! the targets with the figures measured.
// A benchmark measures elapsed time on the real clock: the wall-clock ban (clippy.toml) is for
// the server's code.
#![allow(clippy::disallowed_methods)]

mod algorithms;
mod bare;
mod ceiling;
mod cluster;
mod cpu;
mod distinct;
mod figures;
mod hashrate;
mod load;
mod oauth;
mod oidc;
mod pgdb;
mod phases;
mod plantdb;
mod print;
mod print_cluster;
mod print_latency;
mod print_oauth;
mod process;
mod report;
mod scale;
mod suite;
mod targets;
mod tessera;
mod threads;
mod workloads;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Parser)]
#[command(about = "Measure tessera side by side with PlantDB and with the machine's limits")]
struct Args {
    /// Everyday mode (the default): 3 s per workload and 1.5 s at a fixed rate after it, 100,000
    /// sessions, 20,000 distinct tokens.
    #[arg(long, conflicts_with = "full")]
    quick: bool,
    /// The mode for the README: 10 s per workload and 3 s at a fixed rate after it, 1,000,000
    /// sessions, 100,000 distinct tokens.
    #[arg(long)]
    full: bool,
    /// Seconds per workload (measured window, after a warm-up); overrides the mode's.
    #[arg(long)]
    duration: Option<f64>,
    /// Concurrent keep-alive connections per workload.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Live sessions in the large store; overrides the mode's.
    #[arg(long)]
    sessions: Option<usize>,
    /// Validation requests per second offered while the login flood runs.
    #[arg(long, default_value_t = 1000.0)]
    flood_rate: f64,
    /// The tessera binary to start (relative paths: from here, else from the repository root).
    #[arg(long, default_value = "target/release/tessera")]
    tessera: PathBuf,
    /// The PlantDB peer scripts (setup.sh, serve.sh); relative to the repository root by default.
    #[arg(long, default_value = "../shared/peers/plantdb")]
    plantdb: PathBuf,
    /// Leave PlantDB out (its columns print n/a).
    #[arg(long)]
    no_plantdb: bool,
    /// The oidc-provider peer scripts (setup.sh, serve.sh); relative to the repository root by
    /// default.
    #[arg(long, default_value = "../shared/peers/oidc-provider")]
    oidc: PathBuf,
    /// Leave oidc-provider out (its columns print n/a).
    #[arg(long)]
    no_oidc: bool,
    /// Distinct live access tokens validated round-robin (one session each); overrides the
    /// mode's.
    #[arg(long)]
    distinct_tokens: Option<usize>,
    /// A PostgreSQL server for the multi-instance figures (a database of the run's own is made
    /// on it and dropped); default: `TESSERA_TEST_POSTGRES_URL`; none = those figures are left out.
    #[arg(long, env = "TESSERA_BENCH_POSTGRES_URL")]
    postgres: Option<String>,
    /// A Redis server, for the revocation delay by pub/sub; default: `TESSERA_TEST_REDIS_URL`.
    #[arg(long, env = "TESSERA_BENCH_REDIS_URL")]
    redis: Option<String>,
    /// Internal: serve the bare endpoint (the benchmark starts itself with this).
    #[arg(long, hide = true)]
    bare_server: bool,
}

fn main() {
    let args = Args::parse();
    if args.bare_server {
        if let Err(e) = bare::serve() {
            eprintln!("tessera-bench (bare endpoint): {e}");
            std::process::exit(1);
        }
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let outcome = runtime.block_on(async {
        // On Ctrl-C or SIGTERM the run is dropped, which stops every process it started.
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| e.to_string())?;
        tokio::select! {
            r = run(args) => r,
            _ = tokio::signal::ctrl_c() => Err("interrupted".to_string()),
            _ = term.recv() => Err("terminated".to_string()),
        }
    });
    if let Err(e) = outcome {
        eprintln!("tessera-bench: {e}");
        std::process::exit(1);
    }
}

/// The open-loop runs offer this share of the rate the closed loop just reached.
const OPEN_SHARE: f64 = 0.6;

/// A relative path that does not exist from here is taken from the repository's root.
fn from_repo(path: PathBuf) -> PathBuf {
    if path.is_absolute() || path.exists() {
        return path;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidate = root.join(&path);
    if candidate.exists() {
        candidate.canonicalize().unwrap_or(candidate)
    } else {
        path
    }
}

async fn run(args: Args) -> Result<(), String> {
    let full = args.full;
    let mode = if full { "full" } else { "quick" };
    let distinct_tokens = args
        .distinct_tokens
        .unwrap_or(if full { 100_000 } else { 20_000 })
        .max(1);
    let duration = args.duration.unwrap_or(if full { 10.0 } else { 3.0 });
    let plan = suite::Plan {
        started: Instant::now(),
        tessera: from_repo(args.tessera),
        plantdb: (!args.no_plantdb).then(|| from_repo(args.plantdb)),
        setup_timeout: Duration::from_secs(if full { 900 } else { 30 }),
        connections: args.connections.max(1),
        shape: load::Shape {
            warmup: Duration::from_secs_f64(if full { 2.0 } else { 0.5 }),
            duration: Duration::from_secs_f64(duration),
            pace: None,
        },
        open: load::Shape {
            warmup: Duration::from_secs_f64(if full { 1.0 } else { 0.5 }),
            duration: Duration::from_secs_f64(duration.min(if full { 3.0 } else { 1.5 })),
            pace: None,
        },
        open_share: OPEN_SHARE,
        sessions: args
            .sessions
            .unwrap_or(if full { 1_000_000 } else { 100_000 })
            .max(2),
        hash_time: Duration::from_secs(if full { 5 } else { 2 }),
        oidc: (!args.no_oidc).then(|| from_repo(args.oidc)),
        distinct_tokens,
        distinct_users: distinct_tokens.min(10_000),
        raw_time: Duration::from_secs(if full { 2 } else { 1 }),
        flood_rate: args.flood_rate.max(1.0),
        flood_validators: 8,
        postgres: args
            .postgres
            .or_else(|| std::env::var("TESSERA_TEST_POSTGRES_URL").ok()),
        redis: args
            .redis
            .or_else(|| std::env::var("TESSERA_TEST_REDIS_URL").ok()),
    };
    let command: Vec<String> = std::env::args().collect();
    println!("$ {}", command.join(" "));
    print::header(&plan, mode);
    let report = suite::run(&plan).await?;
    print::all(&plan, &report);
    Ok(())
}
