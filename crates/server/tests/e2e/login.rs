use serde_json::json;
use tessera_api::ErrorCode;
use tessera_core::Role;

use crate::common::{assert_error, assert_refused, reason, refused, TestServer};

#[tokio::test]
async fn username_check_normalises_and_reports_existence() {
    let s = TestServer::start().await;
    let c = s.client();
    let found = c.check_username(" Admin ").await.unwrap();
    assert_eq!((found.username.as_str(), found.exists), ("admin", true));
    assert!(!c.check_username("nobody").await.unwrap().exists);
    let resp = reqwest::get(s.api("/auth/login?username=")).await.unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn login_answers_with_the_user_and_both_tokens() {
    let s = TestServer::start().await;
    let c = s.client();
    let resp = c.login(" ADMIN ", "admin").await.unwrap();
    assert_eq!(resp.message, "Login successful");
    assert_eq!(resp.user.username, "admin");
    assert_eq!(resp.user.fullname, "Demo Admin");
    assert!(resp.refresh_token.starts_with("tsr_rt_"));
    assert_eq!(resp.access_token.split('.').count(), 3);
    let v = c.validate().await.unwrap();
    assert_eq!(v.user.username, "admin");
    assert_eq!(v.kind.as_deref(), Some("access"));
}

#[tokio::test]
async fn every_refused_login_looks_the_same() {
    let s = TestServer::start().await;
    s.running
        .as_ref()
        .unwrap()
        .auth
        .create_user(
            "carol",
            "Carol",
            "harbour-lantern-dbspm",
            Role::Reader,
            false,
        )
        .await
        .unwrap();
    s.running
        .as_ref()
        .unwrap()
        .auth
        .set_disabled("carol", true)
        .await
        .unwrap();
    let mut bodies = Vec::new();
    for (u, p) in [
        ("admin", "wrong"),
        ("nobody", "admin"),
        ("carol", "harbour-lantern-dbspm"),
    ] {
        let got = s
            .post(
                "/auth/login",
                None,
                Some(json!({"username": u, "password": p})),
            )
            .await;
        assert_error(&got, 401, "invalid_credentials");
        assert_eq!(got.1["error"], "Invalid credentials");
        assert_eq!(got.1["authenticated"], false);
        bodies.push(got.1);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    let missing = s
        .post("/auth/login", None, Some(json!({"username": "admin"})))
        .await;
    assert_error(&missing, 400, "bad_request");
    assert_eq!(missing.1["error"], "Missing username or password");
    assert_eq!(missing.1["authenticated"], false);
}

#[tokio::test]
async fn admins_register_readers_and_others_cannot() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let created = admin
        .register(" Bob ", "Bob Builder", "harbour-lantern-cpc")
        .await
        .unwrap();
    assert_eq!(created.message, "User bob successfully created");
    let bob = s.client();
    assert_eq!(
        bob.login("BOB", "harbour-lantern-cpc")
            .await
            .unwrap()
            .user
            .fullname,
        "Bob Builder"
    );

    let dup = admin
        .register("bob", "Bob Again", "harbour-lantern-cpc")
        .await
        .unwrap_err();
    assert_eq!(
        (dup.status(), dup.code()),
        (Some(409), Some(ErrorCode::Conflict))
    );
    let weak = admin.register("weak", "Weak", "short").await.unwrap_err();
    assert_eq!(weak.status(), Some(400));

    let guest = s.client();
    guest.login("guest", "guest").await.unwrap();
    let refused = guest
        .register("eve", "Eve", "harbour-lantern-fwf")
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status(), refused.code()),
        (Some(403), Some(ErrorCode::Forbidden))
    );
    assert!(!s.client().check_username("eve").await.unwrap().exists);

    let body = json!({"username": "eve", "fullname": "Eve", "password": "harbour-lantern-fwf"});
    assert_error(
        &s.post("/auth/register", None, Some(body)).await,
        401,
        "missing_token",
    );
    let (access, _) = s.login("admin", "admin").await;
    let garbage = s.bearer("garbage").await;
    assert_refused(
        &garbage.register("eve", "Eve", "harbour-lantern-fwf").await,
        401,
        "invalid_token",
    );
    let missing = s
        .post(
            "/auth/register",
            Some(&access),
            Some(json!({"username": "eve"})),
        )
        .await;
    assert_error(&missing, 400, "bad_request");
}

#[tokio::test]
async fn logout_ends_the_session_by_access_or_refresh_token() {
    let s = TestServer::start().await;
    let (access, refresh) = s.login("admin", "admin").await;
    let out = s.bearer(&access).await.logout().await.unwrap();
    assert_eq!(out.message, "Logout successful from admin");
    assert_refused(&s.validate(&access).await, 401, "invalid_token");
    assert_refused(&s.refresh(&refresh).await, 401, "invalid_token");

    let (access, refresh) = s.login("admin", "admin").await;
    s.bearer(&refresh).await.logout().await.unwrap();
    assert_refused(&s.validate(&access).await, 401, "invalid_token");

    let none = s.post("/auth/logout", None, None).await;
    assert_error(&none, 401, "missing_token");
    assert_eq!(none.1["error"], "Logout failed, no active session!");
    let bad = s.bearer("not-a-token").await.logout().await;
    assert_eq!(
        (refused(&bad), reason(&bad).as_str()),
        (Some(401), "Logout failed")
    );
}

#[tokio::test]
async fn the_session_limit_evicts_the_users_oldest_session_only() {
    let s = TestServer::start_with(|c| c.max_session = 2).await;
    let (guest_access, _) = s.login("guest", "guest").await;
    let first = s.login("admin", "admin").await;
    let second = s.login("admin", "admin").await;
    let third = s.login("admin", "admin").await;
    assert_refused(&s.validate(&first.0).await, 401, "invalid_token");
    assert_refused(&s.refresh(&first.1).await, 401, "invalid_token");
    s.validate(&second.0).await.unwrap();
    s.validate(&third.0).await.unwrap();
    s.validate(&guest_access).await.unwrap();
}

#[tokio::test]
async fn the_session_limit_can_refuse_instead() {
    let s = TestServer::start_with(|c| {
        c.max_session = 1;
        c.session_limit_policy = "refuse".into();
    })
    .await;
    let (first, _) = s.login("admin", "admin").await;
    let refused = s.client().login("admin", "admin").await;
    assert_refused(&refused, 409, "session_limit");
    s.validate(&first).await.unwrap();
    s.login("guest", "guest").await;
}

#[tokio::test]
async fn plantdb_password_hashes_verify_and_are_upgraded_at_login() {
    use tessera_core::password::{hash_blocking, HashParams};
    use tessera_core::store::NewUser;
    use tessera_core::Username;

    let s = TestServer::start().await;
    let store = s.running.as_ref().unwrap().auth.store().clone();
    let old = hash_blocking("plant-password", HashParams::PLANTDB).unwrap();
    assert!(old.contains("m=65536,t=3,p=4"));
    store
        .create_user(&NewUser {
            username: Username::parse("plantuser").unwrap(),
            fullname: "Plant User".into(),
            password_hash: old.clone(),
            role: Role::Reader,
            created_at: 0,
            must_change_password: false,
        })
        .await
        .unwrap();
    s.login("plantuser", "plant-password").await;
    let upgraded = store
        .user("plantuser")
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(upgraded.contains("m=1024,t=1,p=1"), "{upgraded}");
    s.login("plantuser", "plant-password").await;
}
