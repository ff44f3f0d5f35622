//! The revocation log the catch-up poll reads: every revocation once, stamped by the
//! database's clock, and a cursor that no late commit can pass.

use std::sync::Arc;

use tessera_core::store::{ApiKeyRevokeReason, LogCursor, LogRead, RevokeReason, TokenOwner};
use tessera_core::{Role, Store};
use tessera_store::PostgresStore;

use super::apikeys::key;
use super::backends::TestDb;
use super::pg_schema::PgSchema;
use super::support::{add_user, new_token, open_session, sorted, T0};

fn keys(read: &LogRead) -> Vec<String> {
    sorted(read.entries.iter().map(|e| e.key.to_string()).collect())
}

async fn read(store: &Arc<dyn Store>, from: LogCursor) -> LogRead {
    store.read_revocation_log(from, T0 + 30).await.unwrap()
}

const START: LogCursor = LogCursor::Start { keep: 3600 };

pub async fn every_revocation_is_logged_once_and_read_on_from_the_cursor(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    open_session(&store, "s1", "alice", T0).await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    let owner = TokenOwner::User("alice".into());
    store
        .create_token(&new_token("t1", owner, None))
        .await
        .unwrap();
    let first = read(&store, START).await;
    assert!(first.entries.is_empty(), "{first:?}");

    let logout = RevokeReason::Logout;
    store.revoke_session("s1", T0 + 10, logout).await.unwrap();
    let revoked = ApiKeyRevokeReason::Revoked;
    store
        .revoke_apikey_chain("k1", T0 + 10, revoked)
        .await
        .unwrap();
    store.revoke_token("t1", T0 + 10).await.unwrap();
    store
        .set_user_role("alice", Role::Contributor, T0 + 10)
        .await
        .unwrap();
    store.revoke_session("s1", T0 + 20, logout).await.unwrap();

    let next = read(&store, LogCursor::At(first.next)).await;
    let all = ["apikey:k1", "s1", "tok:t1", "user:alice"];
    assert_eq!(keys(&next), all);
    for entry in &next.entries {
        match next.db_now_ms {
            None => assert_eq!(entry.revoked_at, T0 + 10, "the writer's clock"),
            Some(ms) => {
                let db_now = ms.div_euclid(1000);
                assert!(
                    (db_now - 60..=db_now).contains(&entry.revoked_at),
                    "{entry:?}"
                );
            }
        }
    }
    assert_eq!(keys(&read(&store, START).await), all, "a new instance");
    assert_eq!(store.prune_revocation_log(T0 + 30, 3600).await.unwrap(), 0);
}

/// A revocation whose transaction began before another's and commits after a read has
/// passed that other one is still read: a sequence or a time would skip it.
pub async fn a_revocation_committed_late_is_read_by_a_later_read(schema: PgSchema) {
    let store: Arc<dyn Store> = Arc::new(
        PostgresStore::open_with(&schema.url, schema.options())
            .await
            .unwrap(),
    );
    add_user(&store, "alice").await;
    open_session(&store, "late", "alice", T0).await;
    open_session(&store, "early", "alice", T0).await;
    let start = read(&store, START).await;

    let mut slow = schema.connect().await;
    sqlx::raw_sql("BEGIN; UPDATE sessions SET revoked_at = 1 WHERE id = 'late'")
        .execute(&mut slow)
        .await
        .unwrap();
    let logout = RevokeReason::Logout;
    store
        .revoke_session("early", T0 + 10, logout)
        .await
        .unwrap();
    let before = read(&store, LogCursor::At(start.next)).await;
    assert_eq!(keys(&before), ["early"]);
    let again = read(&store, LogCursor::At(before.next)).await;

    sqlx::raw_sql("COMMIT").execute(&mut slow).await.unwrap();
    let after = read(&store, LogCursor::At(again.next)).await;
    assert!(keys(&after).contains(&"late".to_string()), "{after:?}");
}
