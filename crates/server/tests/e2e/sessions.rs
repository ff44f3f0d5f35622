//! A user's sessions through the real server and client: the list (with the client of each
//! session's last login or refresh), ending one, the others, or (admins) all of a user's, and
//! every refusal with its code.

use reqwest::Method;
use serde_json::json;
use tessera_api::audit::AuditFilter;
use tessera_client::Client;
use tessera_core::auth::MAX_USER_AGENT_CHARS;
use tessera_core::iso8601;

use crate::apikeys::contributor;
use crate::common::{assert_error, assert_refused, http, refused, TestServer, START};

const DAY: i64 = 86_400;

/// A client whose every call comes (through the trusted proxy) from `ip`, as `user_agent`.
fn client_at(s: &TestServer, ip: &str, user_agent: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(user_agent);
    Client::with_http(&s.url, http.build().unwrap())
}

async fn trusting_the_local_proxy() -> TestServer {
    TestServer::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await
}

/// A client logged in as guest.
async fn guest(s: &TestServer) -> Client {
    let c = s.client();
    c.login("guest", "guest").await.unwrap();
    c
}

async fn access(c: &Client) -> String {
    c.tokens().await.unwrap().access_token
}

/// The id of the client's own session, as the list marks it.
async fn own_session(c: &Client) -> String {
    let list = c.list_sessions().await.unwrap();
    let current: Vec<_> = list.sessions.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1, "{list:?}");
    current[0].id.clone()
}

/// Whether the server still accepts an access token.
async fn accepted(s: &TestServer, token: &str) -> bool {
    refused(&s.validate(token).await).is_none()
}

#[tokio::test]
async fn the_list_shows_live_sessions_with_the_client_of_their_last_login_or_refresh() {
    let s = trusting_the_local_proxy().await;
    let phone = client_at(&s, "203.0.113.5", "phone/1.0");
    phone.login("guest", "guest").await.unwrap();
    let gone = guest(&s).await;
    gone.logout().await.unwrap();
    s.clock.advance(60);
    let long = format!("laptop\t/{}", "x".repeat(400));
    let laptop = client_at(&s, "198.51.100.7", &long);
    laptop.login("guest", "guest").await.unwrap();
    s.clock.advance(60);
    // The phone's session refreshed from elsewhere: the list shows where from.
    let moved = client_at(&s, "192.0.2.44", "phone/2.0");
    let phone_refresh = phone.tokens().await.unwrap().refresh_token;
    let fresh = moved.refresh_token(&phone_refresh).await.unwrap();

    let url = s.api("/auth/sessions");
    let (status, body) = http::send(Method::GET, &url, Some(&access(&laptop).await), None).await;
    assert_eq!(status, 200, "{body}");
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{body}");
    let kept_agent: String = format!("laptop/{}", "x".repeat(400))
        .chars()
        .take(MAX_USER_AGENT_CHARS)
        .collect();
    let (newest, oldest) = (&sessions[0], &sessions[1]);
    assert_eq!(
        *newest,
        json!({
            "id": newest["id"], "created_at": iso8601::format(START + 60),
            "refreshed_at": iso8601::format(START + 60),
            "expires_at": iso8601::format(START + 60 + DAY),
            "ip": "198.51.100.7", "user_agent": kept_agent, "current": true,
        })
    );
    assert_eq!(
        *oldest,
        json!({
            "id": oldest["id"], "created_at": iso8601::format(START),
            "refreshed_at": iso8601::format(START + 120),
            "expires_at": iso8601::format(START + 120 + DAY),
            "ip": "192.0.2.44", "user_agent": "phone/2.0", "current": false,
        })
    );
    // The phone's own view marks its session, and shows no secret of either.
    let seen = s.bearer(&fresh.access_token).await.list_sessions().await;
    let seen = seen.unwrap();
    assert!(seen.sessions[1].current && !seen.sessions[0].current);
    let raw = body.to_string();
    assert!(!raw.contains(&fresh.refresh_token) && !raw.contains(&phone_refresh));

    // Without a user agent, none is shown.
    let bare = s.client();
    bare.login("admin", "admin").await.unwrap();
    let admins = bare.list_sessions().await.unwrap().sessions;
    assert_eq!((admins.len(), admins[0].user_agent.as_deref()), (1, None));
    assert_eq!(admins[0].ip.as_deref(), Some("127.0.0.1"));
    let nobody = http::send(Method::GET, &url, None, None).await;
    assert_error(&nobody, 401, "missing_token");
    assert_refused(
        &s.bearer("nonsense").await.list_sessions().await,
        401,
        "invalid_token",
    );
}

#[tokio::test]
async fn a_session_is_ended_by_its_owner_or_an_admin_and_by_no_one_else() {
    let s = TestServer::start().await;
    let (first, second) = (guest(&s).await, guest(&s).await);
    let (first_id, second_id) = (own_session(&first).await, own_session(&second).await);
    let first_refresh = first.tokens().await.unwrap().refresh_token;
    let carol = s.bearer(&contributor(&s, "carol").await).await;

    // Someone else's session is answered like one that does not exist.
    assert_refused(&carol.revoke_session(&first_id).await, 404, "not_found");
    assert!(accepted(&s, &access(&first).await).await);
    for bad in ["no-such-session", "../auth", "a b", "%00", &"x".repeat(300)] {
        assert_refused(&first.revoke_session(bad).await, 404, "not_found");
    }

    let done = second.revoke_session(&first_id).await.unwrap();
    assert_eq!(done.message, format!("Session {first_id} revoked"));
    assert!(!accepted(&s, &access(&first).await).await);
    assert_eq!(refused(&s.refresh(&first_refresh).await), Some(401));
    assert_refused(&second.revoke_session(&first_id).await, 404, "not_found");
    let left = second.list_sessions().await.unwrap().sessions;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, second_id);

    let admin = s.admin().await;
    admin.revoke_session(&second_id).await.unwrap();
    assert!(!accepted(&s, &access(&second).await).await);

    let ended = admin
        .audit(&AuditFilter {
            event: Some("session_revoked".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .events;
    assert_eq!(ended.len(), 2, "{ended:?}");
    assert_eq!(ended[0].actor.as_deref(), Some("admin"));
    assert_eq!(ended[0].subject.as_deref(), Some("guest"));
    assert_eq!(ended[0].detail["session_id"], json!(second_id));
    assert_eq!(ended[1].actor.as_deref(), Some("guest"));
    assert_eq!(ended[1].detail["session_id"], json!(first_id));
}

#[tokio::test]
async fn revoke_others_ends_every_session_but_the_callers() {
    let s = TestServer::start().await;
    let sessions = [guest(&s).await, guest(&s).await, guest(&s).await];
    let admin = s.admin().await;
    let keeper = &sessions[1];

    let done = keeper.revoke_other_sessions().await.unwrap();
    assert_eq!(done.revoked, 2);
    assert_eq!(done.message, "Other sessions of guest revoked");
    for (i, c) in sessions.iter().enumerate() {
        assert_eq!(accepted(&s, &access(c).await).await, i == 1, "session {i}");
    }
    assert!(accepted(&s, &access(&admin).await).await);
    let left = keeper.list_sessions().await.unwrap().sessions;
    assert_eq!((left.len(), left[0].current), (1, true));
    assert_eq!(keeper.revoke_other_sessions().await.unwrap().revoked, 0);

    // Any body, or none, is accepted.
    let url = s.api("/auth/sessions/revoke-others");
    let token = access(keeper).await;
    let (status, body) = http::send(Method::POST, &url, Some(&token), Some(&json!(7))).await;
    assert_eq!((status, &body["revoked"]), (200, &json!(0)), "{body}");
    assert_error(
        &http::send(Method::POST, &url, None, None).await,
        401,
        "missing_token",
    );
}

#[tokio::test]
async fn admins_list_and_end_a_users_sessions_and_others_may_not() {
    let s = TestServer::start().await;
    let guests = [guest(&s).await, guest(&s).await];
    let admin = s.admin().await;
    let carol = s.bearer(&contributor(&s, "carol").await).await;

    let listed = admin.list_user_sessions("Guest").await.unwrap().sessions;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|s| !s.current));
    assert_eq!(listed[1].id, own_session(&guests[0]).await);
    let mine = admin.list_user_sessions("me").await.unwrap().sessions;
    assert_eq!((mine.len(), mine[0].current), (1, true));

    assert_refused(&carol.list_user_sessions("guest").await, 403, "forbidden");
    assert_refused(&carol.revoke_user_sessions("guest").await, 403, "forbidden");
    assert_refused(&carol.list_user_sessions("nobody").await, 403, "forbidden");
    assert_eq!(
        carol
            .list_user_sessions("carol")
            .await
            .unwrap()
            .sessions
            .len(),
        1
    );
    assert_refused(&admin.list_user_sessions("nobody").await, 404, "not_found");
    assert_refused(
        &admin.revoke_user_sessions("nobody").await,
        404,
        "not_found",
    );
    assert_refused(&admin.list_user_sessions("a/b").await, 404, "not_found");
    for g in &guests {
        assert!(accepted(&s, &access(g).await).await);
    }

    let done = admin.revoke_user_sessions("guest").await.unwrap();
    assert_eq!(
        (done.revoked, done.message.as_str()),
        (2, "Sessions of guest revoked")
    );
    for g in &guests {
        assert!(!accepted(&s, &access(g).await).await);
    }
    assert!(admin
        .list_user_sessions("guest")
        .await
        .unwrap()
        .sessions
        .is_empty());
    assert_eq!(
        admin.revoke_user_sessions("guest").await.unwrap().revoked,
        0
    );
    let url = s.api("/users/guest/sessions/revoke-all");
    assert_error(
        &http::send(Method::POST, &url, None, None).await,
        401,
        "missing_token",
    );
}
