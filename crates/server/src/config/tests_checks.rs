//! The checks that keep secrets and addresses safe: trusted proxies, redacted `Debug`, the
//! signing passphrase, CORS origins, the TLS pair.

use super::tests::load;
use super::*;

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    let cfg = load(Some("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]"), &[]).unwrap();
    let shown: Vec<String> = cfg.trusted_proxies.iter().map(|p| p.to_string()).collect();
    assert_eq!(shown, ["10.0.0.0/8", "::1"]);
    let cfg = load(None, &[("TESSERA_TRUSTED_PROXIES", "192.0.2.7, fd00::/8")]).unwrap();
    let shown: Vec<String> = cfg.trusted_proxies.iter().map(|p| p.to_string()).collect();
    assert_eq!(shown, ["192.0.2.7", "fd00::/8"]);
    let err = load(Some("trusted_proxies = [\"10.0.0.0/33\"]"), &[]).unwrap_err();
    assert!(err.to_string().contains("trusted_proxies"), "{err}");
}

#[test]
fn debug_shows_no_secret_nor_a_url_password() {
    let cfg = load(
        None,
        &[
            ("JWT_SECRET_KEY", "jwt-secret-passphrase-of-some-length"),
            ("TESSERA_ADMIN_PASSWORD", "admin-secret"),
            (
                "TESSERA_DATABASE_URL",
                "postgres://tessera:pg-secret@db.internal:5432/tessera?sslmode=require",
            ),
            (
                "TESSERA_REDIS_URL",
                "redis://:redis-secret@cache.internal:6379/0",
            ),
        ],
    )
    .unwrap();
    for shown in [format!("{cfg:?}"), format!("{cfg:#?}")] {
        for secret in ["jwt-secret", "admin-secret", "pg-secret", "redis-secret"] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
        assert!(shown.contains("postgres://tessera:<redacted>@db.internal:5432/tessera"));
        assert!(shown.contains("redis://:<redacted>@cache.internal:6379/0"));
        assert!(shown.contains("session_timeout"), "{shown}");
    }
}

#[test]
fn only_the_password_of_a_url_is_redacted() {
    for (url, shown) in [
        ("postgres://u:p@h/db", "postgres://u:<redacted>@h/db"),
        ("postgres://u:p:q@h", "postgres://u:<redacted>@h"),
        ("postgres://u@h/db?x=a:b@c", "postgres://u@h/db?x=a:b@c"),
        ("postgres://h:5432/db", "postgres://h:5432/db"),
        ("sqlite:///tmp/a:b@c.db", "sqlite:///tmp/a:b@c.db"),
        ("sqlite:data.db", "sqlite:data.db"),
        ("", ""),
    ] {
        assert_eq!(redact_url(url), shown, "{url}");
    }
}

#[test]
fn short_or_example_passphrases_are_refused_raw_keys_keep_their_rule() {
    let short = "x".repeat(31);
    let err = load(None, &[("JWT_SECRET_KEY", &short)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWT_SECRET_KEY: a passphrase must be at least 32 characters (this one has 31); or give \
         a raw key as base64:… or hex:… (at least 64 bytes)"
    );
    assert!(!err.to_string().contains(&short));
    // Characters, not bytes.
    assert!(load(None, &[("JWT_SECRET_KEY", &"é".repeat(31))]).is_err());
    assert!(load(None, &[("JWT_SECRET_KEY", &"é".repeat(32))]).is_ok());
    let example = check::EXAMPLE_PASSPHRASE;
    assert!(
        crate::cli::EXAMPLE_CONFIG.contains(&format!("jwt_secret_key = \"{example}\"")),
        "the example file shows another passphrase"
    );
    let err = load(Some(&format!("jwt_secret_key = \"{example}\"")), &[]).unwrap_err();
    assert!(err.to_string().contains("example passphrase"), "{err}");
    // Raw keys: their own rule (at least 64 bytes), checked when the key is made.
    assert!(load(None, &[("JWT_SECRET_KEY", "hex:abcd")]).is_ok());
    assert!(load(None, &[("JWT_SECRET_KEY", "base64:AAAA")]).is_ok());
}

#[test]
fn cors_origins_are_any_alone_or_origins() {
    let ok = |list: &[&str]| {
        Config {
            cors_origins: list.iter().map(|s| s.to_string()).collect(),
            ..Config::default()
        }
        .problems()
    };
    assert!(ok(&["*"]).is_empty());
    assert!(ok(&["https://app.example.com", "http://localhost:3000"]).is_empty());
    assert_eq!(
        ok(&["*", "https://app.example.com"]),
        ["cors_origins: \"*\" (any origin) must be the only entry"]
    );
    for bad in [
        "app.example.com",
        "https://app.example.com/",
        "https://",
        "a b://c",
    ] {
        assert_eq!(ok(&[bad]).len(), 1, "{bad}");
    }
}

#[test]
fn tls_cert_and_key_go_together() {
    let vars = [
        ("TESSERA_TLS_CERT", "/etc/tls/cert.pem"),
        ("TESSERA_TLS_KEY", "/etc/tls/key.pem"),
    ];
    let cfg = load(None, &vars).unwrap();
    assert_eq!(
        cfg.tls_files().unwrap().key,
        PathBuf::from("/etc/tls/key.pem")
    );
    assert!(load(None, &[]).unwrap().tls_files().is_none());
    let err = load(Some("tls_cert = \"/etc/tls/cert.pem\""), &[]).unwrap_err();
    assert!(err.to_string().contains("go together"), "{err}");
}
