//! The audit trail through the real server and client: what is recorded, that an unknown
//! username never reaches the database or the answer in clear, who may read it, and every bad
//! query refused with its code.

use reqwest::Method;
use serde_json::json;
use tessera_api::audit::{AuditFilter, AuditList};
use tessera_api::tokens::CreateApiTokenRequest;
use tessera_client::Client;

use crate::apikeys::svc;
use crate::common::{assert_error, assert_refused, http, TestServer};

fn only(event: &str) -> AuditFilter {
    AuditFilter {
        event: Some(event.into()),
        ..AuditFilter::default()
    }
}

async fn events(admin: &Client, filter: AuditFilter) -> AuditList {
    admin.audit(&filter).await.expect("read the audit trail")
}

async fn kinds(admin: &Client) -> Vec<String> {
    let all = AuditFilter {
        limit: Some(500),
        ..AuditFilter::default()
    };
    let list = events(admin, all).await;
    list.events.into_iter().map(|e| e.event).collect()
}

/// Every byte of the database's files.
fn database_bytes(s: &TestServer) -> Vec<u8> {
    let mut bytes = Vec::new();
    for name in ["tessera.db", "tessera.db-wal"] {
        if let Ok(b) = std::fs::read(s.dir.path().join(name)) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn logins_are_recorded_and_an_unknown_name_is_never_kept_in_clear() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    s.login("guest", "guest").await;
    assert!(s.client().login("guest", "not it").await.is_err());
    let unknown = "zebedee-nobody-knows";
    assert!(s.client().login(unknown, "whatever").await.is_err());

    let ok = events(&admin, only("login_succeeded")).await.events;
    let guest_ok = ok
        .iter()
        .find(|e| e.subject.as_deref() == Some("guest"))
        .unwrap();
    assert_eq!(guest_ok.actor.as_deref(), Some("guest"));
    assert_eq!(guest_ok.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(guest_ok.outcome, "success");
    assert!(guest_ok.at.ends_with('Z'));
    assert!(guest_ok.detail["session_id"].is_string());

    let failed = events(&admin, only("login_failed")).await;
    assert_eq!(failed.events.len(), 2);
    let [unknown_event, wrong] = &failed.events[..] else {
        unreachable!()
    };
    assert_eq!(wrong.subject.as_deref(), Some("guest"));
    assert_eq!(wrong.outcome, "failure");
    assert_eq!(wrong.detail, json!({"reason": "wrong_password"}));
    let hashed = unknown_event.subject.as_deref().unwrap();
    assert!(hashed.starts_with("unknown:"), "{hashed}");
    assert_eq!(unknown_event.detail, json!({"reason": "unknown_user"}));

    let answer = serde_json::to_string(&failed).unwrap();
    assert!(!answer.contains(unknown), "{answer}");
    assert!(!contains(&database_bytes(&s), unknown));
    assert!(
        contains(&database_bytes(&s), hashed),
        "the check reads the events"
    );
}

#[tokio::test]
async fn logout_reuse_keys_and_tokens_are_recorded() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let guest = s.client();
    guest.login("guest", "guest").await.unwrap();
    guest.logout().await.unwrap();

    let (_, refresh) = s.login("guest", "guest").await;
    s.refresh(&refresh).await.unwrap();
    assert_refused(&s.refresh(&refresh).await, 401, "refresh_token_reused");

    let key = admin.create_apikey(&svc()).await.unwrap();
    admin.revoke_apikey(&key.apikey_id).await.unwrap();
    let token = admin
        .create_api_token(&CreateApiTokenRequest {
            datasets: Some(json!({"*": ["read"]})),
            token_exp: Some(json!(3600)),
            description: None,
        })
        .await
        .unwrap();
    admin.revoke_token(&token.id).await.unwrap();

    let got = kinds(&admin).await;
    for kind in [
        "logout",
        "refresh_reuse_detected",
        "apikey_created",
        "apikey_revoked",
        "token_created",
        "token_revoked",
    ] {
        assert!(got.iter().any(|k| k == kind), "{kind} in {got:?}");
    }
    let created = events(&admin, only("apikey_created")).await.events;
    assert_eq!(created[0].actor.as_deref(), Some("admin"));
    assert_eq!(created[0].detail["id"], json!(key.apikey_id));
    let rendered = serde_json::to_string(&events(&admin, AuditFilter::default()).await).unwrap();
    for secret in [&key.apikey, &key.refresh_token, &token.api_token, &refresh] {
        assert!(!rendered.contains(secret.as_str()));
    }
}

#[tokio::test]
async fn only_admins_read_the_trail() {
    let s = TestServer::start().await;
    let guest = s.client();
    guest.login("guest", "guest").await.unwrap();
    assert_refused(
        &guest.audit(&AuditFilter::default()).await,
        403,
        "forbidden",
    );
    let anonymous = http::send(Method::GET, &s.api("/audit"), None, None).await;
    assert_error(&anonymous, 401, "missing_token");
}

#[tokio::test]
async fn pages_go_newest_first_to_a_null_cursor_and_filters_apply() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    for _ in 0..4 {
        s.login("guest", "guest").await;
    }
    let mut filter = AuditFilter {
        user: Some("guest".into()),
        event: Some("login_succeeded".into()),
        limit: Some(3),
        ..AuditFilter::default()
    };
    let mut ids = Vec::new();
    loop {
        let page = events(&admin, filter.clone()).await;
        assert!(page.events.len() <= 3);
        assert!(page
            .events
            .iter()
            .all(|e| e.subject.as_deref() == Some("guest")));
        ids.extend(page.events.iter().map(|e| e.id));
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(ids.len(), 4, "guest's four logins");
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let later = AuditFilter {
        since: Some("2100-01-01T00:00:00Z".into()),
        ..AuditFilter::default()
    };
    assert!(events(&admin, later).await.events.is_empty());
}

#[tokio::test]
async fn every_bad_query_is_refused_with_its_code() {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let cases = [
        ("event=tea_made", "invalid_parameter"),
        ("since=yesterday", "invalid_parameter"),
        ("until=2027-01-15T08:00:00%2B02:00", "invalid_parameter"),
        ("limit=0", "invalid_parameter"),
        ("limit=501", "invalid_parameter"),
        ("limit=many", "invalid_parameter"),
        ("cursor=not-a-cursor", "invalid_cursor"),
        ("cursor=", "invalid_cursor"),
        ("colour=blue", "unknown_parameter"),
        ("limit=5&limit=6", "unknown_parameter"),
    ];
    for (query, code) in cases {
        let url = s.api(&format!("/audit?{query}"));
        let got = http::send(Method::GET, &url, Some(&admin), None).await;
        assert_error(&got, 400, code);
    }
    let fine = http::send(Method::GET, &s.api("/audit?limit=1"), Some(&admin), None).await;
    assert_eq!(fine.0, 200);
}

#[tokio::test]
async fn tessera_audit_reads_the_local_database_with_the_same_filters() {
    use std::sync::Arc;
    use tessera_core::Clock;
    use tessera_server::cli::{run_audit, AuditArgs};

    let s = TestServer::start().await;
    s.login("guest", "guest").await;
    assert!(s.client().login("guest", "wrong").await.is_err());
    let args = |event: Option<&str>, table: bool| AuditArgs {
        user: Some("guest".into()),
        event: event.map(str::to_string),
        since: None,
        until: None,
        limit: Some(1),
        cursor: None,
        table,
    };
    let clock: Arc<dyn Clock> = s.clock.clone();
    let config = crate::common::test_config(&s.dir);
    let (out, next) = run_audit(&config, clock.clone(), args(None, false))
        .await
        .unwrap();
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["event"], "login_failed");
    assert_eq!(line["subject"], "guest");
    assert!(next.is_some(), "one more page: the successful login");
    let (table, _) = run_audit(&config, clock.clone(), args(Some("login_succeeded"), true))
        .await
        .unwrap();
    assert!(table.starts_with("      ID"), "{table}");
    assert!(table.contains("login_succeeded"), "{table}");
    let err = run_audit(&config, clock, args(Some("tea_made"), false))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("tea_made"), "{err}");
}
