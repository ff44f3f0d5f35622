use std::collections::HashMap;
use std::path::Path;

use tessera_core::ApiKeySettings;

use super::*;

/// Loads `file` (when given) and the variables `vars` (instead of the process environment).
fn load_with(
    file: Option<&str>,
    vars: &[(&str, &str)],
    flags: &Flags,
) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tessera.toml");
    if let Some(text) = file {
        std::fs::write(&path, text).unwrap();
    }
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::load(
        file.map(|_| path.as_path()),
        &move |k| map.get(k).cloned(),
        flags,
    )
}

pub(super) fn load(file: Option<&str>, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    load_with(file, vars, &Flags::default())
}

#[test]
fn environment_overrides_file_values() {
    let cfg = load(
        Some("session_timeout = 60\nmax_session = 2"),
        &[
            ("SESSION_TIMEOUT", "120"),
            ("TESSERA_TRUSTED_PROXIES", "10.0.0.1, ::1"),
            ("JWT_SECRET_KEY", "hunter2 is not a passphrase, this is"),
        ],
    )
    .unwrap();
    assert_eq!(cfg.session_timeout, 120);
    assert_eq!(cfg.max_session, 2);
    assert_eq!(cfg.trusted_proxies.len(), 2);
    let key = cfg.jwt_secret_key.as_ref().unwrap();
    assert_eq!(key.expose(), "hunter2 is not a passphrase, this is");
    assert!(!format!("{cfg:?}").contains("hunter2"));
}

#[test]
fn bad_values_are_refused_with_their_name() {
    let err = load(None, &[("MAX_SESSION", "many")]).unwrap_err();
    assert!(err.to_string().contains("MAX_SESSION"), "{err}");
    let cfg = Config {
        session_limit_policy: "sometimes".into(),
        ..Config::default()
    };
    assert!(cfg.auth_settings().is_err());
    let err = load(Some("no_such_key = 1"), &[]).unwrap_err();
    assert!(
        err.to_string().contains("unknown key \"no_such_key\""),
        "{err}"
    );
}

#[test]
fn the_example_file_parses() {
    let cfg = load(Some(crate::cli::EXAMPLE_CONFIG), &[]).unwrap();
    assert!(cfg.auth_settings().is_ok());
    assert_eq!(cfg.apikey_settings(), Ok(ApiKeySettings::default()));
}

#[test]
fn apikey_lifetimes_come_from_the_environment_and_are_checked() {
    let mut cfg = load(
        None,
        &[
            ("TESSERA_APIKEY_MAX_SECONDS", "600"),
            ("TESSERA_APIKEY_DEFAULT_SECONDS", "300"),
            ("TESSERA_APIKEY_REFRESH_SECONDS", "3600"),
        ],
    )
    .unwrap();
    let s = cfg.apikey_settings().unwrap();
    assert_eq!((s.max_ttl, s.default_ttl, s.refresh_ttl), (600, 300, 3600));
    cfg.apikey_default_seconds = 601;
    assert!(cfg.apikey_settings().is_err());
    cfg.apikey_default_seconds = 300;
    cfg.apikey_refresh_seconds = 0;
    assert!(cfg.apikey_settings().is_err());
    cfg.apikey_refresh_seconds = 3600;
    cfg.apikey_max_seconds = 900;
    assert!(cfg.apikey_settings().is_ok());
    cfg.apikey_max_seconds = 901;
    let err = cfg.apikey_settings().unwrap_err();
    assert!(
        err.contains("apikey_max_seconds must be between 1 and 900"),
        "{err}"
    );
    cfg.apikey_max_seconds = 0;
    assert!(cfg.apikey_settings().is_err());
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = load(
        Some("session_timeout = \"long\"\nmax_session = -1\ncolour = \"blue\"\n[extra]\nx = 1"),
        &[
            ("TESSERA_BIND", "nowhere"),
            ("TESSERA_TRUSTED_PROXIES", "10.0.0.1, proxy"),
            ("TESSERA_JWT_LEEWAY", "301"),
            ("TESSERA_SESSION_LIMIT_POLICY", "sometimes"),
            ("TESSERA_ARGON2_ITERATIONS", "0"),
        ],
    )
    .unwrap_err();
    let all = err.problems().join("\n");
    for expected in [
        "unknown key \"colour\"",
        "unknown key \"extra\"",
        "TESSERA_BIND: cannot parse \"nowhere\"",
        "TESSERA_TRUSTED_PROXIES: cannot parse \"proxy\"",
        "jwt_leeway must be between 0 and 300 seconds",
        "session_limit_policy must be evict_oldest or refuse",
        "argon2_* settings: ",
        // The file's other values are read despite its unknown keys.
        "tessera.toml: session_timeout: invalid type",
        "tessera.toml: max_session: invalid value",
    ] {
        assert!(all.contains(expected), "{expected:?} missing from:\n{all}");
    }
    assert!(err
        .to_string()
        .starts_with("9 problems in the configuration:"));
}

#[test]
fn flags_win_over_the_environment_and_the_file() {
    let flags = Flags {
        data_dir: Some("/flag".into()),
        database_url: Some("sqlite:///flag.db".into()),
        redis_url: None,
    };
    let file = "data_dir = \"/file\"\nredis_url = \"redis://file\"\nbind = \"127.0.0.1:7\"";
    let vars = [
        ("TESSERA_DATA_DIR", "/env"),
        ("TESSERA_DATABASE_URL", "sqlite:///env.db"),
    ];
    let cfg = load_with(Some(file), &vars, &flags).unwrap();
    assert_eq!(cfg.data_dir, PathBuf::from("/flag"));
    assert_eq!(cfg.database_url(), "sqlite:///flag.db");
    assert_eq!(cfg.redis_url.as_deref(), Some("redis://file"));
    assert_eq!(cfg.bind, SocketAddr::from(([127, 0, 0, 1], 7)));
    let cfg = load(Some(file), &vars).unwrap();
    assert_eq!(cfg.data_dir, PathBuf::from("/env"));
    assert_eq!(cfg.issuer, "tessera");
}

#[test]
fn secrets_come_from_files_and_a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "from-a-file, long enough for a passphrase\n").unwrap();
    let key = key.to_str().unwrap();
    let cfg = load(None, &[("JWT_SECRET_KEY_FILE", key)]).unwrap();
    let from_file = cfg.jwt_secret_key.unwrap();
    assert_eq!(
        from_file.expose(),
        "from-a-file, long enough for a passphrase"
    );
    let cfg = load(
        None,
        &[
            ("JWT_SECRET_KEY", "direct, and long enough for a passphrase"),
            ("JWT_SECRET_KEY_FILE", key),
        ],
    )
    .unwrap();
    let direct = cfg.jwt_secret_key.unwrap();
    assert_eq!(direct.expose(), "direct, and long enough for a passphrase");
    let err = load(None, &[("TESSERA_ADMIN_PASSWORD_FILE", "/no/such/file")]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("TESSERA_ADMIN_PASSWORD_FILE: cannot read /no/such/file"),
        "{err}"
    );
    let err = Config::load(
        Some(Path::new("/no/such.toml")),
        &|_| None,
        &Flags::default(),
    );
    assert!(err
        .unwrap_err()
        .to_string()
        .starts_with("cannot read /no/such.toml"));
}

#[test]
fn every_variable_reaches_a_setting_of_its_type() {
    let sample = |key: &str| match key {
        "bind" => "127.0.0.1:9",
        "metrics_bind" => "127.0.0.1:10",
        "trusted_proxies" => "10.0.0.1",
        "cors_origins" => "https://app.example",
        "public_url" => "https://auth.example",
        "session_limit_policy" => "refuse",
        "argon2_parallelism" => "1",
        "log_pii" | "open_registration" | "oauth_password_grant" => "true",
        "refresh_timeout" | "apikey_refresh_seconds" => "7200",
        _ => "60",
    };
    let vars: Vec<(&str, &str)> = env::VARS
        .iter()
        .map(|&(name, key, _)| (name, sample(key)))
        .collect();
    let cfg = load(None, &vars).unwrap();
    assert_eq!(cfg.bind, SocketAddr::from(([127, 0, 0, 1], 9)));
    assert_eq!(
        cfg.metrics_bind,
        Some(SocketAddr::from(([127, 0, 0, 1], 10)))
    );
    assert_eq!(cfg.data_dir, PathBuf::from("60"));
    assert_eq!(cfg.database_url.as_deref(), Some("60"));
    assert_eq!((cfg.session_timeout, cfg.refresh_timeout), (60, 7200));
    assert_eq!((cfg.hash_queue, cfg.revocation_poll_ms), (60, 60));
    assert_eq!(cfg.cors_origins, ["https://app.example"]);
    assert_eq!(cfg.issuer, "60");
    assert_eq!(cfg.public_url.as_deref(), Some("https://auth.example"));
    assert!(cfg.log_pii);
    assert!(cfg.open_registration);
    assert!(cfg.oauth_password_grant);
    assert_eq!(cfg.rate_open_register_per_minute, 60);
}

#[test]
fn session_lifetime_and_reuse_grace_are_read_and_bounded() {
    let vars = [
        ("TESSERA_SESSION_ABSOLUTE_SECONDS", "86400"),
        ("TESSERA_REFRESH_REUSE_GRACE_SECONDS", "15"),
    ];
    let auth = load(None, &vars).unwrap().auth_settings().unwrap();
    assert_eq!((auth.session_ttl, auth.refresh_reuse_grace), (86_400, 15));
    let defaults = Config::default().auth_settings().unwrap();
    assert_eq!(
        (defaults.session_ttl, defaults.refresh_reuse_grace),
        (30 * 86_400, 0)
    );

    let err = load(None, &[("TESSERA_REFRESH_REUSE_GRACE_SECONDS", "61")]).unwrap_err();
    assert!(
        format!("{err:?}").contains("refresh_reuse_grace_seconds"),
        "{err:?}"
    );
    let err = load(None, &[("TESSERA_SESSION_ABSOLUTE_SECONDS", "60")]).unwrap_err();
    assert!(
        format!("{err:?}").contains("session_absolute_seconds"),
        "{err:?}"
    );
}

#[test]
fn the_password_minimum_is_a_setting_of_at_least_eight() {
    let cfg = load(None, &[("TESSERA_PASSWORD_MIN_LENGTH", "15")]).unwrap();
    assert_eq!(cfg.auth_settings().unwrap().password_policy.min_length, 15);
    assert_eq!(
        Config::default()
            .auth_settings()
            .unwrap()
            .password_policy
            .min_length,
        12
    );
    let err = load(Some("password_min_length = 7"), &[]).unwrap_err();
    let shown = format!("{err:?}");
    assert!(
        shown.contains("password_min_length must be between 8 and 64"),
        "{shown}"
    );
    assert!(shown.contains("not 7"), "{shown}");
}
