//! Where the CPU went during a measured window (Linux `/proc`): the servers this benchmark
//! started (every descendant process), the benchmark itself (the load generator), and everything
//! else on the machine. On a shared machine the last one says how far to trust a figure.

use std::collections::HashMap;
use std::time::Instant;

/// Cumulative CPU times, in clock ticks.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    at: Instant,
    busy: u64,
    own: u64,
    servers: u64,
}

/// Shares of the whole machine (1.0 = every CPU busy for the whole window), and CPU times in
/// seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub servers: f64,
    pub generator: f64,
    pub others: f64,
    pub server_secs: f64,
    pub generator_secs: f64,
}

/// Non-idle ticks of all CPUs together.
fn busy_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| fields.get(i))
        .sum()
}

/// (parent pid, user + system ticks) of a process.
fn process(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields after it start behind the last ')'.
    let rest: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ppid = rest.get(1)?.parse().ok()?;
    let utime: u64 = rest.get(11)?.parse().ok()?;
    let stime: u64 = rest.get(12)?.parse().ok()?;
    Some((ppid, utime + stime))
}

pub fn sample() -> Sample {
    let at = Instant::now();
    let busy = busy_ticks();
    let me = std::process::id();
    let mut procs = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) {
            if let Some(p) = process(pid) {
                procs.insert(pid, p);
            }
        }
    }
    let descends_from_me = |mut pid: u32| {
        for _ in 0..32 {
            match procs.get(&pid) {
                Some(&(ppid, _)) if ppid == me => return true,
                Some(&(ppid, _)) if ppid > 1 => pid = ppid,
                _ => return false,
            }
        }
        false
    };
    let servers = procs
        .iter()
        .filter(|(&pid, _)| pid != me && descends_from_me(pid))
        .map(|(_, &(_, ticks))| ticks)
        .sum();
    let own = procs.get(&me).map_or(0, |&(_, t)| t);
    Sample {
        at,
        busy,
        own,
        servers,
    }
}

/// Samples without blocking the runtime's workers.
pub async fn sample_async() -> Sample {
    tokio::task::spawn_blocking(sample)
        .await
        .unwrap_or_else(|_| sample())
}

impl Usage {
    pub fn between(a: &Sample, b: &Sample) -> Self {
        // SAFETY: sysconf has no memory-safety preconditions.
        #[allow(unsafe_code)]
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let capacity = (b.at - a.at).as_secs_f64() * hz * cpus;
        if capacity <= 0.0 {
            return Self::default();
        }
        let servers = b.servers.saturating_sub(a.servers) as f64;
        let own = b.own.saturating_sub(a.own) as f64;
        let busy = b.busy.saturating_sub(a.busy) as f64;
        Self {
            servers: servers / capacity,
            generator: own / capacity,
            others: ((busy - servers - own) / capacity).max(0.0),
            server_secs: servers / hz,
            generator_secs: own / hz,
        }
    }
}

/// Resident memory of every process in a process group, KiB.
pub fn group_rss_kib(pgid: u32) -> Option<u64> {
    let mut total = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let rest: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(vec![], |(_, r)| r.split_whitespace().collect());
        if rest.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(pgid) {
            *total.get_or_insert(0) += rss_kib(pid).unwrap_or(0);
        }
    }
    total
}

/// Resident memory of a process, KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Waits (at most `max`) until the processes this benchmark started are nearly idle: a server
/// may still be working through requests a previous run abandoned (PlantDB finishes every
/// queued login), and that work must not land in the next run's window.
pub async fn settle(max: std::time::Duration) {
    let deadline = Instant::now() + max;
    let mut before = sample_async().await;
    while Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let now = sample_async().await;
        if Usage::between(&before, &now).servers < 0.05 {
            return;
        }
        before = now;
    }
}
