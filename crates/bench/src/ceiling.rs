//! The raw rotation ceiling of a store: the very store call tessera's refresh makes
//! (`SessionStore::rotate_refresh`: look the presented token up by its hash, mark it used, insert
//! its successor, in one transaction; on SQLite through the same single writer and its group
//! commit, `synchronous=FULL`, WAL) in a minimal loop in this process, with no HTTP, no
//! signature and no profile lookup: `chains` tasks at once, each following its own chain of
//! refresh tokens, as the refresh workload's connections do. tessera's refresh rate over this
//! is what HTTP, the signature and the rest of a refresh cost.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tessera_core::audit::{AuditEvent, AuditKind};
use tessera_core::secret::{new_secret, REFRESH_PREFIX};
use tessera_core::settings::AuthSettings;
use tessera_core::store::{NextRefresh, Rotation, SessionClient, SessionStore};
use tessera_core::{Clock, SystemClock, Username};
use tessera_store::{PostgresStore, SqliteStore};

use crate::cpu;
use crate::figures::{Figures, Stats};
use crate::load::{self, Shape};
use crate::scale::{self, Bulk};
use crate::suite::Plan;

/// Seeds one session per chain (of `users`, which must exist) and rotates them all for
/// `shape`'s window: the rotations that completed in it, their latency, and the CPU this
/// process took meanwhile (its CPU time per answer is the store's cost of one rotation, with
/// the database's own CPU counted under others on PostgreSQL).
pub async fn run<S>(
    store: Arc<S>,
    users: &[Username],
    chains: usize,
    shape: Shape,
) -> Result<Figures, String>
where
    S: SessionStore + Bulk + 'static,
{
    let sessions = scale::new_sessions(users, chains, SystemClock.now());
    scale::add(store.as_ref(), &sessions).await?;
    let started = Instant::now();
    let window = (
        started + shape.warmup,
        started + shape.warmup + shape.duration,
    );
    let sampler = load::cpu_in(window);
    let tasks: Vec<_> = sessions
        .into_iter()
        .map(|s| tokio::spawn(chain(store.clone(), s.refresh_hash, window)))
        .collect();
    Ok(load::gather(tasks, shape.duration, sampler).await)
}

/// Rotates one chain until the end of the window, as tessera's refresh asks the store to (its
/// settings' lifetimes, reuse revoking the session with an audit event, the client's address).
async fn chain<S: SessionStore>(
    store: Arc<S>,
    mut head: Vec<u8>,
    (from, until): (Instant, Instant),
) -> Stats {
    let settings = AuthSettings::default();
    let client = SessionClient {
        ip: Some("127.0.0.1".into()),
        user_agent: None,
    };
    let mut stats = Stats::default();
    while Instant::now() < until {
        let begun = Instant::now();
        let now = SystemClock.now();
        let successor = new_secret(REFRESH_PREFIX);
        let next = NextRefresh {
            hash: successor.hash,
            expires_at: now + settings.refresh_ttl,
            session_ttl: settings.session_ttl,
            reuse_grace: settings.refresh_reuse_grace,
            on_reuse: Some(AuditEvent::new(AuditKind::RefreshReuseDetected, now).failed()),
            client: client.clone(),
        };
        let outcome = store.rotate_refresh(&head, &next, now).await;
        let done = Instant::now();
        let rotated = matches!(outcome, Ok(Rotation::Rotated { .. }));
        if done >= from && done <= until {
            stats.record(begun, rotated);
        }
        match outcome {
            Ok(Rotation::Rotated { .. }) => head = next.hash,
            // A store too busy: the same token again.
            Err(_) => {}
            // The chain is broken; nothing more to rotate on it.
            Ok(_) => break,
        }
    }
    stats
}

/// The ceiling on a new SQLite store in a temporary directory, opened as tessera opens its
/// store, with one user owning every chain (as the refresh workload's chains are all the
/// admin's).
pub async fn sqlite(plan: &Plan) -> Result<Figures, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = SqliteStore::open(&dir.path().join("tessera.db"))
        .await
        .map_err(|e| format!("cannot open a SQLite store: {e}"))?;
    let users = scale::add_users(&store, "chain", 1).await?;
    cpu::settle(Duration::from_secs(30)).await;
    run(Arc::new(store), &users, plan.connections, plan.shape).await
}

/// The ceiling on PostgreSQL at `url` (the database tessera runs on, with its `admin`), through
/// a pool opened as tessera opens its own.
pub async fn postgres(plan: &Plan, url: &str) -> Result<Figures, String> {
    let store = PostgresStore::open(url)
        .await
        .map_err(|e| format!("cannot open the PostgreSQL store: {e}"))?;
    let admin = [Username::parse("admin").map_err(|e| e.to_string())?];
    cpu::settle(Duration::from_secs(30)).await;
    run(Arc::new(store), &admin, plan.connections, plan.shape).await
}
