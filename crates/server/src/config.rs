//! Configuration: defaults, then a TOML file, then environment variables (`TESSERA_*` and
//! PlantDB's names), then command-line flags. Validated into typed values at start-up.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tessera_core::auth::apikeys::LONGEST_MAX_TTL;
use tessera_core::password::HashParams;
use tessera_core::settings::{AuthSettings, SessionLimitPolicy};
use tessera_core::ApiKeySettings;

/// A secret setting whose `Debug` never shows it.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or a PostgreSQL URL; default: `tessera.db` in `data_dir`.
    pub database_url: Option<String>,
    /// Redis for shared rate limits and the revocation feed across instances.
    pub redis_url: Option<String>,
    /// Prefix of tessera's Redis keys and channel, to share one Redis between deployments.
    pub redis_prefix: String,
    pub admin_password: Option<Secret>,
    pub jwt_secret_key: Option<Secret>,
    pub issuer: String,
    pub audience: String,
    pub session_timeout: i64,
    pub refresh_timeout: i64,
    pub max_session: u32,
    pub session_limit_policy: String,
    pub jwt_leeway: i64,
    pub lockout_threshold: u32,
    pub lockout_seconds: i64,
    pub rate_login_per_minute: u32,
    pub rate_register_per_minute: u32,
    pub rate_username_check_per_minute: u32,
    pub trusted_proxies: Vec<IpAddr>,
    pub cors_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Argon2 computations at once; 0 = one per CPU.
    pub hash_workers: usize,
    pub hash_queue: usize,
    pub purge_interval_seconds: u64,
    pub revocation_poll_ms: u64,
    /// Longest lifetime an API key may ask for, seconds.
    pub apikey_max_seconds: i64,
    /// An API key's lifetime when it asks for none, seconds.
    pub apikey_default_seconds: i64,
    /// Lifetime (and longest) of an API key's refresh token, seconds.
    pub apikey_refresh_seconds: i64,
}

impl Default for Config {
    fn default() -> Self {
        let auth = AuthSettings::default();
        let apikeys = ApiKeySettings::default();
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 5000)),
            data_dir: PathBuf::from("tessera-data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "tessera".into(),
            admin_password: None,
            jwt_secret_key: None,
            issuer: "tessera".into(),
            audience: "tessera-client".into(),
            session_timeout: auth.access_ttl,
            refresh_timeout: auth.refresh_ttl,
            max_session: auth.max_sessions,
            session_limit_policy: "evict_oldest".into(),
            jwt_leeway: auth.leeway,
            lockout_threshold: auth.lockout_threshold,
            lockout_seconds: auth.lockout_secs,
            rate_login_per_minute: 20,
            rate_register_per_minute: 5,
            rate_username_check_per_minute: 120,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            max_body_bytes: 64 * 1024,
            argon2_memory_kib: HashParams::OWASP.memory_kib,
            argon2_iterations: HashParams::OWASP.iterations,
            argon2_parallelism: HashParams::OWASP.parallelism,
            hash_workers: 0,
            hash_queue: 64,
            purge_interval_seconds: 300,
            revocation_poll_ms: 1000,
            apikey_max_seconds: apikeys.max_ttl,
            apikey_default_seconds: apikeys.default_ttl,
            apikey_refresh_seconds: apikeys.refresh_ttl,
        }
    }
}

fn parse<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{name}: cannot parse {value:?}"))
}

fn list<T: std::str::FromStr>(name: &str, value: &str) -> Result<Vec<T>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(name, s))
        .collect()
}

impl Config {
    /// Reads a TOML file over the defaults.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Applies environment variables, read through `get` (so tests need not touch the process
    /// environment). `*_FILE` variants read a secret from a file.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        let secret = |name: &str| -> Result<Option<Secret>, String> {
            if let Some(v) = get(name) {
                return Ok(Some(Secret(v)));
            }
            match get(&format!("{name}_FILE")) {
                Some(path) => std::fs::read_to_string(&path)
                    .map(|s| Some(Secret(s.trim_end_matches(['\n', '\r']).to_string())))
                    .map_err(|e| format!("{name}_FILE: cannot read {path}: {e}")),
                None => Ok(None),
            }
        };
        if let Some(s) = secret("JWT_SECRET_KEY")? {
            self.jwt_secret_key = Some(s);
        }
        if let Some(s) = secret("TESSERA_ADMIN_PASSWORD")? {
            self.admin_password = Some(s);
        }
        macro_rules! env {
            ($($name:literal => $field:ident),* $(,)?) => {$(
                if let Some(v) = get($name) { self.$field = parse($name, &v)?; }
            )*};
        }
        env! {
            "TESSERA_BIND" => bind,
            "TESSERA_DATA_DIR" => data_dir,
            "TESSERA_ISSUER" => issuer,
            "TESSERA_REDIS_PREFIX" => redis_prefix,
            "TESSERA_AUDIENCE" => audience,
            "SESSION_TIMEOUT" => session_timeout,
            "REFRESH_TIMEOUT" => refresh_timeout,
            "MAX_SESSION" => max_session,
            "TESSERA_SESSION_LIMIT_POLICY" => session_limit_policy,
            "TESSERA_JWT_LEEWAY" => jwt_leeway,
            "TESSERA_LOCKOUT_THRESHOLD" => lockout_threshold,
            "TESSERA_LOCKOUT_SECONDS" => lockout_seconds,
            "TESSERA_RATE_LOGIN_PER_MINUTE" => rate_login_per_minute,
            "TESSERA_RATE_REGISTER_PER_MINUTE" => rate_register_per_minute,
            "TESSERA_RATE_USERNAME_CHECK_PER_MINUTE" => rate_username_check_per_minute,
            "TESSERA_MAX_BODY_BYTES" => max_body_bytes,
            "TESSERA_ARGON2_MEMORY_KIB" => argon2_memory_kib,
            "TESSERA_ARGON2_ITERATIONS" => argon2_iterations,
            "TESSERA_ARGON2_PARALLELISM" => argon2_parallelism,
            "TESSERA_HASH_WORKERS" => hash_workers,
            "TESSERA_HASH_QUEUE" => hash_queue,
            "TESSERA_PURGE_INTERVAL_SECONDS" => purge_interval_seconds,
            "TESSERA_REVOCATION_POLL_MS" => revocation_poll_ms,
            "TESSERA_APIKEY_MAX_SECONDS" => apikey_max_seconds,
            "TESSERA_APIKEY_DEFAULT_SECONDS" => apikey_default_seconds,
            "TESSERA_APIKEY_REFRESH_SECONDS" => apikey_refresh_seconds,
        }
        if let Some(v) = get("TESSERA_DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = get("TESSERA_REDIS_URL") {
            self.redis_url = Some(v);
        }
        if let Some(v) = get("TESSERA_TRUSTED_PROXIES") {
            self.trusted_proxies = list("TESSERA_TRUSTED_PROXIES", &v)?;
        }
        if let Some(v) = get("TESSERA_CORS_ORIGINS") {
            self.cors_origins = list("TESSERA_CORS_ORIGINS", &v)?;
        }
        Ok(())
    }

    /// Checks ranges and turns the settings into the domain's.
    pub fn auth_settings(&self) -> Result<AuthSettings, String> {
        if self.session_timeout <= 0 {
            return Err("SESSION_TIMEOUT must be positive".into());
        }
        if self.refresh_timeout < self.session_timeout {
            return Err("REFRESH_TIMEOUT must be at least SESSION_TIMEOUT".into());
        }
        if !(0..=300).contains(&self.jwt_leeway) {
            return Err("jwt_leeway must be between 0 and 300 seconds".into());
        }
        if self.lockout_seconds < 0 {
            return Err("lockout_seconds must not be negative".into());
        }
        let session_limit_policy = match self.session_limit_policy.as_str() {
            "evict_oldest" => SessionLimitPolicy::EvictOldest,
            "refuse" => SessionLimitPolicy::Refuse,
            other => {
                return Err(format!(
                    "session_limit_policy must be evict_oldest or refuse, not {other:?}"
                ))
            }
        };
        Ok(AuthSettings {
            access_ttl: self.session_timeout,
            refresh_ttl: self.refresh_timeout,
            max_sessions: self.max_session,
            session_limit_policy,
            lockout_threshold: self.lockout_threshold,
            lockout_secs: self.lockout_seconds,
            leeway: self.jwt_leeway,
        })
    }

    /// Checks and returns the API-key lifetimes.
    pub fn apikey_settings(&self) -> Result<ApiKeySettings, String> {
        if !(1..=LONGEST_MAX_TTL).contains(&self.apikey_max_seconds) {
            return Err(format!(
                "apikey_max_seconds must be between 1 and {LONGEST_MAX_TTL} seconds (API keys are \
                 short-lived; their refresh tokens are for longer use), not {}",
                self.apikey_max_seconds
            ));
        }
        if !(1..=self.apikey_max_seconds).contains(&self.apikey_default_seconds) {
            return Err("apikey_default_seconds must be between 1 and apikey_max_seconds".into());
        }
        if self.apikey_refresh_seconds <= 0 {
            return Err("apikey_refresh_seconds must be positive".into());
        }
        Ok(ApiKeySettings {
            max_ttl: self.apikey_max_seconds,
            default_ttl: self.apikey_default_seconds,
            refresh_ttl: self.apikey_refresh_seconds,
        })
    }

    pub fn hash_params(&self) -> HashParams {
        HashParams {
            memory_kib: self.argon2_memory_kib,
            iterations: self.argon2_iterations,
            parallelism: self.argon2_parallelism,
        }
    }

    pub fn hash_workers(&self) -> usize {
        if self.hash_workers > 0 {
            return self.hash_workers;
        }
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    /// The database URL in force: the configured one, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("tessera.db").display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_overrides_file_values() {
        let mut cfg: Config = toml::from_str("session_timeout = 60\nmax_session = 2").unwrap();
        cfg.apply_env(env(&[
            ("SESSION_TIMEOUT", "120"),
            ("TESSERA_TRUSTED_PROXIES", "10.0.0.1, ::1"),
            ("JWT_SECRET_KEY", "hunter2"),
        ]))
        .unwrap();
        assert_eq!(cfg.session_timeout, 120);
        assert_eq!(cfg.max_session, 2);
        assert_eq!(cfg.trusted_proxies.len(), 2);
        assert_eq!(cfg.jwt_secret_key.as_ref().unwrap().expose(), "hunter2");
        assert!(!format!("{cfg:?}").contains("hunter2"));
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let mut cfg = Config::default();
        let err = cfg.apply_env(env(&[("MAX_SESSION", "many")])).unwrap_err();
        assert!(err.contains("MAX_SESSION"));
        cfg.session_limit_policy = "sometimes".into();
        assert!(cfg.auth_settings().is_err());
        assert!(toml::from_str::<Config>("no_such_key = 1").is_err());
    }

    #[test]
    fn the_example_file_parses() {
        let cfg: Config = toml::from_str(crate::cli::EXAMPLE_CONFIG).unwrap();
        assert!(cfg.auth_settings().is_ok());
        assert_eq!(cfg.apikey_settings(), Ok(ApiKeySettings::default()));
    }

    #[test]
    fn apikey_lifetimes_come_from_the_environment_and_are_checked() {
        let mut cfg = Config::default();
        cfg.apply_env(env(&[
            ("TESSERA_APIKEY_MAX_SECONDS", "600"),
            ("TESSERA_APIKEY_DEFAULT_SECONDS", "300"),
            ("TESSERA_APIKEY_REFRESH_SECONDS", "3600"),
        ]))
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
}
