//! The `tessera serve` process over HTTPS: SIGHUP reloads the certificate files, and a bad pair
//! stops the start with one line on stderr.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use crate::tls_support::{write, TestCa};

/// `tessera serve` with the certificate files, fast Argon2 and a data directory of its own.
fn serve(dir: &tempfile::TempDir, cert: &std::path::Path, key: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("TESSERA_TLS_CERT", cert)
        .env("TESSERA_TLS_KEY", key)
        .env("TESSERA_ADMIN_PASSWORD", "a password for the test")
        .env("TESSERA_ARGON2_MEMORY_KIB", "1024")
        .env("TESSERA_ARGON2_ITERATIONS", "1")
        .env("TESSERA_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Kills the process when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sighup_serves_the_renewed_certificate() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let first = ca.leaf(1, &["localhost"]);
    let (cert, key) = write(&dir, &first);
    let mut child = Killed(serve(&dir, &cert, &key).spawn().unwrap());
    let stdout = BufReader::new(child.0.stdout.take().unwrap());
    let stderr = BufReader::new(child.0.stderr.take().unwrap());
    let (log_tx, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = log_tx.send(line);
        }
    });
    let url = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("tessera listening on ").map(str::to_string))
        .expect("tessera exited before listening");
    let addr = url.strip_prefix("https://").expect(&url).parse().unwrap();
    let (_open, presented) = ca.connect(addr, b"h2").await;
    assert_eq!(presented, first.der);

    let second = ca.leaf(2, &["tessera.test"]);
    write(&dir, &second);
    let hup = Command::new("kill")
        .args(["-HUP", &child.0.id().to_string()])
        .status();
    assert!(hup.unwrap().success());
    // Bounded, so a server that never reloads fails the test rather than hanging it.
    let reloaded = tokio::task::spawn_blocking(move || loop {
        match log.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(line) if line.contains("TLS certificate reloaded") => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    });
    assert!(reloaded.await.unwrap(), "no reload in the log");
    let (_, presented) = ca.connect(addr, b"h2").await;
    assert_eq!(presented, second.der);
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "SIGHUP ended tessera"
    );
}

#[test]
fn a_mismatched_pair_stops_the_start_with_one_line() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let (cert, _) = write(&dir, &ca.leaf(1, &["localhost"]));
    let other_key = dir.path().join("other-key.pem");
    std::fs::write(&other_key, ca.leaf(2, &["localhost"]).key_pem).unwrap();
    let out = serve(&dir, &cert, &other_key).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    // Warnings aside (such as for the tests' own TESSERA_TEST_* variables), one line.
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("tessera: warning:"))
        .collect();
    let expected = format!(
        "tessera: the TLS key {} does not match the certificate {}",
        other_key.display(),
        cert.display()
    );
    assert_eq!(errors, [expected], "{stderr}");
}
