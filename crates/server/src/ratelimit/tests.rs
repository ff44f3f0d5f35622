use tessera_core::ManualClock;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn limiter(per_minute: u32, clock: &Arc<ManualClock>, keys: ClientKeys) -> RateLimiter {
    RateLimiter::new("test".into(), per_minute, clock.clone(), keys, None)
}

fn retry_after(r: Result<(), Error>) -> Option<u64> {
    match r {
        Ok(()) => None,
        Err(Error::RateLimited { retry_after }) => Some(retry_after),
        Err(other) => panic!("expected a limit, got {other:?}"),
    }
}

#[tokio::test]
async fn limits_per_address_and_resets_after_the_window() {
    let clock = Arc::new(ManualClock::new(1_000));
    let limiter = limiter(2, &clock, ClientKeys::default());
    let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
    assert_eq!(retry_after(limiter.check(a).await), None);
    assert_eq!(retry_after(limiter.check(a).await), None);
    clock.advance(20);
    assert_eq!(retry_after(limiter.check(a).await), Some(40));
    assert_eq!(retry_after(limiter.check(b).await), None);
    clock.advance(40);
    assert_eq!(retry_after(limiter.check(a).await), None);
}

#[tokio::test]
async fn zero_means_unlimited() {
    let clock = Arc::new(ManualClock::new(0));
    let limiter = limiter(0, &clock, ClientKeys::default());
    for _ in 0..1000 {
        assert!(limiter.check(ip("10.0.0.1")).await.is_ok());
    }
}

#[tokio::test]
async fn ipv6_clients_are_counted_by_their_network() {
    let clock = Arc::new(ManualClock::new(1_000));
    let limiter = limiter(1, &clock, ClientKeys::default());
    assert!(limiter.check(ip("2001:db8:1:2::1")).await.is_ok());
    // Another address of the same /64: the same client.
    let same = limiter.check(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")).await;
    assert_eq!(retry_after(same), Some(60));
    assert!(limiter.check(ip("2001:db8:1:3::1")).await.is_ok());
    // IPv4 per address; a mapped IPv4 address is that address.
    assert!(limiter.check(ip("192.0.2.1")).await.is_ok());
    assert!(limiter.check(ip("192.0.2.2")).await.is_ok());
    assert!(limiter.check(ip("::ffff:192.0.2.1")).await.is_err());

    let wide = ClientKeys {
        ipv6_prefix: 48,
        ..ClientKeys::default()
    };
    assert_eq!(wide.key(ip("2001:db8:1:ffff::9")), ip("2001:db8:1::"));
    assert_eq!(wide.name(wide.key(ip("2001:db8:1::9"))), "2001:db8:1::/48");
    let exact = ClientKeys {
        ipv6_prefix: 128,
        ..ClientKeys::default()
    };
    assert_eq!(exact.key(ip("2001:db8::9")), ip("2001:db8::9"));
    let all = ClientKeys {
        ipv6_prefix: 0,
        ..ClientKeys::default()
    };
    assert_eq!(all.key(ip("2001:db8::9")), ip("::"));
}

#[tokio::test]
async fn at_the_cap_new_clients_share_one_window_and_memory_stays_bounded() {
    let clock = Arc::new(ManualClock::new(1_000));
    let keys = ClientKeys {
        max_clients: 3,
        ..ClientKeys::default()
    };
    let limiter = limiter(2, &clock, keys);
    for i in 0..3 {
        assert!(limiter.check(ip(&format!("10.0.0.{i}"))).await.is_ok());
    }
    // Thousands of new addresses: tracked ones keep their own count, the rest share one.
    assert!(limiter.check(ip("10.0.1.1")).await.is_ok());
    assert!(limiter.check(ip("10.0.1.2")).await.is_ok());
    for i in 0..2000u32 {
        let flood = IpAddr::from((0x0b00_0000 + i).to_be_bytes());
        assert!(limiter.check(flood).await.is_err());
    }
    assert_eq!(limiter.windows.len(), 3);
    assert!(limiter.check(ip("10.0.0.0")).await.is_ok());
    // Once the windows end they are swept out, and new clients are tracked again.
    clock.advance(60);
    assert!(limiter.check(ip("10.0.2.1")).await.is_ok());
    assert!(limiter.check(ip("10.0.2.1")).await.is_ok());
    assert!(limiter.check(ip("10.0.2.1")).await.is_err());
    assert!(limiter.check(ip("10.0.2.2")).await.is_ok());
    assert!(limiter.windows.len() <= 3);
}

#[test]
fn failed_lookups_refuse_a_client_once_it_reached_the_limit() {
    let clock = Arc::new(ManualClock::new(1_000));
    let failures = FailureLimiter::new(3, clock.clone(), ClientKeys::default());
    let (a, b) = (ip("203.0.113.1"), ip("203.0.113.2"));
    for _ in 0..3 {
        assert!(failures.admit(a).is_ok());
        failures.failed(a);
    }
    clock.advance(10);
    assert_eq!(retry_after(failures.admit(a)), Some(50));
    assert!(failures.admit(b).is_ok());
    clock.advance(50);
    assert!(failures.admit(a).is_ok());
    let off = FailureLimiter::new(0, clock.clone(), ClientKeys::default());
    for _ in 0..10 {
        off.failed(a);
    }
    assert!(off.admit(a).is_ok());
}

#[test]
fn ended_windows_are_swept_so_an_idle_map_empties() {
    let clock = Arc::new(ManualClock::new(1_000));
    let failures = FailureLimiter::new(3, clock.clone(), ClientKeys::default());
    failures.failed(ip("203.0.113.1"));
    failures.failed(ip("203.0.113.2"));
    assert_eq!(failures.windows.len(), 2);
    clock.advance(61);
    assert!(failures.admit(ip("198.51.100.1")).is_ok());
    assert_eq!(failures.windows.len(), 0);
}
