//! The SQLite writer's bounded queue, seen from outside: when more writes wait than
//! `sqlite_write_queue` allows, a request that must write gets 503 JSON at once.

use serde_json::json;
use tokio::task::JoinSet;

use crate::common::{http, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_write_queue_answers_503_json() {
    let s = TestServer::start_with(|c| c.sqlite_write_queue = 1).await;
    let (_, refresh_token) = s.login("admin", "admin").await;
    // Another process holds SQLite's write lock: tessera's writer waits on its first write,
    // and the queue behind it fills.
    let db = rusqlite::Connection::open(s.dir.path().join("tessera.db")).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut refreshes = JoinSet::new();
    for _ in 0..3 {
        let url = s.api("/auth/token/refresh");
        let body = json!({ "refresh_token": refresh_token });
        let request = reqwest::Client::new().post(url).json(&body);
        refreshes.spawn(http::send_request(request));
    }
    // One waits in the writer, one in the queue: the first answer is the refusal.
    let (status, headers, body) = refreshes.join_next().await.unwrap().unwrap();
    assert_eq!(
        (status, &body["code"]),
        (503, &json!("unavailable")),
        "{body}"
    );
    assert!(body["error"].is_string(), "{body}");
    assert_eq!(headers["retry-after"], "1");
    db.execute_batch("ROLLBACK").unwrap();
    let mut statuses = Vec::new();
    while let Some(answer) = refreshes.join_next().await {
        statuses.push(answer.unwrap().0);
    }
    assert!(statuses.contains(&200), "{statuses:?}");
    // The writer goes on once the lock is gone.
    let (_, fresh) = s.login("admin", "admin").await;
    assert!(s.refresh(&fresh).await.is_ok());
}
