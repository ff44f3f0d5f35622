//! HTTPS of its own: the certificate and key (PEM files) loaded and checked against each other,
//! the rustls configuration (TLS 1.2 and 1.3 with ring, ALPN `h2` and `http/1.1`), and a
//! certificate that can be replaced while the server runs: every handshake asks the resolver,
//! so new connections get the new certificate and open ones keep theirs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{InconsistentKeys, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The PEM files of the certificate (chain, leaf first) and of its private key.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The certificate new handshakes are given; replaced by a reload.
#[derive(Debug)]
struct CertResolver(RwLock<Arc<CertifiedKey>>);

impl ResolvesServerCert for CertResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.0
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        )
    }
}

/// The files' contents as last read: a change in either means a reload.
type Contents = (Vec<u8>, Vec<u8>);

/// The served certificate and the files it comes from.
pub struct Certificate {
    files: TlsFiles,
    provider: Arc<CryptoProvider>,
    resolver: Arc<CertResolver>,
    /// The contents last tried (installed, or refused: so a bad pair is reported once).
    seen: Mutex<Contents>,
}

impl Certificate {
    /// Reads and checks the pair: the message says which file is wrong and how.
    pub fn load(files: TlsFiles) -> Result<Self, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let contents = read(&files)?;
        let key = certified_key(&files, &contents, &provider)?;
        Ok(Self {
            files,
            provider,
            resolver: Arc::new(CertResolver(RwLock::new(Arc::new(key)))),
            seen: Mutex::new(contents),
        })
    }

    /// The acceptor of TLS connections, serving whatever certificate is current.
    pub fn acceptor(&self) -> Result<TlsAcceptor, String> {
        let mut config = ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_no_client_auth()
            .with_cert_resolver(self.resolver.clone());
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }

    /// Reads the files again and, when they changed since last read (or `always`), serves the
    /// new pair if it is good. `Ok(true)` when a new certificate is served; an error leaves
    /// the current one in place.
    pub fn reload(&self, always: bool) -> Result<bool, String> {
        let contents = read(&self.files)?;
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if !always && *seen == contents {
            return Ok(false);
        }
        let checked = certified_key(&self.files, &contents, &self.provider);
        *seen = contents;
        let key = checked?;
        *self
            .resolver
            .0
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(key);
        Ok(true)
    }

    /// The leaf certificate now served (DER).
    pub fn current(&self) -> CertificateDer<'static> {
        let key = self
            .resolver
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        key.cert[0].clone()
    }
}

fn read(files: &TlsFiles) -> Result<Contents, String> {
    let one = |what: &str, path: &Path| {
        std::fs::read(path)
            .map_err(|e| format!("cannot read the TLS {what} {}: {e}", path.display()))
    };
    Ok((one("certificate", &files.cert)?, one("key", &files.key)?))
}

/// The pair parsed, with the key checked to be the certificate's.
fn certified_key(
    files: &TlsFiles,
    (cert, key): &Contents,
    provider: &CryptoProvider,
) -> Result<CertifiedKey, String> {
    let cert_path = files.cert.display();
    let key_path = files.key.display();
    let chain = CertificateDer::pem_slice_iter(cert)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the TLS certificate {cert_path} is not PEM: {e}"))?;
    if chain.is_empty() {
        return Err(format!(
            "the TLS certificate {cert_path} holds no certificate (PEM \"BEGIN CERTIFICATE\")"
        ));
    }
    // The key's own parse errors are not shown: they could quote part of it.
    let key = PrivateKeyDer::from_pem_slice(key).map_err(|_| {
        format!("the TLS key {key_path} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")
    })?;
    CertifiedKey::from_der(chain, key, provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch) => {
            format!("the TLS key {key_path} does not match the certificate {cert_path}")
        }
        e => format!("cannot use the TLS key {key_path} with the certificate {cert_path}: {e}"),
    })
}

impl crate::Config {
    /// The certificate files, when both are set (`problems` refuses one alone).
    pub fn tls_files(&self) -> Option<TlsFiles> {
        Some(TlsFiles {
            cert: self.tls_cert.clone()?,
            key: self.tls_key.clone()?,
        })
    }
}
