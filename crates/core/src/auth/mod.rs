//! The auth service: logins, sessions, token validation, rotation and revocation.

pub mod apikeys;
mod audit;
mod caller;
mod client_tokens;
pub mod clients;
mod devices;
mod import;
mod in_flight;
pub mod introspect;
mod lockout;
mod login;
mod passwords;
mod personal;
mod profiles;
mod refresh;
mod resource_tokens;
mod resources;
mod revocation_sync;
mod revoke_presented;
mod scoped;
mod sessions;
mod signing_keys;
mod stamp;
mod token_cache;
mod token_uses;
mod tokens;
mod ttl_cache;
mod user_admin;
mod users;
mod verified;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::audit::{AuditEvent, AuditKind};
use crate::clock::Clock;
use crate::error::Result;
use crate::feed::{Revocation, RevocationPublisher};
use crate::jwt::JwtCodec;
use crate::password::PasswordPool;
use crate::pii::PiiLog;
use crate::revocation::RevocationSet;
use crate::revocation_key::RevocationKey;
use crate::settings::AuthSettings;
use crate::stats::{AuthStats, OpTimings, Published, Received};
use crate::store::decorated::{Decorated, Timed};
use crate::store::Store;
use crate::Timestamp;

pub use apikeys::ApiKeySettings;
pub use caller::Caller;
pub use client_tokens::{ClientValidated, IssuedClientToken};
pub use clients::CreatedClient;
pub use devices::constant_time_eq;
pub use import::ImportedUser;
pub use login::LoginOutcome;
pub use passwords::PasswordReset;
pub use personal::{CreatedToken, MAX_LIFETIME};
pub use refresh::Refreshed;
pub use scoped::{Identity, ScopedValidated};
pub use sessions::MAX_USER_AGENT_CHARS;
pub use signing_keys::FirstKey;
pub use tokens::Validated;
pub use user_admin::{CreatedUser, UserChanges};

use client_tokens::ClientCache;
use in_flight::InFlight;
use profiles::ProfileCache;
use revocation_sync::SyncState;
use token_cache::TokenCache;
use token_uses::TokenUses;
use verified::VerifiedTokens;

/// Everything the auth use cases need, built once at start-up and shared.
pub struct Auth {
    /// The store, each operation timed into `store_timings`.
    store: Arc<dyn Store>,
    store_timings: Arc<OpTimings>,
    clock: Arc<dyn Clock>,
    passwords: PasswordPool,
    jwt: JwtCodec,
    revoked: RevocationSet,
    /// Access tokens already verified, so that validating one again skips the signature.
    verified: VerifiedTokens,
    profiles: ProfileCache,
    /// Scoped tokens by hash, so that their validation keeps off the database.
    tokens: TokenCache,
    /// Latest use of each scoped token, until flushed to the store.
    token_uses: TokenUses,
    /// Service clients by id, so that their tokens are issued and validated from memory.
    clients: ClientCache,
    /// Latest use of each service client, until flushed to the store.
    client_uses: TokenUses,
    settings: AuthSettings,
    apikeys: ApiKeySettings,
    /// Where the catch-up poll of the revocation log stands.
    sync: SyncState,
    /// Tells the other instances what this one revoked.
    publisher: Option<Arc<dyn RevocationPublisher>>,
    /// Whether revocations from other instances are arriving; while not, validation asks the
    /// store, and fails closed when the store cannot answer.
    feed_live: AtomicBool,
    /// Logins being decided, per account, capped by `settings.logins_in_flight`.
    logins_in_flight: InFlight,
    /// How log lines name users (hashed unless `log_pii`).
    log: PiiLog,
    /// What the signing keys are opened with, and whether they must be read again.
    signing: signing_keys::Signing,
    /// Counts for the metrics.
    stats: AuthStats,
}

impl Auth {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        passwords: PasswordPool,
        jwt: JwtCodec,
        settings: AuthSettings,
    ) -> Self {
        let store_timings = Arc::new(OpTimings::default());
        let store = Arc::new(Decorated::new(store, Timed(store_timings.clone())));
        Self {
            store,
            store_timings,
            passwords,
            jwt: jwt.with_clock(clock.clone()),
            clock,
            revoked: RevocationSet::new(),
            verified: VerifiedTokens::default(),
            profiles: ProfileCache::default(),
            tokens: TokenCache::default(),
            token_uses: TokenUses::default(),
            clients: ClientCache::default(),
            client_uses: TokenUses::default(),
            settings,
            apikeys: ApiKeySettings::default(),
            sync: SyncState::default(),
            publisher: None,
            feed_live: AtomicBool::new(true),
            logins_in_flight: InFlight::default(),
            log: PiiLog::random(),
            signing: signing_keys::Signing::default(),
            stats: AuthStats::default(),
        }
    }

    pub fn with_apikey_settings(mut self, apikeys: ApiKeySettings) -> Self {
        self.apikeys = apikeys;
        self
    }

    pub fn apikey_settings(&self) -> &ApiKeySettings {
        &self.apikeys
    }

    /// How log lines name users and client addresses.
    pub fn with_pii_log(mut self, log: PiiLog) -> Self {
        self.log = log;
        self
    }

    pub fn pii_log(&self) -> &PiiLog {
        &self.log
    }

    /// Publishes this instance's revocations to the others.
    pub fn with_publisher(mut self, publisher: Arc<dyn RevocationPublisher>) -> Self {
        self.publisher = Some(publisher);
        self
    }

    pub fn set_feed_live(&self, live: bool) {
        self.feed_live.store(live, Ordering::SeqCst);
    }

    pub fn feed_live(&self) -> bool {
        self.feed_live.load(Ordering::SeqCst)
    }

    /// A revocation another instance announced.
    pub fn apply_remote(&self, revoked: &Revocation) {
        self.stats.received.add(Received::Feed);
        self.remember_revoked(&revoked.key, revoked.revoked_at);
    }

    /// Records what this instance has just revoked (and committed), and tells the others.
    /// They are stamped with the database's clock, as the revocation log stamps them.
    async fn revoked_here(&self, keys: &[RevocationKey], now: Timestamp) {
        let now = self.database_time(now);
        for key in keys {
            self.remember_revoked(key, now);
        }
        let Some(publisher) = &self.publisher else {
            return;
        };
        for key in keys {
            let revoked = Revocation {
                key: key.clone(),
                revoked_at: now,
            };
            let published = publisher.publish(&revoked).await;
            self.stats.published.add(match published {
                Ok(()) => Published::Ok,
                Err(_) => Published::Failed,
            });
            if let Err(e) = published {
                tracing::warn!(error = %e, "cannot publish a revocation; other instances will read it from the store");
            }
        }
    }

    /// A successful `kind` now, from the client of the request being handled (if any).
    pub(crate) fn event(&self, kind: AuditKind) -> AuditEvent {
        AuditEvent::new(kind, self.clock.now()).ip(crate::audit::client_ip())
    }

    /// What this service has counted, for the metrics.
    pub fn stats(&self) -> &AuthStats {
        &self.stats
    }

    /// How long each store operation took.
    pub fn store_timings(&self) -> &OpTimings {
        &self.store_timings
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The `iss` of tessera's tokens.
    pub fn issuer(&self) -> &str {
        self.jwt.issuer()
    }

    /// The algorithms of the keys that sign access tokens, or verify ones still live, as the
    /// key set has them now.
    pub fn signing_algorithms(&self) -> Vec<&'static str> {
        let now = self.clock.now();
        let keys = self.jwt.keys();
        let mut algs: Vec<&'static str> = Vec::new();
        for key in keys.keys() {
            let alg = key.alg().as_str();
            if key.state(now, keys.policy()).verifies() && !algs.contains(&alg) {
                algs.push(alg);
            }
        }
        algs
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn passwords(&self) -> &PasswordPool {
        &self.passwords
    }

    /// How long a revoked id must stay in the set: until the last access token of its session
    /// expired (for an API key: until the longest key could have expired). A revoked scoped
    /// token stays at least until no cached copy of it can be left. Counted from this
    /// instance's clock when the revocation's stamp is earlier: a stamp from a slow clock (or
    /// a revocation learnt late) must not shorten the entry.
    fn revoked_until(&self, key: &RevocationKey, revoked_at: Timestamp) -> Timestamp {
        let lasts = match key {
            RevocationKey::ApiKey(_) => self.apikeys.max_ttl,
            RevocationKey::ScopedToken(_) => {
                self.settings.access_ttl.max(token_cache::TOKEN_CACHE_TTL)
            }
            RevocationKey::Session(_)
            | RevocationKey::UserChanged(_)
            | RevocationKey::SigningKey(_)
            | RevocationKey::Client(_) => self.settings.access_ttl,
        };
        revoked_at.max(self.clock.now()) + lasts + self.settings.leeway
    }

    /// Records a revocation; a user change instead makes this instance forget that user's
    /// cached profile (it is not a revocation and stays out of the set).
    pub(super) fn remember_revoked(&self, key: &RevocationKey, revoked_at: Timestamp) {
        if let RevocationKey::UserChanged(username) = key {
            self.profiles.forget(username);
            return;
        }
        if let RevocationKey::SigningKey(_) = key {
            self.signing.stale.store(true, Ordering::SeqCst);
            return;
        }
        self.revoked
            .insert(key.clone(), self.revoked_until(key, revoked_at));
    }

    /// Deletes expired sessions from the store (and API keys, and the records of revoked client
    /// tokens, once what they revoked has expired) and forgets stale revocations.
    pub async fn purge_expired(&self) -> Result<u64> {
        let now = self.clock.now();
        self.revoked.prune(now);
        let keys = self
            .store
            .purge_apikeys(now, now - self.apikeys.max_ttl - self.settings.leeway - 60)
            .await?;
        let sessions = self
            .store
            .purge(
                now,
                now - self.settings.access_ttl - self.settings.leeway - 60,
            )
            .await?;
        let past = now - self.settings.leeway - 60;
        let client_tokens = self.store.purge_revoked_client_tokens(past).await?;
        if client_tokens > 0 {
            tracing::debug!(client_tokens, "expired revoked client tokens purged");
        }
        self.prune_revocation_log().await?;
        self.forget_stale_clients(now).await?;
        let events = self.purge_audit(now).await?;
        if events > 0 {
            tracing::info!(events, "audit events past their retention purged");
        }
        Ok(sessions + keys)
    }

    /// How many sessions are live now (a count in the store, for the metrics).
    pub async fn count_live_sessions(&self) -> Result<u64> {
        self.store.count_live_sessions(self.clock.now()).await
    }

    /// Number of revoked sessions validation currently checks against.
    pub fn revoked_in_memory(&self) -> usize {
        self.revoked.len()
    }
}
