//! Passwords through the real server and client: a user changing their own, an admin's reset
//! and the change it may require, and open registration; each on SQLite and on PostgreSQL.

mod change;
mod must_change;
mod open_registration;
mod reset;

use tessera_core::Role;

use crate::common::TestServer;

/// A password the policy accepts.
pub const STRONG: &str = "ochre harbour lantern";
/// Another one.
pub const STRONGER: &str = "violet quarry compass";

pub use crate::backends::on_each_backend_with as on_each_backend;

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
