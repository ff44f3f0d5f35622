//! Layering with figment: the defaults, then the TOML file, then the environment; the
//! command-line flags go last. Each setting is read on its own, so that every problem (a
//! missing file, unknown keys, values of the wrong type, variables that do not parse, values out
//! of range) is reported at once.

use std::path::{Path, PathBuf};

use figment::value::{Dict, Map};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::DeserializeOwned;

use super::file::file_layer;
use super::{env, Config};

/// Settings given as command-line flags: they win over every other layer.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub redis_url: Option<String>,
}

/// Everything wrong with a configuration, one problem each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(Vec<String>);

impl ConfigError {
    pub fn new(problems: Vec<String>) -> Self {
        Self(problems)
    }

    pub fn problems(&self) -> &[String] {
        &self.0
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_slice() {
            [one] => f.write_str(one),
            all => {
                write!(f, "{} problems in the configuration:", all.len())?;
                all.iter().try_for_each(|p| write!(f, "\n  {p}"))
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// What the environment layer is called in figment's metadata.
const ENVIRONMENT: &str = "environment";

impl Config {
    /// The configuration from a TOML file (if any), the environment read through `get` (so
    /// tests need not touch the process environment) and the flags, checked.
    pub fn load(
        file: Option<&Path>,
        get: env::Getter<'_>,
        flags: &Flags,
    ) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let mut figment = Figment::new();
        if let Some(path) = file {
            if let Some(toml) = file_layer(path, &mut problems) {
                figment = figment.merge(toml);
            }
        }
        let (values, unreadable) = env::read(get);
        problems.extend(unreadable);
        let mut config = extract(&figment.merge(Layer(values)), &mut problems);
        if let Some(dir) = &flags.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(url) = &flags.database_url {
            config.database_url = Some(url.clone());
        }
        if let Some(url) = &flags.redis_url {
            config.redis_url = Some(url.clone());
        }
        problems.extend(config.problems());
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(problems))
        }
    }
}

/// Settings already typed (the environment's).
struct Layer(Dict);

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(ENVIRONMENT)
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        Ok(Profile::Default.collect(self.0.clone()))
    }
}

/// One setting: its layered value, or its default when no layer sets it or it is unusable.
fn field<T: DeserializeOwned>(
    figment: &Figment,
    key: &str,
    default: T,
    problems: &mut Vec<String>,
) -> T {
    if !figment.contains(key) {
        return default;
    }
    figment.extract_inner(key).unwrap_or_else(|e| {
        problems.extend(e.into_iter().map(|e| describe(key, &e)));
        default
    })
}

fn describe(key: &str, e: &figment::Error) -> String {
    use figment::error::Kind;
    let origin = match &e.metadata {
        Some(md) if md.name == ENVIRONMENT => env::name_of(key).unwrap_or(key).to_string(),
        Some(md) => match &md.source {
            Some(source) => format!("{source}: {key}"),
            None => format!("{}: {key}", md.name),
        },
        None => key.to_string(),
    };
    match &e.kind {
        // A secret's value is never shown, not even a wrong one.
        Kind::InvalidType(..) | Kind::InvalidValue(..) if super::secret::is_secret(key) => {
            format!("{origin}: must be a string")
        }
        kind => format!("{origin}: {kind}"),
    }
}

macro_rules! settings {
    ($($field:ident),* $(,)?) => {
        /// Every key the file may hold.
        pub(super) const KNOWN: &[&str] = &[$(stringify!($field)),*];

        /// Every setting, read one by one (a struct literal: none can be forgotten).
        fn extract(figment: &Figment, problems: &mut Vec<String>) -> Config {
            let defaults = Config::default();
            Config {
                $($field: field(figment, stringify!($field), defaults.$field, problems),)*
            }
        }

        impl std::fmt::Debug for Config {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut out = f.debug_struct("Config");
                $(out.field(
                    stringify!($field),
                    &format_args!("{}", super::secret::shown(stringify!($field), &self.$field)),
                );)*
                out.finish()
            }
        }

        impl Config {
            /// The settings as `tessera config check` prints them: TOML, every secret
            /// redacted.
            pub fn effective(&self) -> String {
                let mut out = String::new();
                $(
                    out.push_str(&super::effective::line(stringify!($field), &self.$field));
                    out.push('\n');
                )*
                out
            }
        }
    };
}

settings!(
    bind,
    metrics_bind,
    data_dir,
    database_url,
    redis_url,
    redis_prefix,
    tls_cert,
    tls_key,
    admin_password,
    jwt_secret_key,
    issuer,
    public_url,
    audience,
    session_timeout,
    refresh_timeout,
    session_absolute_seconds,
    refresh_reuse_grace_seconds,
    max_session,
    session_limit_policy,
    jwt_leeway,
    lockout_threshold,
    lockout_seconds,
    familiar_client_seconds,
    unfamiliar_failures_per_hour,
    logins_in_flight_per_account,
    password_min_length,
    rate_login_per_minute,
    rate_register_per_minute,
    open_registration,
    rate_open_register_per_minute,
    oauth_password_grant,
    rate_username_check_per_minute,
    rate_failed_lookups_per_minute,
    rate_limit_ipv6_prefix,
    rate_limit_max_clients,
    trusted_proxies,
    cors_origins,
    max_body_bytes,
    header_timeout_seconds,
    body_timeout_seconds,
    request_timeout_seconds,
    max_connections,
    argon2_memory_kib,
    argon2_iterations,
    argon2_parallelism,
    hash_workers,
    hash_queue,
    sqlite_write_queue,
    purge_interval_seconds,
    audit_retention_days,
    revocation_poll_ms,
    apikey_max_seconds,
    apikey_default_seconds,
    apikey_refresh_seconds,
    apikey_max_per_user,
    log_pii,
    log_salt,
    key_encryption_key,
    key_rotation_days,
    jwks_max_age_seconds,
);
