//! A test CA made in the test (rcgen), certificates it signs written as PEM files, and clients
//! that trust only it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use hyper::client::conn::{http1, http2};
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair, SerialNumber,
};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

pub struct TestCa {
    cert: Certificate,
    key: KeyPair,
}

/// A leaf certificate and its key, as PEM.
pub struct Leaf {
    pub der: CertificateDer<'static>,
    pub cert_pem: String,
    pub key_pem: String,
}

impl TestCa {
    pub fn new() -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "tessera test CA");
        let cert = params.self_signed(&key).unwrap();
        Self { cert, key }
    }

    /// A leaf for `names` (and 127.0.0.1, which the tests connect to).
    pub fn leaf(&self, serial: u64, names: &[&str]) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut sans: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        sans.push("127.0.0.1".into());
        let mut params = CertificateParams::new(sans).unwrap();
        params.serial_number = Some(SerialNumber::from(serial));
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        Leaf {
            der: cert.der().clone(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// Opens a TLS connection to `addr` offering `alpn`: the stream and the leaf it presented.
    pub async fn connect(
        &self,
        addr: SocketAddr,
        alpn: &[u8],
    ) -> (TlsStream<TcpStream>, CertificateDer<'static>) {
        let mut roots = RootCertStore::empty();
        roots.add(self.cert.der().clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![alpn.to_vec()];
        let tcp = TcpStream::connect(addr).await.unwrap();
        let name = ServerName::IpAddress(addr.ip().into());
        let stream = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .unwrap();
        let (_, session) = stream.get_ref();
        assert_eq!(session.alpn_protocol(), Some(alpn));
        let leaf = session.peer_certificates().unwrap()[0].clone();
        (stream, leaf)
    }
}

/// Writes `leaf`'s files into `dir` (replacing them): (certificate, key).
pub fn write(dir: &TempDir, leaf: &Leaf) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, &leaf.cert_pem).unwrap();
    std::fs::write(&key, &leaf.key_pem).unwrap();
    (cert, key)
}

fn health() -> Request<Body> {
    Request::get("/api/v1/health").body(Body::empty()).unwrap()
}

/// An HTTP/2 connection kept open by the test (hyper's client: it answers pings).
pub struct H2 {
    sender: http2::SendRequest<Body>,
    /// Ends when the connection does.
    pub ended: JoinHandle<Result<(), hyper::Error>>,
}

impl H2 {
    pub async fn open(stream: TlsStream<TcpStream>) -> Self {
        let (sender, conn) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
        let ended = tokio::spawn(conn);
        Self { sender, ended }
    }

    /// The status of `GET /api/v1/health` on this connection.
    pub async fn health(&mut self) -> u16 {
        let mut request = health();
        *request.uri_mut() = "https://127.0.0.1/api/v1/health".parse().unwrap();
        self.sender
            .send_request(request)
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

/// An HTTP/1.1 connection kept open by the test.
pub struct H1(http1::SendRequest<Body>);

impl H1 {
    pub async fn open(stream: TlsStream<TcpStream>) -> Self {
        let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(conn);
        Self(sender)
    }

    pub async fn health(&mut self) -> u16 {
        let mut request = health();
        request
            .headers_mut()
            .insert("host", "127.0.0.1".parse().unwrap());
        let answer = self.0.send_request(request).await.unwrap();
        let status = answer.status().as_u16();
        // Read the body so the connection is ready for the next request.
        axum::body::to_bytes(Body::new(answer.into_body()), 1 << 16)
            .await
            .unwrap();
        status
    }
}
