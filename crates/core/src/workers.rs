//! A fixed set of named threads for CPU-heavy work (Argon2), so that the same few threads, and
//! their allocator arenas, serve every hash: memory stays near `threads × cost` instead of
//! growing with every blocking thread the runtime happens to pick. The threads may run at a
//! lower scheduling priority, so that a flood of logins takes only the CPU that token
//! validation and the rest of the server leave over.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::error::{Error, Result};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Threads fed from one queue; they stop when the last handle is dropped.
#[derive(Clone)]
pub struct Workers {
    jobs: mpsc::Sender<Job>,
}

impl Workers {
    /// `nice` is added to the threads' scheduling niceness (Linux; ignored elsewhere).
    pub fn new(name: &str, threads: usize, nice: i32) -> Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || {
                    lower_priority(nice);
                    serve(&queue);
                })
                .map_err(|e| Error::Internal(format!("cannot start {name} threads: {e}")))?;
        }
        Ok(Self { jobs })
    }

    /// Runs `work` on one of the threads and waits for its result without blocking the caller's
    /// async thread.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(work());
        });
        self.jobs
            .send(job)
            .map_err(|_| Error::Internal("worker threads stopped".into()))?;
        rx.await
            .map_err(|_| Error::Internal("a worker thread failed".into()))
    }
}

fn serve(queue: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        match job {
            // A panicking job fails its own caller only; the thread goes on.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

#[cfg(target_os = "linux")]
fn lower_priority(nice: i32) {
    if nice == 0 {
        return;
    }
    // SAFETY: gettid, getpriority and setpriority have no memory-safety preconditions; on Linux
    // PRIO_PROCESS with a thread id names just that thread.
    #[allow(unsafe_code)]
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        let current = libc::getpriority(libc::PRIO_PROCESS, tid);
        libc::setpriority(libc::PRIO_PROCESS, tid, current + nice);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority(_nice: i32) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_named_threads() {
        let workers = Workers::new("test-pool", 2, 0).unwrap();
        let name = workers
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .unwrap();
        assert!(name.is_some_and(|n| n.starts_with("test-pool-")));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    #[allow(unsafe_code)] // getpriority has no memory-safety preconditions
    async fn the_threads_run_at_the_lower_priority() {
        let here = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let workers = Workers::new("test-nice", 1, 5).unwrap();
        let there = workers
            .run(|| unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) })
            .await
            .unwrap();
        assert_eq!(there, (here + 5).min(19));
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_not_a_hang() {
        let workers = Workers::new("test-panic", 1, 0).unwrap();
        let failed = workers.run(|| -> u32 { panic!("boom") }).await;
        assert!(failed.is_err());
        assert_eq!(workers.run(|| 7).await.unwrap(), 7, "the thread survives");
    }
}
