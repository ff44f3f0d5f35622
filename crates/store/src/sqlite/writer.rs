//! The single writer: one thread owns the write connection and commits queued writes in groups.
//!
//! Every write runs inside a savepoint of a shared transaction; the transaction commits once for
//! the whole group, and only then are the callers answered. Concurrent writers therefore share
//! one commit (and one fsync) instead of queueing for one each.
//!
//! The queue is bounded: a write that finds it full is refused at once (`Unavailable`, 503)
//! rather than waiting without limit. A write that panics is answered with an error and its
//! changes are rolled back; the thread carries on with the others.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

use rusqlite::Connection;
use tessera_core::{Error, Result};
use tokio::sync::oneshot;
use tracing::error;

use super::sql_error;

/// Largest group of writes committed together.
const MAX_GROUP: usize = 512;

type Finish = Box<dyn FnOnce(bool) + Send>;
/// A write: given the connection (or `None` when no transaction could be begun), runs and
/// returns whether it succeeded and how to answer its caller once the group's fate is known.
type Job = Box<dyn FnOnce(Option<&Connection>) -> (bool, Finish) + Send>;

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::SyncSender<Job>,
    /// Writes accepted into the queue since the start.
    accepted: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer thread; at most `queue` writes wait for it (at least one).
    pub fn start(conn: Connection, queue: usize) -> Self {
        let (jobs, waiting) = mpsc::sync_channel::<Job>(queue.max(1));
        std::thread::Builder::new()
            .name("tessera-sqlite-writer".into())
            .spawn(move || run(conn, waiting))
            .expect("spawn the SQLite writer thread");
        Self {
            jobs,
            accepted: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How many writes were accepted since the start.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    /// Runs `work` in the writer's transaction and answers once it is committed. An `Err` from
    /// `work` rolls back only its own changes.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = match conn {
                Some(conn) => catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(|_| {
                    error!("a write panicked; its changes are rolled back");
                    Err(Error::Internal("a write failed".into()))
                }),
                None => Err(Error::storage("cannot begin a write")),
            };
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |committed| {
                let answer = match result {
                    Ok(_) if !committed => Err(Error::storage("the transaction did not commit")),
                    other => other,
                };
                let _ = tx.send(answer);
            });
            (ok, finish)
        });
        self.jobs.try_send(job).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => {
                Error::Unavailable("too many writes are waiting; retry later".into())
            }
            mpsc::TrySendError::Disconnected(_) => Error::storage("the SQLite writer has stopped"),
        })?;
        self.accepted.fetch_add(1, Ordering::Relaxed);
        rx.await
            .map_err(|_| Error::storage("the SQLite writer dropped a write"))?
    }
}

fn run(conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        // Jobs catch their own panics; should the bookkeeping around them panic, the group's
        // callers get an error (their answers are dropped) and the writer goes on.
        if catch_unwind(AssertUnwindSafe(|| commit_group(&conn, group))).is_err() {
            error!("a write group failed; it is rolled back");
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

fn commit_group(conn: &Connection, group: Vec<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        error!(error = %e, "cannot begin a write transaction");
        for job in group {
            job(None).1(false);
        }
        return;
    }
    let mut finishes = Vec::with_capacity(group.len());
    for job in group {
        // A job whose savepoint cannot be taken does not run: its partial writes could not be
        // undone without undoing the whole group.
        let savepoint = run_cached(conn, "SAVEPOINT job");
        let (ok, finish) = job(savepoint.is_ok().then_some(conn));
        if savepoint.is_ok() {
            let end = if ok {
                run_cached(conn, "RELEASE job")
            } else {
                run_cached(conn, "ROLLBACK TO job").and_then(|()| run_cached(conn, "RELEASE job"))
            };
            if let Err(e) = end {
                error!(error = %e, "savepoint failed");
            }
        }
        finishes.push(finish);
    }
    let committed = match conn.execute_batch("COMMIT") {
        Ok(()) => true,
        Err(e) => {
            error!(error = %sql_error(e), "commit failed");
            let _ = conn.execute_batch("ROLLBACK");
            false
        }
    };
    finishes.into_iter().for_each(|f| f(committed));
}

/// Runs one statement kept prepared on the connection (every write takes and releases a
/// savepoint: parsing them again each time would cost more than running them).
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
