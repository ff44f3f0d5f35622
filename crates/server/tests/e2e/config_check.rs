//! `tessera config check`, the binary itself: the effective configuration with every secret
//! redacted, every problem of a file on a line of its own, unknown variables warned about.

use std::path::Path;
use std::process::{Command, Output};

const PASSPHRASE: &str = "a passphrase nobody else knows, long enough";
const PG_PASSWORD: &str = "pg-password-in-the-url";

/// Runs `tessera ARGS` with only the variables `vars` (so the tests' own `TESSERA_TEST_*` do
/// not show).
fn tessera(args: &[&str], config: &Path, vars: &[(&str, &str)]) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .arg("--config")
        .arg(config)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (status.success(), text(stdout), text(stderr))
}

fn write(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("tessera.toml");
    std::fs::write(&path, text).unwrap();
    path
}

const KEK: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

#[test]
fn a_postgres_database_needs_a_key_encryption_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "database_url = \"postgres://tessera@db.internal/tessera\"\n",
    );
    let vars = [("JWT_SECRET_KEY", PASSPHRASE)];
    let (ok, out, err) = tessera(&["config", "check"], &file, &vars);
    assert!(!ok, "{out}");
    assert!(err.contains("TESSERA_KEY_ENCRYPTION_KEY"), "{err}");
}

#[test]
fn a_good_configuration_is_printed_with_every_secret_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgres://tessera:{PG_PASSWORD}@db.internal:5432/tessera");
    let file = write(
        dir.path(),
        &format!("database_url = \"{url}\"\nsession_timeout = 600\n"),
    );
    let vars = [
        ("JWT_SECRET_KEY", PASSPHRASE),
        ("SESSION_TIMEOUT", "300"),
        ("TESSERA_KEY_ENCRYPTION_KEY", KEK),
    ];
    let (ok, out, err) = tessera(&["config", "check", "--bind", "127.0.0.1:7"], &file, &vars);
    assert!(ok, "{out}{err}");
    assert!(out.contains("key_encryption_key = \"<redacted>\""), "{out}");
    assert!(
        out.contains("database_url = \"postgres://tessera:<redacted>@db.internal:5432/tessera\""),
        "{out}"
    );
    assert!(out.contains("jwt_secret_key = \"<redacted>\""), "{out}");
    assert!(out.contains("session_timeout = 300\n"), "{out}");
    assert!(out.contains("bind = \"127.0.0.1:7\"\n"), "{out}");
    for secret in [PASSPHRASE, PG_PASSWORD, KEK] {
        assert!(!out.contains(secret) && !err.contains(secret), "{out}{err}");
    }
}

#[test]
fn a_bad_file_fails_with_one_line_per_problem() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "colour = \"blue\"\nmax_session = \"many\"\njwt_leeway = 301\n",
    );
    for command in [&["config", "check"][..], &["serve"]] {
        let (ok, out, err) = tessera(command, &file, &[]);
        assert!(!ok, "{out}{err}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 4, "{err}");
        assert_eq!(lines[0], "tessera: 3 problems in the configuration:");
        assert!(
            lines[1].ends_with("tessera.toml: unknown key \"colour\""),
            "{err}"
        );
        assert!(lines[2].contains("max_session: invalid type"), "{err}");
        assert!(
            lines[3].contains("jwt_leeway must be between 0 and 300"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn an_unknown_tessera_variable_is_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "issuer = \"tessera\"\n");
    let vars = [("TESSERA_FOO", "value-not-to-show")];
    let (ok, out, err) = tessera(&["config", "check"], &file, &vars);
    assert!(ok, "{out}{err}");
    let warning = "tessera: warning: unknown environment variable TESSERA_FOO";
    assert!(err.lines().any(|l| l.starts_with(warning)), "{err}");
    assert!(!err.contains("value-not-to-show"), "{err}");
    // `serve` warns the same way (here before refusing a bad setting, so that it stops).
    let vars = [("TESSERA_FOO", "1"), ("TESSERA_JWT_LEEWAY", "301")];
    let (ok, _, err) = tessera(&["serve"], &file, &vars);
    assert!(!ok);
    assert!(err.lines().any(|l| l.starts_with(warning)), "{err}");
}

#[test]
fn the_start_checks_of_the_signing_key_and_the_tls_files_are_made_too() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let file = write(
        dir.path(),
        &format!(
            "tls_cert = {missing:?}\ntls_key = {missing:?}\nredis_url = \"redis://cache:6379\"\n"
        ),
    );
    let (ok, out, err) = tessera(&["config", "check"], &file, &[]);
    assert!(!ok, "{out}{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0], "tessera: 2 problems in the configuration:",
        "{err}"
    );
    assert!(
        lines[1].contains("several instances must sign with one key"),
        "{err}"
    );
    assert!(lines[2].contains("missing.pem"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_setting_variable_that_is_not_utf8_is_a_problem_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "issuer = \"tessera\"\n");
    let output = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["config", "check", "--config"])
        .arg(&file)
        .env_clear()
        .env("JWT_SECRET_KEY", std::ffi::OsStr::from_bytes(b"secret\xff"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        err.trim_end(),
        "tessera: JWT_SECRET_KEY: the value is not valid UTF-8"
    );
}
