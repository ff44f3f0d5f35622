use crate::common::{assert_error, TestServer};

#[tokio::test]
async fn a_restart_keeps_sessions_revocations_and_the_signing_key() {
    let s = TestServer::start().await;
    let (live_access, live_refresh) = s.login("admin", "admin").await;
    let (gone_access, _) = s.login("guest", "guest").await;
    assert_eq!(
        s.post("/auth/logout", Some(&gone_access), None).await.0,
        200
    );
    let (dir, clock) = s.stop().await;

    let s = TestServer::start_in(dir, clock, |_| {}).await;
    assert_eq!(s.validate(&live_access).await.0, 200);
    assert_error(&s.validate(&gone_access).await, 401, "invalid_token");
    let (status, body) = s.refresh(&live_refresh).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn reuse_detected_before_a_restart_still_holds_after_it() {
    let s = TestServer::start().await;
    let (_, refresh0) = s.login("admin", "admin").await;
    let (_, body) = s.refresh(&refresh0).await;
    let access1 = body["access_token"].as_str().unwrap().to_string();
    assert_error(&s.refresh(&refresh0).await, 401, "refresh_token_reused");
    let (dir, clock) = s.stop().await;
    let s = TestServer::start_in(dir, clock, |_| {}).await;
    assert_error(&s.validate(&access1).await, 401, "invalid_token");
}
