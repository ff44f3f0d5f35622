//! Slow clients cannot hold connections: the one test that waits on the wall clock, for a
//! header timeout of 1 s.

use std::time::Duration;

use futures_util::future::join_all;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::common::TestServer;

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Room for a loaded machine, on top of the timeout.
const MARGIN: Duration = Duration::from_secs(3);

/// A connection that has sent part of a request's headers.
async fn partial(addr: std::net::SocketAddr) -> TcpStream {
    let mut c = TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: tessera\r\nX-Slow: ")
        .await
        .unwrap();
    c
}

/// Whether the server closes `c` within `within` (end of stream or a reset).
async fn closed_within(mut c: TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match timeout(within, c.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {} // an answer (a kept-alive connection's): read on
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_headers_are_cut_off_while_other_clients_are_served() {
    let s = TestServer::start_with(|c| c.header_timeout_seconds = 1).await;
    let addr = s.running.as_ref().unwrap().addr;
    let mut held = Vec::new();
    for _ in 0..1000 {
        held.push(partial(addr).await);
    }
    // The wall clock, on purpose: "at once" and "within the timeout" are about real time.
    #[allow(clippy::disallowed_methods)]
    let asked = std::time::Instant::now();
    let health = reqwest::Client::new().get(s.api("/health")).send().await;
    assert_eq!(health.unwrap().status(), 200);
    assert!(asked.elapsed() < HEADER_TIMEOUT, "{:?}", asked.elapsed());
    let closed = join_all(
        held.into_iter()
            .map(|c| closed_within(c, HEADER_TIMEOUT + MARGIN)),
    )
    .await;
    let open = closed.iter().filter(|c| !**c).count();
    assert_eq!(open, 0, "{open} of 1000 connections still open");

    // A kept-alive connection that asks nothing more is closed too.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: tessera\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_within(idle, HEADER_TIMEOUT + MARGIN).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_new_clients_wait_for_a_free_slot() {
    let s = TestServer::start_with(|c| {
        c.header_timeout_seconds = 1;
        c.max_connections = 2;
    })
    .await;
    let addr = s.running.as_ref().unwrap().addr;
    let (first, second) = (partial(addr).await, partial(addr).await);
    let url = s.api("/health");
    let third = tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status()) });
    let answered = timeout(HEADER_TIMEOUT + MARGIN, third).await;
    assert_eq!(answered.unwrap().unwrap().unwrap(), 200);
    // It was let in only once a slot was free: by the time it was answered, the header timeout
    // had closed one of the two held connections (without the cap it is answered at once,
    // while both stay open for the timeout's full second).
    let (a, b) = tokio::join!(
        closed_within(first, HEADER_TIMEOUT / 4),
        closed_within(second, HEADER_TIMEOUT / 4)
    );
    assert!(a || b, "answered while both held connections were open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_closes_idle_kept_alive_connections_at_once() {
    let s = TestServer::start().await;
    let addr = s.running.as_ref().unwrap().addr;
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: tessera\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 12];
    idle.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    // The default header timeout is 10 s; stopping does not wait for it.
    timeout(Duration::from_secs(5), s.stop())
        .await
        .expect("stop waited for an idle connection");
    assert!(closed_within(idle, Duration::from_secs(1)).await);
}
