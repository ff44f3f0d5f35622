//! Range checks, and the settings turned into the domain's types.

use tessera_core::auth::apikeys::LONGEST_MAX_TTL;
use tessera_core::password::HashParams;
use tessera_core::settings::{AuthSettings, SessionLimitPolicy};
use tessera_core::ApiKeySettings;

use super::Config;

impl Config {
    /// Every setting out of range, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.auth_problems();
        problems.extend(self.apikey_problems());
        if let Err(e) = self.hash_params().check() {
            problems.push(format!("argon2_* settings: {e}"));
        }
        problems
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
        if !(0..=300).contains(&self.jwt_leeway) {
            problems.push("jwt_leeway must be between 0 and 300 seconds".into());
        }
        if self.lockout_seconds < 0 {
            problems.push("lockout_seconds must not be negative".into());
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
            max_sessions: self.max_session,
            session_limit_policy: self.session_limit_policy()?,
            lockout_threshold: self.lockout_threshold,
            lockout_secs: self.lockout_seconds,
            leeway: self.jwt_leeway,
            ..AuthSettings::default()
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
