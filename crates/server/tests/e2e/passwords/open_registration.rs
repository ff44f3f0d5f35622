//! Open registration: off (the default), registration is for admins as in PlantDB; on, anyone
//! without a credential registers a reader, within a limit of its own.

use tessera_client::ErrorCode;
use tessera_core::Role;

use super::{on_each_backend, user, STRONG, STRONGER};
use crate::common::{assert_refused, TestServer};

#[tokio::test]
async fn off_registration_without_a_credential_is_refused_as_before() {
    let s = TestServer::start().await;
    let got = s.client().register_self("olga", "Olga", STRONG).await;
    assert_refused(&got, 401, ErrorCode::MissingToken);
    assert!(!s.client().check_username("olga").await.unwrap().exists);
    s.stop().await;
}

#[tokio::test]
async fn on_anyone_registers_a_reader_within_its_own_limit() {
    let open = |c: &mut tessera_server::Config| {
        c.open_registration = true;
        c.rate_open_register_per_minute = 2;
    };
    on_each_backend(open, async |s: &TestServer| {
        let anyone = s.client();
        let made = anyone.register_self("Olga", "Olga", STRONG).await.unwrap();
        assert_eq!(made.message, "User olga successfully created");
        let olga = s.client();
        olga.login("olga", STRONG).await.unwrap();
        assert_eq!(olga.validate().await.unwrap().user.username, "olga");
        // A reader: no rights to register others.
        let got = olga.register("pete", "Pete", STRONGER).await;
        assert_refused(&got, 403, ErrorCode::Forbidden);
        // The policy and the uniqueness hold.
        let got = anyone.register_self("olga", "Olga", STRONGER).await;
        assert_refused(&got, 409, ErrorCode::Conflict);
        // Three in a minute from one client: the limit's own (the admin's is not counted).
        let got = anyone.register_self("pete", "Pete", "weak").await;
        assert_refused(&got, 429, ErrorCode::RateLimited);
        user(s, "quin", Role::Admin).await;
        let quin = s.client();
        quin.login("quin", STRONG).await.unwrap();
        quin.register("pete", "Pete", STRONGER).await.unwrap();
        s.clock.advance(61);
        let got = anyone.register_self("rosa", "Rosa", "weak").await;
        assert_refused(&got, 400, ErrorCode::WeakPassword);
    })
    .await;
}
