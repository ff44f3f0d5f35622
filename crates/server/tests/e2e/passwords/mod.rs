//! Passwords through the real server and client: a user changing their own, an admin's reset
//! and the change it may require, and open registration; each on SQLite and on PostgreSQL.

mod change;
mod must_change;
mod open_registration;
mod reset;

use sqlx::Connection;
use tessera_core::Role;
use tessera_server::Config;

use crate::common::TestServer;

/// A password the policy accepts.
pub const STRONG: &str = "ochre harbour lantern";
/// Another one.
pub const STRONGER: &str = "violet quarry compass";

/// Runs `test` on a server on SQLite, then on one on a fresh PostgreSQL database when
/// `TESSERA_TEST_POSTGRES_URL` is set.
pub async fn on_each_backend(tweak: impl Fn(&mut Config), test: impl AsyncFn(&TestServer)) {
    let s = TestServer::start_with(&tweak).await;
    test(&s).await;
    s.stop().await;
    let Some(admin_url) = std::env::var("TESSERA_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return;
    };
    let suffix = tessera_core::secret::random_b64(9)
        .to_lowercase()
        .replace(['-', '_'], "x");
    let database = format!("tessera_passwords_{suffix}");
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {database}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (server, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{server}/{database}");
    let s = TestServer::start_with(|c| {
        tweak(c);
        c.database_url = Some(url.clone());
        let key = format!("hex:{}", "ab".repeat(64));
        c.jwt_secret_key = Some(tessera_server::config::Secret::new(&key));
    })
    .await;
    test(&s).await;
    s.stop().await;
    sqlx::raw_sql(&format!("DROP DATABASE {database} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}

/// Creates a user with password [`STRONG`].
pub async fn user(s: &TestServer, name: &str, role: Role) {
    s.running
        .as_ref()
        .unwrap()
        .auth
        .create_user(name, name, STRONG, role, false)
        .await
        .unwrap();
}
