//! What `tessera config check` relies on: every problem of a file named at once on one line
//! each, no secret ever shown (nor in a problem), unknown variables named, no input panics.

use proptest::prelude::*;

use super::tests::load;
use super::*;

const PASSPHRASE: &str = "correct horse battery staple, and then some more";

#[test]
fn an_unknown_key_a_wrong_type_and_a_value_out_of_range_are_all_named() {
    let file = "colour = \"blue\"\nmax_session = \"many\"\njwt_leeway = 301\n";
    let err = load(Some(file), &[]).unwrap_err();
    let all = err.problems();
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(
        all[0].ends_with("tessera.toml: unknown key \"colour\""),
        "{all:?}"
    );
    assert!(
        all[1].contains("tessera.toml: max_session: invalid type"),
        "{all:?}"
    );
    assert_eq!(all[2], "jwt_leeway must be between 0 and 300 seconds");
    assert!(all.iter().all(|p| !p.contains('\n')), "{all:?}");
}

#[test]
fn a_syntax_error_is_one_line_without_the_text_around_it() {
    let file = format!("issuer = \"a\"\njwt_secret_key = \"{PASSPHRASE}\nx = 1\n");
    let err = load(Some(&file), &[]).unwrap_err();
    let [problem] = err.problems() else {
        panic!("{err}")
    };
    assert!(
        problem
            .ends_with("tessera.toml: not valid TOML at line 2, column 67: invalid basic string"),
        "{problem}"
    );
    assert!(!problem.contains("horse"), "{problem}");
}

#[test]
fn a_secret_of_the_wrong_type_is_not_shown() {
    let err = load(Some("jwt_secret_key = 918273645546372819"), &[]).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("jwt_secret_key: must be a string"),
        "{err}"
    );
    assert!(!err.to_string().contains("918273"), "{err}");
}

#[test]
fn the_effective_configuration_shows_every_setting_and_no_secret() {
    let file = "database_url = \"postgres://tessera:pg-secret@db/t?sslmode=require&password=q-secret\"\n\
                redis_url = \"redis://:redis-secret@cache:6379/0\"\ntrusted_proxies = [\"10.0.0.0/8\"]";
    let vars = [
        ("JWT_SECRET_KEY", PASSPHRASE),
        ("TESSERA_ADMIN_PASSWORD", "admin-secret"),
        ("SESSION_TIMEOUT", "120"),
    ];
    let shown = load(Some(file), &vars).unwrap().effective();
    for secret in [
        "correct horse",
        "admin-secret",
        "pg-secret",
        "q-secret",
        "redis-secret",
    ] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    for line in [
        "database_url = \"postgres://tessera:<redacted>@db/t?sslmode=require&password=<redacted>\"",
        "redis_url = \"redis://:<redacted>@cache:6379/0\"",
        "jwt_secret_key = \"<redacted>\"",
        "admin_password = \"<redacted>\"",
        "session_timeout = 120",
        "trusted_proxies = [\"10.0.0.0/8\"]",
        "bind = \"127.0.0.1:5000\"",
    ] {
        assert!(
            shown.lines().any(|l| l == line),
            "{line:?} missing from {shown}"
        );
    }
    // Every setting has its line, and the unredacted ones read back as the same settings.
    assert_eq!(
        shown.lines().count(),
        format!("{:#?}", Config::default()).lines().count() - 2
    );
    let plain = load(None, &[("TESSERA_CORS_ORIGINS", "https://a.example")]).unwrap();
    let again = load(Some(&plain.effective()), &[]).unwrap();
    assert_eq!(again.effective(), plain.effective());
}

#[test]
fn unknown_tessera_variables_are_named_and_others_are_not() {
    let names = [
        "TESSERA_FOO",
        "TESSERA_BIND",
        "TESSERA_CONFIG",
        "TESSERA_LOG",
        "TESSERA_ADMIN_PASSWORD_FILE",
        "TESSERA_ADMIN_PASSWORDS",
        "JWT_SECRET_KEY_FILE",
        "PATH",
        "SESSION_TIMEOUT",
    ];
    let warnings = unknown_variables(names.map(String::from));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("TESSERA_FOO"), "{warnings:?}");
    assert!(
        warnings[1].contains("TESSERA_ADMIN_PASSWORDS"),
        "{warnings:?}"
    );
    // Nor do they stop a configuration from loading.
    assert!(load(None, &[("TESSERA_FOO", "1")]).is_ok());
}

#[test]
fn url_passwords_are_redacted_in_the_user_part_and_the_query() {
    assert_eq!(
        redact_url("postgres://u:p@h/db?application_name=x&password=p&sslpassword=s#f"),
        "postgres://u:<redacted>@h/db?application_name=x&password=<redacted>&sslpassword=<redacted>#f"
    );
    assert_eq!(redact_url("redis://cache:6379"), "redis://cache:6379");
}

#[test]
fn signing_key_problems_are_named_without_the_key() {
    let problems = |vars: &[(&str, &str)]| load(None, vars).unwrap().start_problems();
    assert_eq!(
        problems(&[("JWT_SECRET_KEY", "base64:not*base64")]),
        ["JWT_SECRET_KEY: invalid base64"]
    );
    assert_eq!(
        problems(&[("JWT_SECRET_KEY", "hex:00ff")]),
        ["JWT_SECRET_KEY: a raw signing key must be at least 64 bytes"]
    );
    let shared = problems(&[("TESSERA_REDIS_URL", "redis://cache")]);
    assert!(
        shared[0].starts_with("several instances must sign with one key"),
        "{shared:?}"
    );
    let key = format!("hex:{}", "ab".repeat(64));
    assert!(problems(&[
        ("TESSERA_REDIS_URL", "redis://cache"),
        ("JWT_SECRET_KEY", &key)
    ])
    .is_empty());
    assert!(problems(&[("JWT_SECRET_KEY", PASSPHRASE)]).is_empty());
    // PostgreSQL: the key-encryption key is what every instance must share, not
    // JWT_SECRET_KEY (the signing keys are in the database).
    let pg = ("TESSERA_DATABASE_URL", "postgres://tessera@db/tessera");
    let missing = problems(&[pg, ("TESSERA_REDIS_URL", "redis://cache")]);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0].starts_with("the database is shared: set the key-encryption key"),
        "{missing:?}"
    );
    let kek = "ab".repeat(32);
    assert!(problems(&[pg, ("TESSERA_KEY_ENCRYPTION_KEY", &kek)]).is_empty());
}

#[test]
fn public_url_must_be_https_or_loopback_http() {
    let load_with = |url: &str| load(None, &[("TESSERA_PUBLIC_URL", url)]);
    assert!(load_with("https://auth.example.org").is_ok());
    assert!(load_with("http://127.0.0.1:5000").is_ok());
    for bad in [
        "http://auth.example.org",
        "https://a.org/?x=1",
        "auth.example.org",
    ] {
        let err = load_with(bad).unwrap_err().to_string();
        assert!(err.contains("public_url: "), "{bad}: {err}");
    }
}

/// Text that looks like TOML: known keys and others, values of every kind, broken lines.
fn tomlish() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        proptest::sample::select(
            env::VARS
                .iter()
                .map(|v| v.1.to_string())
                .collect::<Vec<_>>()
        ),
        Just("jwt_secret_key".to_string()),
        "[a-z_.\"\\[\\]]{0,12}",
    ];
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "\"[^\"\\\\]{0,20}\"",
        "\\[[0-9a-z\", \\[\\]{}=]{0,20}\\]",
        "\\{[0-9a-z\", =]{0,20}\\}",
        ".{0,20}",
    ];
    proptest::collection::vec((key, value), 0..8).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(k, v)| format!("{k} = {v}\n"))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_file_and_no_environment_panics_the_loader(
        file in tomlish(),
        values in proptest::collection::vec(".{0,24}", env::VARS.len()),
    ) {
        let vars: Vec<(&str, &str)> = env::VARS
            .iter()
            .zip(&values)
            .map(|(var, value)| (var.0, value.as_str()))
            .collect();
        if let Ok(config) = load(Some(&file), &vars) {
            let _ = config.effective();
        }
    }
}
