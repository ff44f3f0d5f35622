//! Smart lockout: strangers' failures lock strangers out, not the owner's familiar client; and
//! the hourly ceiling on failures from unfamiliar clients, whatever their addresses.

use std::net::IpAddr;

use tessera_core::{AuthSettings, Error};

use crate::support::{World, OWNER, PASSWORD, USER};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

const STRANGER: &str = "198.51.100.9";
const WRONG: &str = "not the password";

async fn refused(w: &World, password: &str, from: &str) {
    let err = w.auth.login(USER, password, ip(from)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials), "{from}: {err:?}");
}

async fn admitted(w: &World, from: &str) {
    w.auth
        .login(USER, PASSWORD, ip(from))
        .await
        .unwrap_or_else(|e| panic!("{from} is let in: {e:?}"));
}

#[tokio::test]
async fn a_strangers_failures_do_not_lock_the_owner_out() {
    let w = World::new().await;
    w.login().await;
    for _ in 0..5 {
        refused(&w, WRONG, STRANGER).await;
    }
    refused(&w, PASSWORD, STRANGER).await;
    admitted(&w, &OWNER.to_string()).await;
    refused(&w, PASSWORD, STRANGER).await;
    w.another_instance()
        .login(USER, PASSWORD, OWNER)
        .await
        .expect("every instance knows the owner's client");
}

#[tokio::test]
async fn a_stranger_stays_locked_out_until_the_lock_runs_out() {
    let w = World::new().await;
    w.login().await;
    for _ in 0..3 {
        refused(&w, WRONG, STRANGER).await;
    }
    refused(&w, PASSWORD, "198.51.100.77").await;
    w.advance(w.auth.settings().lockout_secs - 1);
    refused(&w, PASSWORD, STRANGER).await;
    w.advance(1);
    admitted(&w, STRANGER).await;
}

#[tokio::test]
async fn a_familiar_clients_own_failures_lock_only_itself() {
    let w = World::new().await;
    w.login().await;
    let owner = OWNER.to_string();
    for _ in 0..3 {
        refused(&w, WRONG, &owner).await;
    }
    refused(&w, PASSWORD, &owner).await;
    admitted(&w, STRANGER).await;
}

#[tokio::test]
async fn an_ipv6_client_is_known_by_its_64() {
    let w = World::new().await;
    admitted(&w, "2001:db8:1:2::10").await;
    for _ in 0..3 {
        refused(&w, WRONG, STRANGER).await;
    }
    admitted(&w, "2001:db8:1:2:aaaa::99").await;
    refused(&w, PASSWORD, "2001:db8:1:3::10").await;
}

#[tokio::test]
async fn a_client_is_familiar_for_the_window_only() {
    let settings = AuthSettings {
        familiar_client_secs: 1000,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    w.login().await;
    w.advance(1001);
    for _ in 0..3 {
        refused(&w, WRONG, STRANGER).await;
    }
    refused(&w, PASSWORD, &OWNER.to_string()).await;
}

/// Without an account lock, failures from unfamiliar clients still stop at the ceiling, each
/// from an address of its own; the owner's familiar client is not under it.
#[tokio::test]
async fn unfamiliar_failures_stop_at_the_hourly_ceiling_whatever_their_addresses() {
    let settings = AuthSettings {
        lockout_threshold: 0,
        unfamiliar_failures_per_hour: 5,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    w.login().await;
    for i in 1..=5 {
        refused(&w, WRONG, &format!("198.51.100.{i}")).await;
    }
    refused(&w, PASSWORD, "198.51.100.6").await;
    refused(&w, PASSWORD, "2001:db8:ffff::1").await;
    admitted(&w, &OWNER.to_string()).await;
    w.advance(3600);
    admitted(&w, "198.51.100.6").await;
}

/// The ceiling counts across locks: after a lock has run out, the hour's tally still stands.
#[tokio::test]
async fn the_ceiling_outlasts_a_lock() {
    let settings = AuthSettings {
        lockout_threshold: 3,
        lockout_secs: 900,
        unfamiliar_failures_per_hour: 4,
        ..AuthSettings::default()
    };
    let w = World::with(settings).await;
    for _ in 0..3 {
        refused(&w, WRONG, STRANGER).await;
    }
    w.advance(900);
    refused(&w, WRONG, STRANGER).await;
    refused(&w, PASSWORD, STRANGER).await;
    w.advance(2700);
    admitted(&w, STRANGER).await;
}

#[tokio::test]
async fn a_browsers_device_mark_keeps_its_own_count_wherever_it_connects_from() {
    let w = World::new().await;
    let (mark, device) = w.auth.new_device_mark(USER);
    w.auth
        .login_on_device(USER, PASSWORD, ip(STRANGER), Some(&device))
        .await
        .expect("the first login from the browser");
    for _ in 0..3 {
        refused(&w, WRONG, STRANGER).await;
    }
    refused(&w, PASSWORD, "198.51.100.78").await;
    let known = w.auth.device_of(&mark, USER).expect("the mark verifies");
    assert_eq!(known, device);
    w.auth
        .login_on_device(USER, PASSWORD, ip("203.0.113.200"), Some(&known))
        .await
        .expect("the familiar browser is let in from a new address");
    let fresh = w.auth.new_device_mark(USER).1;
    let err = w
        .auth
        .login_on_device(USER, PASSWORD, ip(STRANGER), Some(&fresh))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn a_device_mark_is_good_for_its_user_only_and_cannot_be_forged() {
    let w = World::new().await;
    let (mark, device) = w.auth.new_device_mark(USER);
    assert_eq!(
        w.auth.device_of(&mark, USER).as_deref(),
        Some(device.as_str())
    );
    assert_eq!(
        w.auth.device_of(&mark, &USER.to_uppercase()).as_deref(),
        Some(device.as_str()),
        "usernames are normalised"
    );
    assert_eq!(w.auth.device_of(&mark, "someone-else"), None);
    assert_eq!(w.auth.device_of(&format!("{device}.AAAA"), USER), None);
    assert_eq!(w.auth.device_of(&device, USER), None);
    let other_id = format!("x{}", &mark[1..]);
    assert_eq!(w.auth.device_of(&other_id, USER), None);
}
