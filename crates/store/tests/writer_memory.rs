//! The SQLite writer keeps the memory it reuses: a write does not hand pages back to the system
//! only to fault them in again for the next one. A test binary of its own, so that the process's
//! page faults are this test's.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use tessera_core::secret::{new_secret, REFRESH_PREFIX};
use tessera_core::settings::AuthSettings;
use tessera_core::store::{NewSession, NewUser, NextRefresh, Rotation, SessionStore, UserStore};
use tessera_core::user::Role;
use tessera_core::Username;
use tessera_store::SqliteStore;

/// Page faults of this process so far (the minor ones: pages mapped in again, no disk read).
fn minor_faults() -> i64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // After the command in parentheses: state is field 3, minflt field 10.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    fields[7].parse().unwrap()
}

#[tokio::test]
async fn rotations_do_not_fault_pages_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("tessera.db"))
        .await
        .unwrap();
    let now = 1_700_000_000;
    let user = Username::parse("alice").unwrap();
    let new_user = NewUser {
        username: user.clone(),
        fullname: "Alice".into(),
        password_hash: "x".into(),
        role: Role::Reader,
        created_at: now,
        must_change_password: false,
    };
    store.create_user(&new_user).await.unwrap();
    let first = new_secret(REFRESH_PREFIX);
    let session = NewSession {
        id: "s1".into(),
        username: user,
        created_at: now,
        refresh_hash: first.hash.clone(),
        refresh_expires_at: now + 86_400,
        requires: None,
        client: Default::default(),
    };
    store.bulk_create_sessions(&[session]).await.unwrap();
    let settings = AuthSettings::default();
    let mut head = first.hash;
    let mut rotate = async |n: usize| {
        for _ in 0..n {
            let next = NextRefresh {
                hash: new_secret(REFRESH_PREFIX).hash,
                expires_at: now + settings.refresh_ttl,
                session_ttl: settings.session_ttl,
                reuse_grace: settings.refresh_reuse_grace,
                on_reuse: None,
                client: Default::default(),
            };
            let rotation = store.rotate_refresh(&head, &next, now).await.unwrap();
            assert!(matches!(rotation, Rotation::Rotated { .. }), "{rotation:?}");
            head = next.hash;
        }
    };
    rotate(200).await; // the caches fill
    let before = minor_faults();
    rotate(2_000).await;
    let faults = minor_faults() - before;
    assert!(faults < 200, "{faults} page faults in 2,000 rotations");
}
