//! The run: which server is started when, and in what order the phases go. One server is under
//! load at a time; every process is stopped before the next phase (or when the run is dropped).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tessera_core::password::HashParams;

use crate::figures::{Figures, Open};
use crate::load::{self, Shape};
use crate::phases;
use crate::plantdb::PlantDb;
use crate::process::Process;
use crate::report::Report;
use crate::tessera::Tessera;
use crate::workloads::{self, Boxed};
use crate::{algorithms, bare, cluster, cpu, distinct, hashrate, oauth, oidc};
use tessera_core::signing::KeyAlg;

pub struct Plan {
    pub started: Instant,
    pub tessera: PathBuf,
    /// The peer scripts; `None` = leave PlantDB out.
    pub plantdb: Option<PathBuf>,
    pub setup_timeout: Duration,
    pub connections: usize,
    /// Closed-loop runs.
    pub shape: Shape,
    /// The open-loop run after a closed-loop one: its warm-up and window, and the share of the
    /// closed loop's rate it offers.
    pub open: Shape,
    pub open_share: f64,
    /// Live sessions in the large store.
    pub sessions: usize,
    pub hash_time: Duration,
    /// Validation requests per second offered during the login flood, over `flood_validators`.
    pub flood_rate: f64,
    pub flood_validators: usize,
    /// The oidc-provider peer scripts; `None` = leave it out.
    pub oidc: Option<PathBuf>,
    /// Distinct live access tokens (one session each) of `distinct_users` users.
    pub distinct_tokens: usize,
    pub distinct_users: usize,
    /// How long each raw sign or verify rate is measured.
    pub raw_time: Duration,
    /// PostgreSQL (and Redis) for the multi-instance figures; `None` = left out.
    pub postgres: Option<String>,
    pub redis: Option<String>,
}

/// A server under test: where it listens and how much memory it holds.
pub trait Server {
    fn addr(&self) -> SocketAddr;
    fn rss_kib(&self) -> Option<u64>;
    /// What its resident memory is held to, KiB; `None` = nothing.
    fn rss_bound_kib(&self) -> Option<u64> {
        None
    }
}

impl Server for Process {
    fn addr(&self) -> SocketAddr {
        self.addr
    }
    fn rss_kib(&self) -> Option<u64> {
        Process::rss_kib(self)
    }
    fn rss_bound_kib(&self) -> Option<u64> {
        self.rss_bound_kib
    }
}

impl Server for PlantDb {
    fn addr(&self) -> SocketAddr {
        self.addr
    }
    fn rss_kib(&self) -> Option<u64> {
        PlantDb::rss_kib(self)
    }
}

impl Plan {
    pub fn progress(&self, msg: &str) {
        eprintln!("[{:>5.1} s] {msg}", self.started.elapsed().as_secs_f64());
    }

    pub fn tessera(&self, params: HashParams) -> Tessera {
        Tessera {
            binary: self.tessera.clone(),
            params,
            hash_workers: cpus(),
            env: Vec::new(),
        }
    }

    /// A closed-loop run, with the server's memory after it.
    pub async fn closed(&self, server: &impl Server, work: Boxed) -> Figures {
        let mut f = self.closed_on(&[server.addr()], work).await;
        f.rss_kib = server.rss_kib();
        f.rss_bound_kib = server.rss_bound_kib();
        f
    }

    /// A closed-loop run, then an open-loop one offered at `open_share` of the rate it
    /// reached (`work` makes the connections' workloads for each).
    pub async fn closed_open(&self, server: &impl Server, work: impl Fn() -> Boxed) -> Figures {
        let mut f = self.closed(server, work()).await;
        f.open = self.open_after(&[server.addr()], &f, work()).await;
        f
    }

    /// `closed_open` with the connections spread over several servers.
    pub async fn closed_open_on(&self, addrs: &[SocketAddr], work: impl Fn() -> Boxed) -> Figures {
        let mut f = self.closed_on(addrs, work()).await;
        f.open = self.open_after(addrs, &f, work()).await;
        f
    }

    /// Requests offered at `open_share` of the closed loop's rate, spread evenly over the
    /// connections; latency from each request's scheduled send time.
    pub async fn open_after(
        &self,
        addrs: &[SocketAddr],
        closed: &Figures,
        work: Boxed,
    ) -> Option<Open> {
        if closed.rps <= 0.0 || work.is_empty() {
            return None;
        }
        let offered = closed.rps * self.open_share;
        let shape = Shape {
            pace: Some(offered / work.len() as f64),
            ..self.open
        };
        cpu::settle(Duration::from_secs(30)).await;
        Some(load::run(addrs, work, shape).await.as_open(offered))
    }

    /// A closed-loop run with the connections spread over several servers.
    pub async fn closed_on(&self, addrs: &[SocketAddr], work: Boxed) -> Figures {
        cpu::settle(Duration::from_secs(30)).await;
        load::run(addrs, work, self.shape).await
    }

    /// Paced validation while `connections` clients log in as fast as they can:
    /// (validation, logins).
    pub async fn flood(&self, server: &impl Server, access: &str) -> (Figures, Figures) {
        let paced = Shape {
            pace: Some(self.flood_rate / self.flood_validators as f64),
            ..self.shape
        };
        let validators = workloads::validation(access, self.flood_validators);
        let logins = workloads::login_flood(self.connections);
        cpu::settle(Duration::from_secs(30)).await;
        let addr = [server.addr()];
        let (mut v, mut l) = tokio::join!(
            load::run(&addr, validators, paced),
            load::run(&addr, logins, self.shape),
        );
        l.rss_kib = server.rss_kib();
        l.rss_bound_kib = server.rss_bound_kib();
        (v.rss_kib, v.rss_bound_kib) = (l.rss_kib, l.rss_bound_kib);
        (v, l)
    }

    /// The raw hash rate, measured just before the login it is compared with.
    async fn hash_rate(&self, params: HashParams) -> Result<hashrate::HashRate, String> {
        let threads = cpus();
        self.progress(&format!("raw Argon2id rate on {threads} threads"));
        cpu::settle(Duration::from_secs(30)).await;
        hashrate::rate(params, threads, self.hash_time).await
    }
}

/// The CPUs this machine offers (tessera's default number of hashing threads).
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// oidc-provider, set up and started at the beginning (as PlantDB is), idle until its turn.
async fn start_oidc(plan: &Plan, r: &mut Report) -> Option<Process> {
    let Some(scripts) = &plan.oidc else {
        r.oauth.missing = Some("left out (--no-oidc)".into());
        return None;
    };
    plan.progress("setting up and starting oidc-provider");
    match oidc::start(scripts, plan.setup_timeout).await {
        Ok(peer) => {
            r.oauth.startup = Some(peer.startup);
            Some(peer)
        }
        Err(e) => {
            r.oauth.missing = Some(e);
            None
        }
    }
}

pub async fn run(plan: &Plan) -> Result<Report, String> {
    let mut r = Report::default();
    let peer = match &plan.plantdb {
        None => {
            r.plantdb_missing = Some("left out (--no-plantdb)".into());
            None
        }
        Some(scripts) => {
            plan.progress("setting up and starting PlantDB");
            match PlantDb::start(scripts, plan.setup_timeout).await {
                Ok(peer) => {
                    r.plantdb_startup = Some(peer.startup);
                    Some(peer)
                }
                Err(e) => {
                    r.plantdb_missing = Some(e);
                    None
                }
            }
        }
    };
    let oidc = start_oidc(plan, &mut r).await;
    let (small, access) = phases::tessera_store(plan, 1, &mut r).await?;
    r.hash_default = Some(plan.hash_rate(HashParams::OWASP).await?);
    plan.progress("tessera: login at its default parameters");
    let login = || workloads::login_flood(plan.connections);
    r.login_default.tessera = Some(plan.closed_open(&small, login).await);
    small.stop();
    plan.progress("bare endpoint");
    let ceiling = bare::start()?;
    let same_request = workloads::validation(&access, plan.connections);
    r.bare = Some(plan.closed(&ceiling, same_request).await);
    ceiling.stop();
    let (large, _) = phases::tessera_store(plan, plan.sessions, &mut r).await?;
    large.stop();
    r.hash_plantdb = Some(plan.hash_rate(HashParams::PLANTDB).await?);
    phases::tessera_plantdb_params(plan, &mut r).await?;
    for alg in [KeyAlg::Hs512, KeyAlg::EdDsa] {
        plan.progress(&format!("raw {alg} sign and verify rates"));
        cpu::settle(Duration::from_secs(30)).await;
        r.raw
            .push(algorithms::rates(alg, cpus(), plan.raw_time).await?);
        r.algs.push(distinct::run(plan, alg).await?);
    }
    oauth::tessera(plan, &mut r.oauth).await?;
    if let Some(peer) = oidc {
        if let Err(e) = oauth::peer(plan, &peer, &mut r.oauth).await {
            r.oauth.missing = Some(format!("failed during the run: {e}"));
        }
        peer.stop();
    }
    match &plan.postgres {
        Some(url) => {
            r.cluster = cluster::run(plan, url, plan.redis.as_deref())
                .await
                .unwrap_or_else(|e| cluster::ClusterReport {
                    missing: Some(e),
                    ..Default::default()
                });
        }
        None => r.cluster.missing = Some("no PostgreSQL given (--postgres URL)".into()),
    }
    if let Some(peer) = peer {
        if let Err(e) = phases::plantdb(plan, &peer, &mut r).await {
            let log = peer.last_errors();
            r.plantdb_missing = Some(format!("failed during the run: {e}; its log: {log}"));
        }
    }
    Ok(r)
}
