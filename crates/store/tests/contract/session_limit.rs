//! Creating sessions under the per-user limit.

use std::sync::Arc;

use tessera_core::store::{RevokeReason, Rotation};
use tessera_core::SessionLimitPolicy::{self, EvictOldest, Refuse};
use tessera_core::{Error, Result, Store, Timestamp};

use super::backends::TestDb;
use super::support::{add_user, next, revoked_ids, session, sorted, strings, token, DAY, T0};

async fn create(
    store: &Arc<dyn Store>,
    id: &str,
    user: &str,
    at: Timestamp,
    max: u32,
    policy: SessionLimitPolicy,
) -> Result<Vec<String>> {
    store
        .create_session(&session(id, user, at, at + DAY), max, policy)
        .await
}

async fn is_revoked(store: &Arc<dyn Store>, id: &str) -> bool {
    store.is_session_revoked(id).await.unwrap()
}

pub async fn zero_means_unlimited(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for i in 0..20 {
        let id = format!("s{i:02}");
        let evicted = create(&store, &id, "alice", T0 + i, 0, Refuse)
            .await
            .unwrap();
        assert!(evicted.is_empty());
    }
    for i in 0..20 {
        assert!(!is_revoked(&store, &format!("s{i:02}")).await);
    }
    assert!(revoked_ids(&store, 0).await.is_empty());
}

pub async fn evict_oldest_revokes_exactly_the_oldest_live_sessions(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for (i, id) in ["c", "a", "b"].into_iter().enumerate() {
        let evicted = create(&store, id, "alice", T0 + i as i64, 3, EvictOldest)
            .await
            .unwrap();
        assert!(evicted.is_empty());
    }

    let evicted = create(&store, "d", "alice", T0 + 10, 3, EvictOldest)
        .await
        .unwrap();
    assert_eq!(evicted, ["c"]);
    assert!(is_revoked(&store, "c").await);
    for id in ["a", "b", "d"] {
        assert!(!is_revoked(&store, id).await, "{id} must stay live");
    }

    let revoked = store.revoked_since(T0).await.unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].session_id, "c");
    assert_eq!(revoked[0].revoked_at, T0 + 10);

    let outcome = store
        .rotate_refresh(&token("c"), &next("c-next", T0 + DAY), T0 + 11)
        .await
        .unwrap();
    assert_eq!(outcome, Rotation::Revoked);
}

pub async fn evict_oldest_catches_up_when_the_limit_shrinks(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    for (i, id) in ["s1", "s2", "s3", "s4"].into_iter().enumerate() {
        create(&store, id, "alice", T0 + i as i64, 0, EvictOldest)
            .await
            .unwrap();
    }

    let evicted = create(&store, "s5", "alice", T0 + 10, 2, EvictOldest)
        .await
        .unwrap();
    assert_eq!(sorted(evicted), strings(&["s1", "s2", "s3"]));
    assert_eq!(revoked_ids(&store, T0).await, strings(&["s1", "s2", "s3"]));
    assert!(!is_revoked(&store, "s4").await);
    assert!(!is_revoked(&store, "s5").await);
}

pub async fn refuse_fails_without_creating_or_revoking(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    create(&store, "s1", "alice", T0, 2, Refuse).await.unwrap();
    create(&store, "s2", "alice", T0 + 1, 2, Refuse)
        .await
        .unwrap();

    let err = create(&store, "s3", "alice", T0 + 2, 2, Refuse)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SessionLimit), "got {err:?}");
    assert!(!is_revoked(&store, "s1").await);
    assert!(!is_revoked(&store, "s2").await);
    assert!(revoked_ids(&store, 0).await.is_empty());
    assert_eq!(
        store
            .session_of_refresh(&token("s3"), T0 + 3)
            .await
            .unwrap(),
        None
    );

    assert!(store
        .revoke_session("s1", T0 + 3, RevokeReason::Logout)
        .await
        .unwrap());
    let evicted = create(&store, "s3", "alice", T0 + 4, 2, Refuse)
        .await
        .unwrap();
    assert!(evicted.is_empty());
    assert_eq!(
        store
            .session_of_refresh(&token("s3"), T0 + 5)
            .await
            .unwrap(),
        Some(("s3".to_string(), "alice".to_string()))
    );
}

pub async fn limit_is_per_user(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    add_user(&store, "bob").await;
    create(&store, "a1", "alice", T0, 2, EvictOldest)
        .await
        .unwrap();
    create(&store, "a2", "alice", T0 + 1, 2, EvictOldest)
        .await
        .unwrap();

    for (i, id) in ["b1", "b2"].into_iter().enumerate() {
        let evicted = create(&store, id, "bob", T0 + 2 + i as i64, 2, Refuse)
            .await
            .unwrap();
        assert!(evicted.is_empty());
    }
    let evicted = create(&store, "b3", "bob", T0 + 5, 2, EvictOldest)
        .await
        .unwrap();
    assert_eq!(evicted, ["b1"]);

    assert!(!is_revoked(&store, "a1").await);
    assert!(!is_revoked(&store, "a2").await);
    assert_eq!(revoked_ids(&store, 0).await, strings(&["b1"]));
}

pub async fn expired_and_revoked_sessions_do_not_count(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store
        .create_session(&session("expired", "alice", T0, T0 + 100), 0, Refuse)
        .await
        .unwrap();
    create(&store, "revoked", "alice", T0 + 1, 0, Refuse)
        .await
        .unwrap();
    store
        .revoke_session("revoked", T0 + 2, RevokeReason::Logout)
        .await
        .unwrap();

    let evicted = create(&store, "live", "alice", T0 + 100, 1, Refuse)
        .await
        .unwrap();
    assert!(evicted.is_empty());

    let evicted = create(&store, "newest", "alice", T0 + 101, 1, EvictOldest)
        .await
        .unwrap();
    assert_eq!(evicted, ["live"]);
    assert_eq!(revoked_ids(&store, 0).await, strings(&["live", "revoked"]));
    assert!(!is_revoked(&store, "expired").await);
}

pub async fn rotation_keeps_a_session_live_past_its_first_expiry(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store
        .create_session(&session("s1", "alice", T0, T0 + 100), 0, Refuse)
        .await
        .unwrap();
    let outcome = store
        .rotate_refresh(&token("s1"), &next("s1-next", T0 + 1_000), T0 + 50)
        .await
        .unwrap();
    assert!(
        matches!(outcome, Rotation::Rotated { .. }),
        "got {outcome:?}"
    );

    let err = create(&store, "s2", "alice", T0 + 200, 1, Refuse)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SessionLimit), "got {err:?}");

    let evicted = create(&store, "s2", "alice", T0 + 1_000, 1, Refuse)
        .await
        .unwrap();
    assert!(evicted.is_empty());
}
