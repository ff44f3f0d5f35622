//! The writer under injected faults: a write that panics, a queue that is full.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::mpsc as std_mpsc;
use std::task::{Context, Poll, Waker};

use rusqlite::Connection;
use tessera_core::{Error, Result};

use super::Writer;

fn writer(queue: usize) -> Writer {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (n INTEGER NOT NULL)")
        .unwrap();
    Writer::start(conn, queue)
}

fn insert(c: &Connection, n: i64) -> Result<()> {
    c.execute("INSERT INTO t VALUES (?1)", [n])
        .map(drop)
        .map_err(super::sql_error)
}

async fn rows(w: &Writer) -> Vec<i64> {
    w.write(|c| {
        let mut s = c.prepare("SELECT n FROM t ORDER BY n").unwrap();
        let rows = s.query_map([], |r| r.get(0)).unwrap();
        Ok(rows.map(Result::unwrap).collect())
    })
    .await
    .unwrap()
}

/// Polls a future once: a write is queued (or refused) by its first poll.
fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

/// Holds the writer thread inside a write until the returned sender is dropped.
async fn hold(w: &Writer) -> std_mpsc::Sender<()> {
    let (started, running) = tokio::sync::oneshot::channel();
    let (release, held) = std_mpsc::channel::<()>();
    let w = w.clone();
    tokio::spawn(async move {
        w.write(move |_| {
            let _ = started.send(());
            let _ = held.recv();
            Ok(())
        })
        .await
    });
    running.await.unwrap();
    release
}

#[tokio::test]
async fn a_write_that_panics_fails_alone_and_the_writer_goes_on() {
    let w = writer(16);
    let gate = hold(&w).await;
    // All three wait behind the held write, so they run in one group.
    let mut before = pin!(w.write(|c| insert(c, 1)));
    let mut panicking = pin!(w.write(|c| -> Result<()> {
        insert(c, 2)?;
        panic!("injected fault");
    }));
    let mut after = pin!(w.write(|c| insert(c, 3)));
    assert!(poll_once(before.as_mut()).is_pending());
    assert!(poll_once(panicking.as_mut()).is_pending());
    assert!(poll_once(after.as_mut()).is_pending());
    drop(gate);
    assert!(matches!(panicking.await, Err(Error::Internal(_))));
    before.await.unwrap();
    after.await.unwrap();
    w.write(|c| insert(c, 4)).await.unwrap();
    assert_eq!(rows(&w).await, [1, 3, 4]);
}

#[tokio::test]
async fn a_full_queue_refuses_a_write_at_once() {
    let w = writer(2);
    let gate = hold(&w).await;
    let mut first = pin!(w.write(|c| insert(c, 1)));
    let mut second = pin!(w.write(|c| insert(c, 2)));
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    let refused = poll_once(pin!(w.write(|c| insert(c, 3))));
    assert!(
        matches!(refused, Poll::Ready(Err(Error::Unavailable(_)))),
        "{refused:?}"
    );
    assert_eq!(w.accepted(), 3);
    drop(gate);
    first.await.unwrap();
    second.await.unwrap();
    w.write(|c| insert(c, 4)).await.unwrap();
    assert_eq!(rows(&w).await, [1, 2, 4]);
}
