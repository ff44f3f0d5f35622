//! One test's world: a real SQLite store (behind a switch that makes it fail on demand), a
//! manual clock, and the auth service on them.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use tempfile::TempDir;
use tessera_core::jwt::JwtCodec;
use tessera_core::keys::SigningKey;
use tessera_core::password::{HashParams, PasswordPool};
use tessera_core::{Auth, AuthSettings, Clock, Error, LoginOutcome, ManualClock, Role, Timestamp};
use tessera_store::SqliteStore;

use crate::flaky::{Flaky, FlakyStore};

pub const T0: Timestamp = 1_700_000_000;
pub const USER: &str = "anna";
pub const PASSWORD: &str = "correct horse battery";
/// Where the tests' logins come from, unless a test says otherwise.
pub const OWNER: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));

/// Cheap hashing: these tests are about time and storage, not about Argon2's cost.
const PARAMS: HashParams = HashParams {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

pub struct World {
    pub auth: Auth,
    pub clock: Arc<ManualClock>,
    pub store: Arc<FlakyStore>,
    settings: AuthSettings,
    _dir: TempDir,
}

impl World {
    /// Default settings, and the user `anna` (a reader).
    pub async fn new() -> Self {
        Self::with(AuthSettings::default()).await
    }

    pub async fn with(settings: AuthSettings) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let sqlite = SqliteStore::open(&dir.path().join("tessera.db"))
            .await
            .expect("open SQLite");
        let store = Arc::new(FlakyStore::new(Arc::new(sqlite), Flaky::default()));
        let clock = Arc::new(ManualClock::new(T0));
        let auth = auth_on(&store, &clock, &settings);
        auth.create_user(USER, "Anna", PASSWORD, Role::Reader, false)
            .await
            .expect("create anna");
        Self {
            auth,
            clock,
            store,
            settings,
            _dir: dir,
        }
    }

    /// Another instance on the same database and clock, signing with the same key.
    pub fn another_instance(&self) -> Auth {
        auth_on(&self.store, &self.clock, &self.settings)
    }

    /// Another instance on the same database, with a clock of its own.
    pub fn instance_with_clock(&self, clock: &Arc<ManualClock>) -> Auth {
        auth_on(&self.store, clock, &self.settings)
    }

    pub async fn login(&self) -> LoginOutcome {
        self.auth.login(USER, PASSWORD, OWNER).await.expect("login")
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance(secs);
    }
}

fn auth_on(store: &Arc<FlakyStore>, clock: &Arc<ManualClock>, settings: &AuthSettings) -> Auth {
    let key = SigningKey::from_bytes(vec![7; 64]).expect("signing key");
    let jwt = JwtCodec::new(&key, "tessera", "tessera-client", settings.leeway);
    let passwords = PasswordPool::new(PARAMS, 1, 16).expect("password pool");
    let clock: Arc<dyn Clock> = clock.clone();
    Auth::new(store.clone(), clock, passwords, jwt, settings.clone())
}

/// The error, which must be a storage failure carrying the injected cause.
pub fn assert_injected<T: std::fmt::Debug>(result: Result<T, Error>) {
    let err = result.expect_err("the store failed");
    assert!(matches!(err, Error::Storage(_)), "{err:?}");
    let cause = std::error::Error::source(&err).expect("the cause is kept");
    assert_eq!(cause.to_string(), crate::flaky::INJECTED);
}
