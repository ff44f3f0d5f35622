//! The environment layer: today's variable names (`TESSERA_*` and PlantDB's), each parsed into
//! its setting's type, secrets also from `NAME_FILE`. Every variable that does not parse is a
//! problem of its own, so all of them are reported at once.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use figment::value::{Dict, Value};
use serde::Serialize;

/// Reads a variable (the process environment, or a map in tests).
pub type Getter<'a> = &'a dyn Fn(&str) -> Option<String>;

type Parse = fn(&str, &str) -> Result<Value, String>;

/// Variable name, setting, and how the text becomes the setting's value.
pub(super) const VARS: &[(&str, &str, Parse)] = &[
    ("TESSERA_BIND", "bind", one::<SocketAddr>),
    ("TESSERA_METRICS_BIND", "metrics_bind", one::<SocketAddr>),
    ("TESSERA_DATA_DIR", "data_dir", one::<PathBuf>),
    ("TESSERA_ISSUER", "issuer", one::<String>),
    ("TESSERA_PUBLIC_URL", "public_url", one::<String>),
    ("TESSERA_REDIS_PREFIX", "redis_prefix", one::<String>),
    ("TESSERA_TLS_CERT", "tls_cert", one::<PathBuf>),
    ("TESSERA_TLS_KEY", "tls_key", one::<PathBuf>),
    ("TESSERA_AUDIENCE", "audience", one::<String>),
    ("SESSION_TIMEOUT", "session_timeout", one::<i64>),
    ("REFRESH_TIMEOUT", "refresh_timeout", one::<i64>),
    (
        "TESSERA_SESSION_ABSOLUTE_SECONDS",
        "session_absolute_seconds",
        one::<i64>,
    ),
    (
        "TESSERA_REFRESH_REUSE_GRACE_SECONDS",
        "refresh_reuse_grace_seconds",
        one::<i64>,
    ),
    ("MAX_SESSION", "max_session", one::<u32>),
    (
        "TESSERA_SESSION_LIMIT_POLICY",
        "session_limit_policy",
        one::<String>,
    ),
    ("TESSERA_JWT_LEEWAY", "jwt_leeway", one::<i64>),
    ("TESSERA_LOCKOUT_THRESHOLD", "lockout_threshold", one::<u32>),
    ("TESSERA_LOCKOUT_SECONDS", "lockout_seconds", one::<i64>),
    (
        "TESSERA_FAMILIAR_CLIENT_SECONDS",
        "familiar_client_seconds",
        one::<i64>,
    ),
    (
        "TESSERA_UNFAMILIAR_FAILURES_PER_HOUR",
        "unfamiliar_failures_per_hour",
        one::<u32>,
    ),
    (
        "TESSERA_LOGINS_IN_FLIGHT_PER_ACCOUNT",
        "logins_in_flight_per_account",
        one::<u32>,
    ),
    (
        "TESSERA_PASSWORD_MIN_LENGTH",
        "password_min_length",
        one::<usize>,
    ),
    (
        "TESSERA_RATE_LOGIN_PER_MINUTE",
        "rate_login_per_minute",
        one::<u32>,
    ),
    (
        "TESSERA_RATE_REGISTER_PER_MINUTE",
        "rate_register_per_minute",
        one::<u32>,
    ),
    (
        "TESSERA_OPEN_REGISTRATION",
        "open_registration",
        one::<bool>,
    ),
    (
        "TESSERA_OAUTH_PASSWORD_GRANT",
        "oauth_password_grant",
        one::<bool>,
    ),
    (
        "TESSERA_RATE_OPEN_REGISTER_PER_MINUTE",
        "rate_open_register_per_minute",
        one::<u32>,
    ),
    (
        "TESSERA_RATE_USERNAME_CHECK_PER_MINUTE",
        "rate_username_check_per_minute",
        one::<u32>,
    ),
    (
        "TESSERA_RATE_FAILED_LOOKUPS_PER_MINUTE",
        "rate_failed_lookups_per_minute",
        one::<u32>,
    ),
    (
        "TESSERA_RATE_LIMIT_IPV6_PREFIX",
        "rate_limit_ipv6_prefix",
        one::<u8>,
    ),
    (
        "TESSERA_RATE_LIMIT_MAX_CLIENTS",
        "rate_limit_max_clients",
        one::<usize>,
    ),
    ("TESSERA_MAX_BODY_BYTES", "max_body_bytes", one::<usize>),
    (
        "TESSERA_HEADER_TIMEOUT_SECONDS",
        "header_timeout_seconds",
        one::<u64>,
    ),
    (
        "TESSERA_BODY_TIMEOUT_SECONDS",
        "body_timeout_seconds",
        one::<u64>,
    ),
    (
        "TESSERA_REQUEST_TIMEOUT_SECONDS",
        "request_timeout_seconds",
        one::<u64>,
    ),
    ("TESSERA_MAX_CONNECTIONS", "max_connections", one::<usize>),
    ("TESSERA_ARGON2_MEMORY_KIB", "argon2_memory_kib", one::<u32>),
    ("TESSERA_ARGON2_ITERATIONS", "argon2_iterations", one::<u32>),
    (
        "TESSERA_ARGON2_PARALLELISM",
        "argon2_parallelism",
        one::<u32>,
    ),
    ("TESSERA_HASH_WORKERS", "hash_workers", one::<usize>),
    ("TESSERA_HASH_QUEUE", "hash_queue", one::<usize>),
    (
        "TESSERA_SQLITE_WRITE_QUEUE",
        "sqlite_write_queue",
        one::<usize>,
    ),
    (
        "TESSERA_PURGE_INTERVAL_SECONDS",
        "purge_interval_seconds",
        one::<u64>,
    ),
    (
        "TESSERA_AUDIT_RETENTION_DAYS",
        "audit_retention_days",
        one::<u32>,
    ),
    ("TESSERA_KEY_ROTATION_DAYS", "key_rotation_days", one::<u32>),
    (
        "TESSERA_JWKS_MAX_AGE_SECONDS",
        "jwks_max_age_seconds",
        one::<i64>,
    ),
    (
        "TESSERA_REVOCATION_POLL_MS",
        "revocation_poll_ms",
        one::<u64>,
    ),
    (
        "TESSERA_APIKEY_MAX_SECONDS",
        "apikey_max_seconds",
        one::<i64>,
    ),
    (
        "TESSERA_APIKEY_DEFAULT_SECONDS",
        "apikey_default_seconds",
        one::<i64>,
    ),
    (
        "TESSERA_APIKEY_REFRESH_SECONDS",
        "apikey_refresh_seconds",
        one::<i64>,
    ),
    (
        "TESSERA_APIKEY_MAX_PER_USER",
        "apikey_max_per_user",
        one::<u32>,
    ),
    ("TESSERA_LOG_PII", "log_pii", one::<bool>),
    ("TESSERA_DATABASE_URL", "database_url", verbatim),
    ("TESSERA_REDIS_URL", "redis_url", verbatim),
    (
        "TESSERA_TRUSTED_PROXIES",
        "trusted_proxies",
        list::<crate::forwarded::ProxyNet>,
    ),
    ("TESSERA_CORS_ORIGINS", "cors_origins", list::<String>),
];

/// Secrets: the variable itself, or else a file named by `NAME_FILE`.
pub(super) const SECRETS: &[(&str, &str)] = &[
    ("JWT_SECRET_KEY", "jwt_secret_key"),
    ("TESSERA_ADMIN_PASSWORD", "admin_password"),
    ("TESSERA_LOG_SALT", "log_salt"),
    ("TESSERA_KEY_ENCRYPTION_KEY", "key_encryption_key"),
];

/// The settings the environment gives, and the variables that could not be read.
pub fn read(get: Getter<'_>) -> (Dict, Vec<String>) {
    let mut values = Dict::new();
    let mut problems = Vec::new();
    for &(name, key) in SECRETS {
        match secret(get, name) {
            Ok(Some(v)) => {
                values.insert(key.into(), Value::from(v));
            }
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
    }
    for &(name, key, parse) in VARS {
        if let Some(raw) = get(name) {
            match parse(name, &raw) {
                Ok(v) => {
                    values.insert(key.into(), v);
                }
                Err(e) => problems.push(e),
            }
        }
    }
    (values, problems)
}

/// The variable that sets `key`, for messages.
pub fn name_of(key: &str) -> Option<&'static str> {
    VARS.iter()
        .map(|&(name, k, _)| (name, k))
        .chain(SECRETS.iter().copied())
        .find_map(|(name, k)| (k == key).then_some(name))
}

fn secret(get: Getter<'_>, name: &str) -> Result<Option<String>, String> {
    if let Some(v) = get(name) {
        return Ok(Some(v));
    }
    match get(&format!("{name}_FILE")) {
        Some(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim_end_matches(['\n', '\r']).to_string()))
            .map_err(|e| format!("{name}_FILE: cannot read {path}: {e}")),
        None => Ok(None),
    }
}

fn parse<T: FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{name}: cannot parse {value:?}"))
}

fn serialize(name: &str, value: impl Serialize) -> Result<Value, String> {
    Value::serialize(value).map_err(|e| format!("{name}: {e}"))
}

/// One value, trimmed and parsed.
fn one<T: FromStr + Serialize>(name: &str, raw: &str) -> Result<Value, String> {
    serialize(name, parse::<T>(name, raw)?)
}

/// A comma-separated list; empty items are skipped.
fn list<T: FromStr + Serialize>(name: &str, raw: &str) -> Result<Value, String> {
    let items: Vec<T> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(name, s))
        .collect::<Result<_, _>>()?;
    serialize(name, items)
}

/// The text as it is (URLs).
fn verbatim(_: &str, raw: &str) -> Result<Value, String> {
    Ok(Value::from(raw.to_string()))
}
