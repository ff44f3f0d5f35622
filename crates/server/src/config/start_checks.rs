//! The checks a start makes once the configuration is loaded, which `tessera config check`
//! makes too: a raw signing key decodes and is long enough, instances sharing a database hold
//! the one key-encryption key, instances sharing only Redis one configured signing key, and the
//! TLS certificate and key can be read and match.

use tessera_core::keys::SigningKey;

use super::Config;
use crate::feed::Feed;

impl Config {
    /// The problems only a start would find, one message each; never a key itself. (A
    /// passphrase is not stretched here: that is the start's work.)
    pub fn start_problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self.shared_key_problem().into_iter().collect();
        problems.extend(self.kek_problem());
        if let Some(files) = self.tls_files() {
            problems.extend(crate::tls::Certificate::load(files).err());
        }
        if let Some(key) = &self.jwt_secret_key {
            let raw = key.expose();
            if raw.starts_with("base64:") || raw.starts_with("hex:") {
                if let Err(e) = SigningKey::from_setting(raw) {
                    let e = e.to_string();
                    problems.push(if e.starts_with("JWT_SECRET_KEY") {
                        e
                    } else {
                        format!("JWT_SECRET_KEY: {e}")
                    });
                }
            }
        }
        problems
    }

    /// Whether the database is shared by instances (PostgreSQL), not a file of this one.
    pub fn shared_database(&self) -> bool {
        tessera_store::sqlite_path(&self.database_url()).is_none()
    }

    /// Several instances must sign with one key, so a generated one will not do. On a shared
    /// database the keys are in it (the key-encryption key opens them, see `kek_problem`);
    /// instances sharing Redis but each with its own SQLite file need `JWT_SECRET_KEY`.
    pub fn shared_key_problem(&self) -> Option<String> {
        let several = Feed::choose(
            &self.database_url(),
            self.redis_url.as_deref(),
            &self.redis_prefix,
        ) != Feed::None;
        (several && !self.shared_database() && self.jwt_secret_key.is_none()).then(|| {
            "several instances must sign with one key: set JWT_SECRET_KEY (or \
             JWT_SECRET_KEY_FILE) when Redis is configured on SQLite"
                .to_string()
        })
    }

    /// A shared database holds sealed signing keys: every instance needs the one key that
    /// opens them, so a generated one will not do.
    pub fn kek_problem(&self) -> Option<String> {
        let shared = self.shared_database();
        (shared && self.key_encryption_key.is_none()).then(|| {
            "the database is shared: set the key-encryption key that seals the signing keys in \
             it (key_encryption_key, TESSERA_KEY_ENCRYPTION_KEY or \
             TESSERA_KEY_ENCRYPTION_KEY_FILE: 32 bytes as 64 hex digits, e.g. from `openssl rand \
             -hex 32`), the same on every instance, and keep a copy apart from the database's \
             backups"
                .to_string()
        })
    }
}
