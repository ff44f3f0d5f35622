//! HTTPS of its own: a client trusting a CA made here sees the certificate tessera serves; a
//! renewed certificate reaches new connections while open ones keep working; a bad pair stops
//! the start, and a bad renewal keeps the current certificate.

use std::sync::Arc;

use tessera_core::ManualClock;
use tessera_server::tls::{Certificate, TlsFiles};
use tessera_server::Server;
use tokio::net::TcpListener;

use crate::common::{test_config, TestServer, START};
use crate::tls_support::{write, TestCa, H1, H2};

#[tokio::test]
async fn a_renewed_certificate_reaches_new_connections_and_open_ones_keep_working() {
    let ca = TestCa::new();
    let first = ca.leaf(1, &["localhost"]);
    let files = tempfile::tempdir().unwrap();
    let (cert, key) = write(&files, &first);
    let s = TestServer::start_with(|c| {
        c.tls_cert = Some(cert.clone());
        c.tls_key = Some(key.clone());
    })
    .await;
    let running = s.running.as_ref().unwrap();
    assert!(s.url.starts_with("https://"), "{}", s.url);
    let addr = running.addr;

    // A client of its own (reqwest, HTTP/1.1) that trusts only the test CA.
    let ca_cert = reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap();
    let https = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca_cert)
        .build()
        .unwrap();
    let answer = https.get(s.api("/health")).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    // Plain HTTP on the HTTPS port gets nowhere.
    let plain = reqwest::get(format!("http://{addr}/api/v1/health")).await;
    assert!(plain.map_or(true, |a| !a.status().is_success()));

    // Two connections held open: HTTP/2 and HTTP/1.1, both shown the first certificate.
    let (stream, presented) = ca.connect(addr, b"h2").await;
    assert_eq!(presented, first.der);
    let mut old_h2 = H2::open(stream).await;
    assert_eq!(old_h2.health().await, 200);
    let (stream, presented) = ca.connect(addr, b"http/1.1").await;
    assert_eq!(presented, first.der);
    let mut old_h1 = H1::open(stream).await;
    assert_eq!(old_h1.health().await, 200);

    // Renewed: a new leaf (other serial, other names) from the same CA.
    let second = ca.leaf(2, &["tessera.test"]);
    write(&files, &second);
    assert!(running.reload_tls().unwrap());
    assert_eq!(running.tls_certificate().unwrap(), second.der.to_vec());
    let (stream, presented) = ca.connect(addr, b"h2").await;
    assert_eq!(presented, second.der);
    assert_eq!(H2::open(stream).await.health().await, 200);
    let (_, presented) = ca.connect(addr, b"http/1.1").await;
    assert_eq!(presented, second.der);
    assert_eq!(old_h2.health().await, 200);
    assert_eq!(old_h1.health().await, 200);

    // A renewal whose key is not the certificate's is refused; the second one stays.
    let third = ca.leaf(3, &["localhost"]);
    std::fs::write(&cert, &third.cert_pem).unwrap();
    let err = running.reload_tls().unwrap_err().to_string();
    assert!(err.contains("does not match"), "{err}");
    let (_, presented) = ca.connect(addr, b"h2").await;
    assert_eq!(presented, second.der);
    assert_eq!(old_h2.health().await, 200);
    s.stop().await;
}

#[tokio::test]
async fn the_files_are_read_again_only_when_they_change_and_a_bad_pair_is_reported_once() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let first = ca.leaf(1, &["localhost"]);
    let (cert, key) = write(&dir, &first);
    let served = Certificate::load(TlsFiles {
        cert: cert.clone(),
        key,
    })
    .unwrap();
    assert_eq!(served.reload(false), Ok(false));
    // The certificate written before its key: refused once, then the pair is served.
    let second = ca.leaf(2, &["localhost"]);
    std::fs::write(&cert, &second.cert_pem).unwrap();
    let err = served.reload(false).unwrap_err();
    assert!(err.contains("does not match"), "{err}");
    assert_eq!(served.reload(false), Ok(false));
    assert_eq!(served.current(), first.der);
    write(&dir, &second);
    assert_eq!(served.reload(false), Ok(true));
    assert_eq!(served.current(), second.der);
    assert_eq!(served.reload(false), Ok(false));
}

/// Starts with the given certificate files: the start's error.
async fn start_error(cert: std::path::PathBuf, key: std::path::PathBuf) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    config.tls_cert = Some(cert);
    config.tls_key = Some(key);
    let server = Server {
        config,
        clock: Arc::new(ManualClock::new(START)),
        demo: true,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    match server.start_on(listener).await {
        Ok(running) => {
            running.stop().await;
            panic!("started with a bad certificate pair");
        }
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn an_unreadable_or_mismatched_pair_stops_the_start_with_one_line() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = write(&dir, &ca.leaf(1, &["localhost"]));
    let other = ca.leaf(2, &["localhost"]);
    let other_key = dir.path().join("other-key.pem");
    std::fs::write(&other_key, &other.key_pem).unwrap();
    let err = start_error(cert.clone(), other_key.clone()).await;
    let expected = format!(
        "the TLS key {} does not match the certificate {}",
        other_key.display(),
        cert.display()
    );
    assert_eq!(err, expected);

    let missing = dir.path().join("missing.pem");
    let err = start_error(missing.clone(), key.clone()).await;
    let expected = format!("cannot read the TLS certificate {}: ", missing.display());
    assert!(err.starts_with(&expected), "{err}");
    assert!(!err.contains('\n'), "{err}");
    let err = start_error(cert.clone(), missing.clone()).await;
    assert!(err.starts_with("cannot read the TLS key"), "{err}");

    // A file that is not what it should be; the key's content is never shown.
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a PEM file\n").unwrap();
    let err = start_error(garbage.clone(), key.clone()).await;
    assert!(err.contains("holds no certificate"), "{err}");
    let err = start_error(cert.clone(), garbage).await;
    assert!(err.contains("holds no PEM private key"), "{err}");
    // Swapped: the key file given as the certificate.
    let err = start_error(key.clone(), cert.clone()).await;
    assert!(err.contains("holds no certificate"), "{err}");
    assert!(!err.contains("PRIVATE KEY"), "{err}");
}

#[tokio::test]
async fn without_certificate_files_it_serves_plain_http_as_before() {
    let s = TestServer::start().await;
    assert!(s.url.starts_with("http://"), "{}", s.url);
    let running = s.running.as_ref().unwrap();
    assert!(!running.reload_tls().unwrap());
    assert!(running.tls_certificate().is_none());
    let answer = reqwest::get(s.api("/health")).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.version(), reqwest::Version::HTTP_11);
    s.stop().await;
}
