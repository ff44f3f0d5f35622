//! What a server (and the `tessera user`/`resource` commands) runs on: the configuration
//! checked, the data directory, the store, the signing key, the auth service, the first users.

use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use tessera_core::auth::FirstKey;
use tessera_core::jwt::JwtCodec;
use tessera_core::keys::SigningKey;
use tessera_core::password::PasswordPool;
use tessera_core::signing::{Kek, KeyPolicy};
use tessera_core::{Auth, Clock, Error, PiiLog, Role};
use tessera_store::SqliteOptions;

use crate::config::Config;
use crate::feed::Feed;

/// Opens the store and builds the auth service a configuration describes.
pub async fn build_auth(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Arc<Auth>> {
    let problems = config.problems();
    if !problems.is_empty() {
        bail!(problems.join("; "));
    }
    let settings = config.auth_settings().map_err(anyhow::Error::msg)?;
    create_data_dir(config)?;
    crate::private_files::tighten(config)?;
    let sqlite = SqliteOptions {
        write_queue: config.sqlite_write_queue,
    };
    let store = tessera_store::open_with(&config.database_url(), sqlite)
        .await
        .context("cannot open the database")?;
    if let Some(problem) = config.shared_key_problem() {
        bail!(problem);
    }
    let kek = kek(config)?;
    let shared = config.shared_database();
    // A new installation (no key given, none kept) signs with Ed25519 from the start; on a
    // shared database without JWT_SECRET_KEY that is every installation (the store's keys
    // decide: one that already has keys keeps them).
    let first = if config.jwt_secret_key.is_none()
        && (shared || !config.data_dir.join(crate::keyfile::KEY_FILE).exists())
    {
        FirstKey::EdDsa
    } else {
        FirstKey::Installation
    };
    // The HS512 key that signs API keys: the configuration's; on a shared database without
    // one, derived from the key-encryption key every instance holds; else kept in the data
    // directory.
    let key = match &config.jwt_secret_key {
        Some(secret) => SigningKey::from_setting(secret.expose()).context("JWT_SECRET_KEY")?,
        None if shared => kek.installation_key(),
        None => crate::keyfile::load_or_create(&config.data_dir)?,
    };
    let policy = key_policy(config, &settings);
    let jwt = JwtCodec::new(&key, &config.issuer, &config.audience, settings.leeway);
    let pool = PasswordPool::new(
        config.hash_params(),
        config.hash_workers(),
        config.hash_queue,
    )
    .context("Argon2 parameters")?;
    let mut auth = Auth::new(store, clock, pool, jwt, settings)
        .with_apikey_settings(config.apikey_settings().map_err(anyhow::Error::msg)?)
        .with_pii_log(pii_log(config, &key))
        .with_signing_keys(Some(kek), key.clone(), policy);
    if let Some(publisher) = feed(config).publisher().await.map_err(anyhow::Error::msg)? {
        auth = auth.with_publisher(publisher);
    }
    let auth = Arc::new(auth);
    auth.start_signing_keys(first)
        .await
        .context("cannot read the signing keys")?;
    auth.sync_revocations()
        .await
        .context("cannot load revocations")?;
    Ok(auth)
}

/// The key-encryption key: configured, or on SQLite kept in the data directory.
fn kek(config: &Config) -> anyhow::Result<Kek> {
    if let Some(value) = &config.key_encryption_key {
        return Kek::from_setting(value.expose()).context("key_encryption_key");
    }
    if let Some(problem) = config.kek_problem() {
        bail!(problem);
    }
    crate::keyfile::load_or_create_kek(&config.data_dir)
}

/// How long keys are published before they sign and kept after they stop.
fn key_policy(config: &Config, settings: &tessera_core::AuthSettings) -> KeyPolicy {
    KeyPolicy {
        jwks_max_age: config.jwks_max_age_seconds,
        token_lifetime: settings.access_ttl + settings.leeway,
        rotation_days: config.key_rotation_days,
    }
}

/// How log lines name users and client addresses: in clear with `log_pii`; otherwise hashed
/// under `log_salt`, or else under a key derived from the signing key, which every instance of
/// a deployment already shares (so their hashes agree) and which never leaves it.
fn pii_log(config: &Config, signing_key: &SigningKey) -> PiiLog {
    if config.log_pii {
        return PiiLog::clear();
    }
    match &config.log_salt {
        Some(salt) => PiiLog::hashed(salt.expose().as_bytes()),
        None => PiiLog::hashed(signing_key.expose()),
    }
}

pub(crate) fn feed(config: &Config) -> Feed {
    Feed::choose(
        &config.database_url(),
        config.redis_url.as_deref(),
        &config.redis_prefix,
    )
}

fn create_data_dir(config: &Config) -> anyhow::Result<()> {
    if config.database_url.is_some()
        && (config.jwt_secret_key.is_some() || config.shared_database())
        && config.key_encryption_key.is_some()
    {
        return Ok(());
    }
    let dir = &config.data_dir;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))
}

/// Creates the demo users, or on an empty database the first admin. Returns a generated
/// admin password, to be shown once.
pub(crate) async fn seed_users(
    auth: &Auth,
    config: &Config,
    demo: bool,
) -> anyhow::Result<Option<String>> {
    let tolerate = |r: Result<_, Error>| match r {
        Ok(_) | Err(Error::Conflict(_)) => Ok(()),
        Err(e) => Err(anyhow!(e).context("cannot create a user")),
    };
    if demo {
        tolerate(
            auth.create_user("admin", "Demo Admin", "admin", Role::Admin, true)
                .await,
        )?;
        tolerate(
            auth.create_user("guest", "Demo Guest", "guest", Role::Reader, true)
                .await,
        )?;
        return Ok(None);
    }
    if auth.store().count_users().await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.expose().to_string(), false),
        None => (tessera_core::secret::random_b64(18), true),
    };
    auth.create_user("admin", "Administrator", &password, Role::Admin, false)
        .await
        .context("cannot create the admin user")?;
    Ok(generated.then_some(password))
}
