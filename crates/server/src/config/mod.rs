//! Configuration: defaults, then a TOML file, then environment variables (`TESSERA_*` and
//! PlantDB's names), then command-line flags. Validated into typed values at start-up.
//!
//! `load` layers them (with figment) and reports every problem at once, `file` reads the TOML
//! file, `env` names the variables (`env_names` warns of unknown ones), `check` holds the range
//! checks and the conversions into the domain's settings, `start_checks` those a start makes,
//! `secret` the redacted type for secrets, `effective` the settings as `tessera config check`
//! shows them.

use std::net::SocketAddr;
use std::path::PathBuf;

use tessera_core::password::HashParams;
use tessera_core::settings::AuthSettings;
use tessera_core::ApiKeySettings;

use crate::forwarded::ProxyNet;

mod check;
mod effective;
mod env;
mod env_names;
mod file;
mod load;
mod secret;
mod start_checks;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_check;
#[cfg(test)]
mod tests_checks;

pub use env_names::{not_utf8, unknown_variables};
pub use load::{ConfigError, Flags};
pub use secret::{redact_url, Secret};

/// Every setting, typed. `Debug` shows no secret (nor a URL's password).
#[derive(Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// Where `/metrics` is served instead of on `bind` (plain HTTP); unset: on `bind`.
    pub metrics_bind: Option<SocketAddr>,
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or a PostgreSQL URL; default: `tessera.db` in `data_dir`.
    pub database_url: Option<String>,
    /// Redis for shared rate limits and the revocation feed across instances.
    pub redis_url: Option<String>,
    /// Prefix of tessera's Redis keys and channel, to share one Redis between deployments.
    pub redis_prefix: String,
    /// PEM certificate chain and private key: with both, tessera serves HTTPS (and HTTP/2).
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub admin_password: Option<Secret>,
    pub jwt_secret_key: Option<Secret>,
    pub issuer: String,
    /// The URL clients reach tessera at (https, or http on a loopback host): the base of the
    /// endpoints the server metadata names, and its `issuer` unless `issuer` is a URL.
    pub public_url: Option<String>,
    pub audience: String,
    pub session_timeout: i64,
    pub refresh_timeout: i64,
    /// A session's absolute lifetime from its login, seconds; refreshes cannot extend it.
    pub session_absolute_seconds: i64,
    /// How long a rotated refresh token presented again answers with the same pair, seconds.
    pub refresh_reuse_grace_seconds: i64,
    pub max_session: u32,
    pub session_limit_policy: String,
    pub jwt_leeway: i64,
    pub lockout_threshold: u32,
    pub lockout_seconds: i64,
    /// How long a client stays familiar after a successful login (smart lockout), seconds.
    pub familiar_client_seconds: i64,
    /// Failures per user and hour from unfamiliar clients; 0 = no ceiling.
    pub unfamiliar_failures_per_hour: u32,
    /// Logins of one account checked at once on this instance; 0 = no cap.
    pub logins_in_flight_per_account: u32,
    /// Fewest characters a new password may have (at least 8).
    pub password_min_length: usize,
    pub rate_login_per_minute: u32,
    pub rate_register_per_minute: u32,
    /// Anyone may register as a reader without a credential (default false: admins only).
    pub open_registration: bool,
    /// Registrations without a credential per client and minute, when `open_registration`.
    pub rate_open_register_per_minute: u32,
    /// `POST /oauth2/token` takes `grant_type=password` (default false: RFC 9700 section 2.4
    /// forbids the grant for third parties).
    pub oauth_password_grant: bool,
    pub rate_username_check_per_minute: u32,
    /// Failed credential lookups per client and minute before the next are refused; 0 = off.
    pub rate_failed_lookups_per_minute: u32,
    /// IPv6 clients are rate-limited by their network of this many bits.
    pub rate_limit_ipv6_prefix: u8,
    /// Most clients each local rate limiter tracks.
    pub rate_limit_max_clients: usize,
    /// Peers (addresses or CIDR networks) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ProxyNet>,
    pub cors_origins: Vec<String>,
    pub max_body_bytes: usize,
    /// Seconds a client has to send a request's headers, from connecting or from its previous
    /// answer (so also how long an idle kept-alive connection stays open).
    pub header_timeout_seconds: u64,
    /// Seconds a request body may go without sending anything (then 408).
    pub body_timeout_seconds: u64,
    /// Seconds a whole request may take, body and answer (then 503).
    pub request_timeout_seconds: u64,
    /// Connections open at once; more wait in the listen queue.
    pub max_connections: usize,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Argon2 computations at once; 0 = one per CPU.
    pub hash_workers: usize,
    pub hash_queue: usize,
    /// Writes that may wait for SQLite's single writer; past that, 503.
    pub sqlite_write_queue: usize,
    pub purge_interval_seconds: u64,
    /// Days an audit event is kept before the purge deletes it; 0 = forever.
    pub audit_retention_days: u32,
    pub revocation_poll_ms: u64,
    /// Longest lifetime an API key may ask for, seconds.
    pub apikey_max_seconds: i64,
    /// An API key's lifetime when it asks for none, seconds.
    pub apikey_default_seconds: i64,
    /// Lifetime (and longest) of an API key's refresh token, seconds.
    pub apikey_refresh_seconds: i64,
    /// Most live API keys per user; 0 = unlimited.
    pub apikey_max_per_user: u32,
    /// Log lines name users and client addresses in clear (otherwise by a keyed hash).
    pub log_pii: bool,
    /// The secret the log's hashed names are keyed with; default: derived from the signing key.
    pub log_salt: Option<Secret>,
    /// Seals the private signing keys kept in the database (32 bytes: 64 hex digits or
    /// `base64:…`); on SQLite generated into the data directory when not given; required on
    /// PostgreSQL.
    pub key_encryption_key: Option<Secret>,
    /// Days a signing key signs before the scheduled rotation replaces it; 0 = never.
    pub key_rotation_days: u32,
    /// `Cache-Control: max-age` of the JWKS, seconds; a new key is published this long before
    /// it signs.
    pub jwks_max_age_seconds: i64,
}

impl Default for Config {
    fn default() -> Self {
        let auth = AuthSettings::default();
        let apikeys = ApiKeySettings::default();
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 5000)),
            metrics_bind: None,
            data_dir: PathBuf::from("tessera-data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "tessera".into(),
            tls_cert: None,
            tls_key: None,
            admin_password: None,
            jwt_secret_key: None,
            issuer: "tessera".into(),
            public_url: None,
            audience: "tessera-client".into(),
            session_timeout: auth.access_ttl,
            refresh_timeout: auth.refresh_ttl,
            session_absolute_seconds: auth.session_ttl,
            refresh_reuse_grace_seconds: auth.refresh_reuse_grace,
            max_session: auth.max_sessions,
            session_limit_policy: "evict_oldest".into(),
            jwt_leeway: auth.leeway,
            lockout_threshold: auth.lockout_threshold,
            lockout_seconds: auth.lockout_secs,
            familiar_client_seconds: auth.familiar_client_secs,
            unfamiliar_failures_per_hour: auth.unfamiliar_failures_per_hour,
            logins_in_flight_per_account: auth.logins_in_flight,
            password_min_length: auth.password_policy.min_length,
            rate_login_per_minute: 20,
            rate_register_per_minute: 5,
            open_registration: false,
            rate_open_register_per_minute: 3,
            oauth_password_grant: false,
            rate_username_check_per_minute: 120,
            rate_failed_lookups_per_minute: 30,
            rate_limit_ipv6_prefix: 64,
            rate_limit_max_clients: 100_000,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            max_body_bytes: 64 * 1024,
            header_timeout_seconds: 10,
            body_timeout_seconds: 10,
            request_timeout_seconds: 30,
            max_connections: 10_000,
            argon2_memory_kib: HashParams::OWASP.memory_kib,
            argon2_iterations: HashParams::OWASP.iterations,
            argon2_parallelism: HashParams::OWASP.parallelism,
            hash_workers: 0,
            hash_queue: 64,
            sqlite_write_queue: tessera_store::sqlite::DEFAULT_WRITE_QUEUE,
            purge_interval_seconds: 300,
            audit_retention_days: auth.audit_retention_days,
            revocation_poll_ms: 1000,
            apikey_max_seconds: apikeys.max_ttl,
            apikey_default_seconds: apikeys.default_ttl,
            apikey_refresh_seconds: apikeys.refresh_ttl,
            apikey_max_per_user: apikeys.max_per_user,
            log_pii: false,
            log_salt: None,
            key_encryption_key: None,
            key_rotation_days: 90,
            jwks_max_age_seconds: 300,
        }
    }
}
