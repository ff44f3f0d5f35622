//! The audit trail as the use cases write it: each event with its change, in one store call,
//! so a change that fails records nothing; an unknown username is never kept in clear.

use tessera_core::store::{AuditQuery, AuditRecord};
use tessera_core::AuthSettings;

use crate::support::{assert_injected, World, OWNER, PASSWORD, USER};

async fn events(w: &World) -> Vec<AuditRecord> {
    let query = AuditQuery {
        limit: 500,
        ..AuditQuery::default()
    };
    w.store.inner().audit_events(&query).await.unwrap()
}

fn kinds(records: &[AuditRecord]) -> Vec<&str> {
    records.iter().map(|r| r.event.as_str()).collect()
}

#[tokio::test]
async fn logins_record_success_failure_and_lock() {
    let w = World::with(AuthSettings {
        lockout_threshold: 2,
        ..AuthSettings::default()
    })
    .await;
    let login = w.login().await;
    w.auth.login(USER, "wrong one", OWNER).await.unwrap_err();
    w.auth.login(USER, "wrong two", OWNER).await.unwrap_err();
    w.auth.login(USER, PASSWORD, OWNER).await.unwrap_err();
    let got = events(&w).await;
    assert_eq!(
        kinds(&got),
        [
            "login_failed",
            "account_locked",
            "login_failed",
            "login_failed",
            "login_succeeded",
            "user_created"
        ]
    );
    let ok = &got[4];
    assert_eq!(ok.actor.as_deref(), Some(USER));
    assert_eq!(ok.ip.as_deref(), Some("192.0.2.1"));
    assert!(ok.detail.contains(&login.session_id));
    assert!(got[0].detail.contains("locked"), "{}", got[0].detail);
    assert!(got[3].detail.contains("wrong_password"));
    assert_eq!(got[3].outcome, "failure");
}

#[tokio::test]
async fn an_unknown_username_is_kept_only_as_a_keyed_hash() {
    let w = World::new().await;
    w.auth
        .login("mallory-the-unknown", PASSWORD, OWNER)
        .await
        .unwrap_err();
    w.auth
        .login("mallory-the-unknown", "other", OWNER)
        .await
        .unwrap_err();
    let got = events(&w).await;
    assert_eq!(kinds(&got)[..2], ["login_failed", "login_failed"]);
    let subject = got[0].subject.clone().unwrap();
    assert!(subject.starts_with("unknown:"), "{subject}");
    assert!(!subject.contains("mallory"));
    assert_eq!(got[1].subject.as_deref(), Some(subject.as_str()), "stable");
}

#[tokio::test]
async fn a_login_whose_session_could_not_be_stored_records_no_success() {
    let w = World::new().await;
    w.store.fail(&["create_session"]);
    assert_injected(w.auth.login(USER, PASSWORD, OWNER).await);
    w.store.heal();
    assert_eq!(kinds(&events(&w).await), ["user_created"]);
}

#[tokio::test]
async fn logout_and_reuse_are_recorded_but_rotation_is_not() {
    let w = World::new().await;
    let login = w.login().await;
    let next = w.auth.refresh(&login.refresh_token).await.unwrap();
    assert_eq!(
        kinds(&events(&w).await),
        ["login_succeeded", "user_created"],
        "an ordinary rotation records nothing"
    );
    w.auth.refresh(&login.refresh_token).await.unwrap_err();
    let second = w.login().await;
    w.auth.logout(&second.access_token).await.unwrap();
    drop(next);
    assert_eq!(
        kinds(&events(&w).await)[..3],
        ["logout", "login_succeeded", "refresh_reuse_detected"]
    );
}

#[tokio::test]
async fn a_password_change_that_fails_records_nothing() {
    let w = World::new().await;
    w.store.fail(&["change_password"]);
    assert_injected(w.auth.set_password(USER, "a new good password").await);
    w.store.heal();
    w.auth
        .set_password(USER, "a new good password")
        .await
        .unwrap();
    w.auth.set_disabled(USER, true).await.unwrap();
    assert_eq!(
        kinds(&events(&w).await),
        ["user_disabled", "password_changed", "user_created"]
    );
}

#[tokio::test]
async fn the_purge_deletes_events_past_their_retention_only() {
    let w = World::with(AuthSettings {
        audit_retention_days: 30,
        ..AuthSettings::default()
    })
    .await;
    w.advance(20 * 86_400);
    w.login().await;
    w.advance(11 * 86_400);
    w.auth.purge_expired().await.unwrap();
    assert_eq!(
        kinds(&events(&w).await),
        ["login_succeeded"],
        "the user's creation, 31 days old, is gone"
    );
    w.advance(365 * 86_400);
    let kept = World::with(AuthSettings {
        audit_retention_days: 0,
        ..AuthSettings::default()
    })
    .await;
    kept.advance(10 * 365 * 86_400);
    kept.auth.purge_expired().await.unwrap();
    assert_eq!(kinds(&events(&kept).await), ["user_created"], "0 keeps");
}
