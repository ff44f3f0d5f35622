//! tessera on PostgreSQL: one instance, then three sharing one database under the same load
//! (connections spread evenly over them), and how long a logout answered by one instance takes
//! to be refused by the others, by LISTEN/NOTIFY and, with Redis, by pub/sub.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;
use tessera_core::password::HashParams;

use crate::figures::Figures;
use crate::load::{self, post};
use crate::pgdb::Database;
use crate::process::Process;
use crate::suite::Plan;
use crate::{ceiling, workloads};

/// Every instance signs with this key (64 bytes, given raw so start-up does not stretch it).
const SHARED_KEY: &str =
    "hex:7465737365726120626568636820736861726564206b6579207465737365726120626568636820736861726564206b6579207465737365726120626568636820";

#[derive(Debug, Clone)]
pub struct ClusterRow {
    pub instances: usize,
    pub validation: Figures,
    pub refresh: Figures,
}

/// Milliseconds from a logout's answer on one instance until another refused its token.
#[derive(Debug, Clone)]
pub struct Propagation {
    pub feed: &'static str,
    pub samples: Vec<f64>,
    /// Logouts whose token was still accepted somewhere after `PATIENCE`.
    pub missed: usize,
}

#[derive(Debug, Default)]
pub struct ClusterReport {
    pub rows: Vec<ClusterRow>,
    /// The raw rotation ceiling on the same PostgreSQL database: tessera's rotation store call
    /// through `tessera_store::PostgresStore` in this process.
    pub ceiling: Option<Figures>,
    pub propagation: Vec<Propagation>,
    /// Why there are no figures, if there are none.
    pub missing: Option<String>,
}

const PATIENCE: Duration = Duration::from_secs(5);
const LOGOUTS: usize = 20;

pub async fn run(
    plan: &Plan,
    postgres: &str,
    redis: Option<&str>,
) -> Result<ClusterReport, String> {
    let db = Database::create(postgres).await?;
    let outcome = measure(plan, &db.url, redis).await;
    db.drop_it().await;
    outcome
}

fn start(plan: &Plan, db: &str, redis: Option<&str>) -> Result<Process, String> {
    let mut tessera = plan.tessera(HashParams::OWASP);
    tessera.env = vec![
        ("TESSERA_DATABASE_URL", db.to_string()),
        ("JWT_SECRET_KEY", SHARED_KEY.to_string()),
        ("TESSERA_KEY_ENCRYPTION_KEY", "ef".repeat(32)),
    ];
    if let Some(url) = redis {
        tessera.env.push(("TESSERA_REDIS_URL", url.to_string()));
        tessera.env.push((
            "TESSERA_REDIS_PREFIX",
            format!("tessera-bench-{}", std::process::id()),
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    Ok(tessera.start(dir.path())?.owning(dir))
}

async fn measure(plan: &Plan, db: &str, redis: Option<&str>) -> Result<ClusterReport, String> {
    let mut report = ClusterReport::default();
    plan.progress("tessera on PostgreSQL, 1 instance: validation, refresh");
    let first = start(plan, db, None)?;
    let (row, ceiling) = load_on(plan, &[first.addr], Some(db)).await?;
    report.rows.push(row);
    report.ceiling = ceiling;
    plan.progress("tessera on PostgreSQL, 3 instances: validation, refresh, revocation delay");
    let mut nodes = vec![first, start(plan, db, None)?, start(plan, db, None)?];
    let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
    report.rows.push(load_on(plan, &addrs, None).await?.0);
    report
        .propagation
        .push(propagation("LISTEN/NOTIFY", &addrs).await?);
    for n in nodes.drain(..) {
        n.stop();
    }
    if let Some(url) = redis {
        plan.progress("tessera on PostgreSQL and Redis, 3 instances: revocation delay");
        let nodes = [
            start(plan, db, Some(url))?,
            start(plan, db, Some(url))?,
            start(plan, db, Some(url))?,
        ];
        let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
        report
            .propagation
            .push(propagation("Redis pub/sub", &addrs).await?);
        for n in nodes {
            n.stop();
        }
    }
    Ok(report)
}

/// Validation and refresh spread over `addrs`. Given the database, each is followed by an
/// open-loop run, and the refresh run (before its open-loop run) by the raw rotation ceiling on
/// that database.
async fn load_on(
    plan: &Plan,
    addrs: &[SocketAddr],
    db: Option<&str>,
) -> Result<(ClusterRow, Option<Figures>), String> {
    let (access, _) = workloads::login(addrs[0]).await?;
    let validate = || workloads::validation(&access, plan.connections);
    let validation = match db {
        Some(_) => plan.closed_open_on(addrs, validate).await,
        None => plan.closed_on(addrs, validate()).await,
    };
    let (_, heads) = workloads::refresh_chains(addrs[0], plan.connections).await?;
    let mut refresh = plan.closed_on(addrs, workloads::chains(&heads)).await;
    let mut raw = None;
    if let Some(db) = db {
        plan.progress("raw rotation ceiling: the same store call on PostgreSQL in this process");
        raw = Some(ceiling::postgres(plan, db).await?);
        let chains = workloads::chains(&heads);
        refresh.open = plan.open_after(addrs, &refresh, chains).await;
    }
    let row = ClusterRow {
        instances: addrs.len(),
        validation,
        refresh,
    };
    Ok((row, raw))
}

/// Logs in on the first instance, checks the token on the others, logs out on the first, and
/// polls each other instance over a kept-alive connection until it refuses the token.
async fn propagation(feed: &'static str, addrs: &[SocketAddr]) -> Result<Propagation, String> {
    let (first, others) = addrs.split_first().ok_or("no instances")?;
    let mut out = Propagation {
        feed,
        samples: Vec::new(),
        missed: 0,
    };
    let mut pollers = Vec::new();
    for addr in others {
        pollers.push(load::connect(*addr).await?);
    }
    for _ in 0..LOGOUTS {
        let (access, _) = workloads::login(*first).await?;
        let validate = || post("/api/v1/auth/token/validation", Some(&access), &json!({}));
        for p in pollers.iter_mut() {
            let (status, _) = load::send(p, validate()).await?;
            if status != 200 {
                return Err(format!(
                    "a fresh login was refused by another instance ({status})"
                ));
            }
        }
        let (status, _) = load::request_once(
            *first,
            post("/api/v1/auth/logout", Some(&access), &json!({})),
        )
        .await?;
        if status != 200 {
            return Err(format!("logout failed with {status}"));
        }
        let answered = Instant::now();
        for p in pollers.iter_mut() {
            loop {
                let (status, _) = load::send(p, validate()).await?;
                if status == 401 {
                    out.samples.push(answered.elapsed().as_secs_f64() * 1e3);
                    break;
                }
                if answered.elapsed() > PATIENCE {
                    out.missed += 1;
                    break;
                }
            }
        }
    }
    out.samples.sort_by(f64::total_cmp);
    Ok(out)
}
