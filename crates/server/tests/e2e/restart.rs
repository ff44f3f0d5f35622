use crate::common::{assert_refused, reason, TestServer};

#[tokio::test]
async fn a_restart_keeps_sessions_revocations_and_the_signing_key() {
    let s = TestServer::start().await;
    let (live_access, live_refresh) = s.login("admin", "admin").await;
    let (gone_access, _) = s.login("guest", "guest").await;
    s.bearer(&gone_access).await.logout().await.unwrap();
    let (dir, clock) = s.stop().await;

    let s = TestServer::start_in(dir, clock, |_| {}).await;
    s.validate(&live_access).await.unwrap();
    assert_refused(&s.validate(&gone_access).await, 401, "invalid_token");
    s.refresh(&live_refresh).await.unwrap();
}

#[tokio::test]
async fn reuse_detected_before_a_restart_still_holds_after_it() {
    let s = TestServer::start().await;
    let (_, refresh0) = s.login("admin", "admin").await;
    let access1 = s.refresh(&refresh0).await.unwrap().access_token;
    assert_refused(&s.refresh(&refresh0).await, 401, "refresh_token_reused");
    let (dir, clock) = s.stop().await;
    let s = TestServer::start_in(dir, clock, |_| {}).await;
    assert_refused(&s.validate(&access1).await, 401, "invalid_token");
}

/// Lowering `SESSION_TIMEOUT` shortens how long revocations are kept; an access token issued
/// for longer than the new lifetime would outlive its session's revocation, so it is refused.
#[tokio::test]
async fn a_lower_session_timeout_does_not_revive_a_revoked_access_token() {
    let s = TestServer::start_with(|c| c.session_timeout = 3600).await;
    let (revoked, _) = s.login("guest", "guest").await;
    s.bearer(&revoked).await.logout().await.unwrap();
    s.clock.advance(1000);
    let (dir, clock) = s.stop().await;

    let s = TestServer::start_in(dir, clock, |c| c.session_timeout = 900).await;
    let got = s.validate(&revoked).await;
    assert_refused(&got, 401, "invalid_token");
    assert!(reason(&got).contains("SESSION_TIMEOUT"), "{}", reason(&got));
    let (fresh, _) = s.login("guest", "guest").await;
    s.validate(&fresh).await.unwrap();
}
