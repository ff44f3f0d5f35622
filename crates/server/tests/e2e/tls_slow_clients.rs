//! Slow clients over TLS, for a header timeout of 1 s (the wall clock, as in `slow_clients`):
//! a handshake never finished, an HTTP/2 connection that never completes a request, and
//! partial HTTP/1.1 headers are all cut off, while others are served.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::common::TestServer;
use crate::tls_support::{write, TestCa, H2};

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Room for a loaded machine: an idle HTTP/2 connection is asked to close after one header
/// timeout, and dropped after a second one.
const MARGIN: Duration = Duration::from_secs(4);

/// Whether the server closes `c` within `within` (end of stream or an error).
async fn closed_within(mut c: impl AsyncRead + Unpin, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match timeout(within, c.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {} // the server's settings, or a GOAWAY: read on
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_handshakes_and_requests_over_tls_are_cut_off() {
    let ca = TestCa::new();
    let files = tempfile::tempdir().unwrap();
    let (cert, key) = write(&files, &ca.leaf(1, &["localhost"]));
    let s = TestServer::start_with(|c| {
        c.header_timeout_seconds = 1;
        c.max_connections = 8;
        c.tls_cert = Some(cert);
        c.tls_key = Some(key);
    })
    .await;
    let addr = s.running.as_ref().unwrap().addr;
    // No handshake at all.
    let silent = TcpStream::connect(addr).await.unwrap();
    // HTTP/2: the preface and half a HEADERS frame, then nothing.
    let (mut h2_partial, _) = ca.connect(addr, b"h2").await;
    h2_partial
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    h2_partial
        .write_all(b"\x00\x00\x40\x01\x04\x00\x00\x00\x01\x82")
        .await
        .unwrap();
    // HTTP/2 with nothing sent after the handshake.
    let (h2_silent, _) = ca.connect(addr, b"h2").await;
    // HTTP/1.1: part of the headers.
    let (mut h1_partial, _) = ca.connect(addr, b"http/1.1").await;
    h1_partial
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: tessera\r\nX-Slow: ")
        .await
        .unwrap();
    // Meanwhile another client is served.
    let (stream, _) = ca.connect(addr, b"h2").await;
    let mut served = H2::open(stream).await;
    assert_eq!(served.health().await, 200);

    let within = HEADER_TIMEOUT * 2 + MARGIN;
    // A well-behaved HTTP/2 client (it answers pings) that asks nothing more is closed too.
    let idle = timeout(within, served.ended).await;
    assert!(idle.is_ok(), "an idle HTTP/2 connection stayed open");
    let (a, b, c, d) = tokio::join!(
        closed_within(silent, within),
        closed_within(h2_partial, within),
        closed_within(h2_silent, within),
        closed_within(h1_partial, within),
    );
    assert_eq!(
        (a, b, c, d),
        (true, true, true, true),
        "(no handshake, partial h2, silent h2, partial h1) closed"
    );
    s.stop().await;
}
