//! Instances whose clocks disagree: a revocation stamped by a slow clock reaches an instance
//! whose clock is ahead, through the catch-up sync alone (no feed in these tests).

use std::sync::Arc;

use tessera_core::{Error, ManualClock};

use crate::support::{World, OWNER, PASSWORD, T0, USER};

/// How far the validating instance's clock runs ahead of the revoking one's.
const AHEAD: i64 = 120;

#[tokio::test]
async fn a_revocation_stamped_by_a_slow_clock_is_read_and_kept_for_the_whole_token_life() {
    let w = World::new().await;
    let s = w.auth.settings().clone();
    let fast = Arc::new(ManualClock::new(T0 + AHEAD));
    let b = w.instance_with_clock(&fast);
    b.sync_revocations().await.unwrap();
    let login = b.login(USER, PASSWORD, OWNER).await.unwrap();
    b.validate_access(&login.access_token).await.unwrap();

    // The slow instance ends the session; its stamp is well behind what B has already read.
    w.auth.logout(&login.refresh_token).await.unwrap();
    fast.advance(1);
    b.sync_revocations().await.unwrap();
    let refused = async || match b.validate_access(&login.access_token).await {
        Err(Error::InvalidToken(_)) => true,
        other => panic!("B must refuse the revoked token: {other:?}"),
    };
    assert!(refused().await, "not skipped");

    // To the token's last second by B's own clock, B keeps refusing it, however early the
    // stamp.
    fast.advance(s.access_ttl + s.leeway - 2);
    b.sync_revocations().await.unwrap();
    b.purge_expired().await.unwrap();
    assert!(refused().await, "kept while the token lives");

    // Then the entry goes (it counts from when B read it, a second after the token was issued,
    // plus the leeway), and the token is simply expired.
    fast.advance(4);
    b.sync_revocations().await.unwrap();
    assert_eq!(b.revoked_in_memory(), 0);
    let err = b.validate_access(&login.access_token).await.unwrap_err();
    assert!(matches!(err, Error::TokenExpired), "{err:?}");
}
