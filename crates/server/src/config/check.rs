//! Range checks, and the settings turned into the domain's types.

use std::time::Duration;

use tessera_core::auth::apikeys::LONGEST_MAX_TTL;
use tessera_core::password::HashParams;
use tessera_core::password_policy::{PasswordPolicy, HIGHEST_MIN_LENGTH, LOWEST_MIN_LENGTH};
use tessera_core::settings::{AuthSettings, SessionLimitPolicy, MAX_REFRESH_REUSE_GRACE};
use tessera_core::ApiKeySettings;

use super::Config;

/// The passphrase `tessera config example` shows for `jwt_secret_key`: refused, since anyone
/// can read it.
pub const EXAMPLE_PASSPHRASE: &str = "a long passphrase shared by every instance";

/// Shortest `JWT_SECRET_KEY` passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 32;

/// The longest audit retention, in days (a century).
pub const MAX_AUDIT_RETENTION_DAYS: u32 = 36_500;

/// `scheme://host[:port]`, as browsers send it in `Origin`.
fn is_origin(origin: &str) -> bool {
    let Some((scheme, host)) = origin.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && !host.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && host
            .chars()
            .all(|c| c.is_ascii_graphic() && !"/?#@".contains(c))
}

impl Config {
    /// Every setting out of range, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.auth_problems();
        problems.extend(self.apikey_problems());
        problems.extend(self.passphrase_problem());
        problems.extend(self.cors_problems());
        problems.extend(self.connection_problems());
        if let Err(e) = self.hash_params().check() {
            problems.push(format!("argon2_* settings: {e}"));
        }
        if self.sqlite_write_queue == 0 {
            problems.push("sqlite_write_queue must be at least 1".into());
        }
        problems
    }

    /// A `JWT_SECRET_KEY` passphrase must be long, and not the one `tessera config example`
    /// shows. (Raw `base64:`/`hex:` keys have their own rule: at least 64 bytes.)
    fn passphrase_problem(&self) -> Option<String> {
        let value = self.jwt_secret_key.as_ref()?.expose();
        if value.starts_with("base64:") || value.starts_with("hex:") {
            return None;
        }
        if value == EXAMPLE_PASSPHRASE {
            return Some(
                "JWT_SECRET_KEY is the example passphrase of `tessera config example`, which \
                 everyone can read: choose a passphrase of your own"
                    .into(),
            );
        }
        let length = value.chars().count();
        (length < MIN_PASSPHRASE_CHARS).then(|| {
            format!(
                "JWT_SECRET_KEY: a passphrase must be at least {MIN_PASSPHRASE_CHARS} characters \
                 (this one has {length}); or give a raw key as base64:… or hex:… (at least 64 \
                 bytes)"
            )
        })
    }

    /// `cors_origins`: `["*"]` alone (any origin, without credentials), or origins such as
    /// `https://app.example.com`.
    fn cors_problems(&self) -> Vec<String> {
        let origins = &self.cors_origins;
        if origins.iter().any(|o| o == "*") {
            return (origins.len() > 1)
                .then(|| "cors_origins: \"*\" (any origin) must be the only entry".to_string())
                .into_iter()
                .collect();
        }
        origins
            .iter()
            .filter(|o| !is_origin(o))
            .map(|o| {
                format!("cors_origins: {o:?} is not an origin (scheme://host[:port], no path)")
            })
            .collect()
    }

    fn connection_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, value) in [
            ("header_timeout_seconds", self.header_timeout_seconds),
            ("body_timeout_seconds", self.body_timeout_seconds),
            ("request_timeout_seconds", self.request_timeout_seconds),
        ] {
            if !(1..=3600).contains(&value) {
                problems.push(format!("{name} must be between 1 and 3600, not {value}"));
            }
        }
        if let Some(Err(e)) = self.public_url.as_deref().map(crate::public_url::parse) {
            problems.push(format!("public_url: {e}"));
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            problems.push("tls_cert and tls_key go together: set both, or neither".into());
        }
        if self.metrics_bind == Some(self.bind) && self.bind.port() != 0 {
            problems.push(
                "metrics_bind must differ from bind (unset it to serve /metrics on bind)".into(),
            );
        }
        if self.max_connections == 0 {
            problems.push("max_connections must be at least 1".into());
        }
        if self.rate_limit_ipv6_prefix > 128 {
            problems.push(format!(
                "rate_limit_ipv6_prefix must be between 0 and 128, not {}",
                self.rate_limit_ipv6_prefix
            ));
        }
        if self.rate_limit_max_clients == 0 {
            problems.push("rate_limit_max_clients must be at least 1".into());
        }
        problems
    }

    /// How connections are held (the ranges are checked by `problems`).
    pub fn connection_limits(&self) -> crate::connections::ConnectionLimits {
        crate::connections::ConnectionLimits {
            header_timeout: Duration::from_secs(self.header_timeout_seconds),
            max_connections: self.max_connections,
        }
    }

    /// How rate limiters tell clients apart.
    pub fn client_keys(&self) -> crate::ratelimit::ClientKeys {
        crate::ratelimit::ClientKeys {
            ipv6_prefix: self.rate_limit_ipv6_prefix,
            max_clients: self.rate_limit_max_clients,
        }
    }

    fn session_limit_policy(&self) -> Result<SessionLimitPolicy, String> {
        match self.session_limit_policy.as_str() {
            "evict_oldest" => Ok(SessionLimitPolicy::EvictOldest),
            "refuse" => Ok(SessionLimitPolicy::Refuse),
            other => Err(format!(
                "session_limit_policy must be evict_oldest or refuse, not {other:?}"
            )),
        }
    }

    fn auth_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.session_timeout <= 0 {
            problems.push("SESSION_TIMEOUT must be positive".into());
        }
        if self.refresh_timeout < self.session_timeout {
            problems.push("REFRESH_TIMEOUT must be at least SESSION_TIMEOUT".into());
        }
        if self.session_absolute_seconds < self.session_timeout {
            problems.push("session_absolute_seconds must be at least SESSION_TIMEOUT".into());
        }
        if !(0..=MAX_REFRESH_REUSE_GRACE).contains(&self.refresh_reuse_grace_seconds) {
            problems.push(format!(
                "refresh_reuse_grace_seconds must be between 0 and {MAX_REFRESH_REUSE_GRACE} \
                 seconds (a grace is for a retry, not for sharing a refresh token)"
            ));
        }
        if !(0..=300).contains(&self.jwt_leeway) {
            problems.push("jwt_leeway must be between 0 and 300 seconds".into());
        }
        if self.lockout_seconds < 0 {
            problems.push("lockout_seconds must not be negative".into());
        }
        if self.familiar_client_seconds < 0 {
            problems.push("familiar_client_seconds must not be negative".into());
        }
        if !(LOWEST_MIN_LENGTH..=HIGHEST_MIN_LENGTH).contains(&self.password_min_length) {
            problems.push(format!(
                "password_min_length must be between {LOWEST_MIN_LENGTH} and \
                 {HIGHEST_MIN_LENGTH} characters (NIST SP 800-63B asks for at least \
                 {LOWEST_MIN_LENGTH}), not {}",
                self.password_min_length
            ));
        }
        if self.audit_retention_days > MAX_AUDIT_RETENTION_DAYS {
            problems.push(format!(
                "audit_retention_days must be at most {MAX_AUDIT_RETENTION_DAYS} (0 keeps events forever)"
            ));
        }
        if !(0..=86_400).contains(&self.jwks_max_age_seconds) {
            problems.push("jwks_max_age_seconds must be between 0 and 86400".into());
        }
        if self.key_rotation_days > MAX_AUDIT_RETENTION_DAYS {
            problems.push(format!(
                "key_rotation_days must be at most {MAX_AUDIT_RETENTION_DAYS} (0 never rotates)"
            ));
        }
        if let Some(kek) = &self.key_encryption_key {
            if let Err(e) = tessera_core::signing::Kek::from_setting(kek.expose()) {
                problems.push(format!("key_encryption_key: {e}"));
            }
        }
        problems.extend(self.session_limit_policy().err());
        problems
    }

    /// Checks ranges and turns the settings into the domain's.
    pub fn auth_settings(&self) -> Result<AuthSettings, String> {
        let problems = self.auth_problems();
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(AuthSettings {
            access_ttl: self.session_timeout,
            refresh_ttl: self.refresh_timeout,
            session_ttl: self.session_absolute_seconds,
            refresh_reuse_grace: self.refresh_reuse_grace_seconds,
            max_sessions: self.max_session,
            session_limit_policy: self.session_limit_policy()?,
            lockout_threshold: self.lockout_threshold,
            lockout_secs: self.lockout_seconds,
            familiar_client_secs: self.familiar_client_seconds,
            unfamiliar_failures_per_hour: self.unfamiliar_failures_per_hour,
            logins_in_flight: self.logins_in_flight_per_account,
            password_policy: PasswordPolicy {
                min_length: self.password_min_length,
            },
            leeway: self.jwt_leeway,
            audit_retention_days: self.audit_retention_days,
            open_registration: self.open_registration,
        })
    }

    fn apikey_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(1..=LONGEST_MAX_TTL).contains(&self.apikey_max_seconds) {
            problems.push(format!(
                "apikey_max_seconds must be between 1 and {LONGEST_MAX_TTL} seconds (API keys are \
                 short-lived; their refresh tokens are for longer use), not {}",
                self.apikey_max_seconds
            ));
        }
        if !(1..=self.apikey_max_seconds).contains(&self.apikey_default_seconds) {
            problems.push("apikey_default_seconds must be between 1 and apikey_max_seconds".into());
        }
        if self.apikey_refresh_seconds <= 0 {
            problems.push("apikey_refresh_seconds must be positive".into());
        }
        problems
    }

    /// Checks and returns the API-key lifetimes.
    pub fn apikey_settings(&self) -> Result<ApiKeySettings, String> {
        let problems = self.apikey_problems();
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(ApiKeySettings {
            max_ttl: self.apikey_max_seconds,
            default_ttl: self.apikey_default_seconds,
            refresh_ttl: self.apikey_refresh_seconds,
            max_per_user: self.apikey_max_per_user,
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
