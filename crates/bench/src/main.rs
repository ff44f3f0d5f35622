//! `tessera-bench`: starts tessera on loopback, drives it over keep-alive connections and prints
//! requests per second, p50 and p99 latency and errors for each workload.

mod load;
mod server;
mod workloads;

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Measure tessera: token validations and refresh rotations per second")]
struct Args {
    /// The tessera binary to start.
    #[arg(long, default_value = "target/release/tessera")]
    tessera: PathBuf,
    /// Seconds per workload.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("tessera-bench: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let env = [
        ("TESSERA_RATE_LOGIN_PER_MINUTE", "0".to_string()),
        ("TESSERA_RATE_USERNAME_CHECK_PER_MINUTE", "0".to_string()),
        ("MAX_SESSION", "0".to_string()),
        ("SESSION_TIMEOUT", "3600".to_string()),
    ];
    let tessera = server::Process::start(&args.tessera, &env)?;
    let duration = Duration::from_secs(args.duration);
    println!(
        "tessera at {} — {} connections, {} s per workload, load generator on the same machine",
        tessera.addr, args.connections, args.duration
    );
    println!(
        "{:<28} {:>10} {:>9} {:>9} {:>7}",
        "workload", "req/s", "p50 ms", "p99 ms", "errors"
    );
    let results = [
        (
            "token validation",
            workloads::validation(tessera.addr, args.connections).await?,
        ),
        (
            "refresh rotation (chains)",
            workloads::refresh_chains(tessera.addr, args.connections).await?,
        ),
    ];
    for (name, work) in results {
        let stats = load::run(tessera.addr, work, duration).await;
        println!(
            "{:<28} {:>10.0} {:>9.2} {:>9.2} {:>7}",
            name,
            stats.rps(),
            stats.percentile_ms(0.50),
            stats.percentile_ms(0.99),
            stats.errors
        );
    }
    if let Some(rss) = tessera.rss_kib() {
        println!("tessera resident memory after the run: {} MiB", rss / 1024);
    }
    Ok(())
}
