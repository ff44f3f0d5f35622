use axum::http::HeaderValue;
use proptest::prelude::*;

use super::*;

fn nets(list: &[&str]) -> Vec<ProxyNet> {
    list.iter().map(|s| s.parse().unwrap()).collect()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn headers(values: &[&str]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for v in values {
        h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
    }
    h
}

fn walk(peer: &str, xff: &[&str], proxies: &[&str]) -> IpAddr {
    client_ip(ip(peer), &headers(xff), &nets(proxies))
}

#[test]
fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
    assert_eq!(
        walk("198.51.100.7", &["203.0.113.1"], &[]),
        ip("198.51.100.7")
    );
    assert_eq!(
        walk("198.51.100.7", &["203.0.113.1"], &["10.0.0.0/8"]),
        ip("198.51.100.7")
    );
}

#[test]
fn the_walk_goes_right_to_left_through_trusted_proxies_only() {
    let proxies = ["10.0.0.0/8", "2001:db8::/32"];
    // The client spoofs a leftmost entry; the proxy appends the real address.
    assert_eq!(
        walk("10.0.0.1", &["1.1.1.1, 203.0.113.9"], &proxies),
        ip("203.0.113.9")
    );
    // Two trusted hops, then the client.
    assert_eq!(
        walk("10.0.0.1", &["1.1.1.1, 203.0.113.9, 10.2.3.4"], &proxies),
        ip("203.0.113.9")
    );
    // Several header fields are one list, in order.
    assert_eq!(
        walk(
            "10.0.0.1",
            &["1.1.1.1", "203.0.113.9", "10.2.3.4"],
            &proxies
        ),
        ip("203.0.113.9")
    );
    assert_eq!(
        walk("2001:db8::1", &["2001:db8:1::5, 2600::1"], &proxies),
        ip("2600::1")
    );
    // No header: the proxy itself is the client.
    assert_eq!(walk("10.0.0.1", &[], &proxies), ip("10.0.0.1"));
    // Every hop trusted: the farthest one.
    assert_eq!(
        walk("10.0.0.1", &["10.9.9.9, 10.2.3.4"], &proxies),
        ip("10.9.9.9")
    );
}

#[test]
fn an_unparsable_hop_stops_the_walk_at_the_last_trusted_proxy() {
    let proxies = ["10.0.0.0/8"];
    // Skipping "garbage" would reach the attacker-written 1.1.1.1.
    for xff in [
        "1.1.1.1, garbage, 10.2.3.4",
        "1.1.1.1, , 10.2.3.4",
        "1.1.1.1,10.2.3.4:8080,10.2.3.4",
        "1.1.1.1, unknown, 10.2.3.4",
    ] {
        assert_eq!(walk("10.0.0.1", &[xff], &proxies), ip("10.2.3.4"), "{xff}");
    }
    assert_eq!(
        walk("10.0.0.1", &["1.1.1.1, junk"], &proxies),
        ip("10.0.0.1")
    );
    assert_eq!(walk("10.0.0.1", &["1.1.1.1", ""], &proxies), ip("10.0.0.1"));
    let mut h = headers(&["1.1.1.1"]);
    h.append("x-forwarded-for", HeaderValue::from_bytes(b"\xff").unwrap());
    assert_eq!(
        client_ip(ip("10.0.0.1"), &h, &nets(&proxies)),
        ip("10.0.0.1")
    );
}

#[test]
fn ipv4_mapped_addresses_count_as_ipv4() {
    let proxies = ["10.0.0.1"];
    assert_eq!(
        walk("::ffff:10.0.0.1", &["203.0.113.9"], &proxies),
        ip("203.0.113.9")
    );
    assert_eq!(
        walk("::ffff:198.51.100.7", &[], &proxies),
        ip("198.51.100.7")
    );
    assert_eq!(
        walk("10.0.0.1", &["::ffff:203.0.113.9"], &proxies),
        ip("203.0.113.9")
    );
    assert_eq!(
        walk("10.0.0.1", &["1.1.1.1, ::ffff:10.0.0.1"], &proxies),
        ip("1.1.1.1")
    );
}

#[test]
fn proxies_are_addresses_or_networks() {
    assert_eq!(
        "10.0.0.1".parse::<ProxyNet>().unwrap().to_string(),
        "10.0.0.1"
    );
    assert_eq!(
        "10.1.2.3/8".parse::<ProxyNet>().unwrap().to_string(),
        "10.0.0.0/8"
    );
    assert_eq!(
        "fd00::/8".parse::<ProxyNet>().unwrap().to_string(),
        "fd00::/8"
    );
    assert_eq!(" ::1 ".parse::<ProxyNet>().unwrap().to_string(), "::1");
    assert_eq!(
        "::ffff:10.0.0.1".parse::<ProxyNet>().unwrap().to_string(),
        "10.0.0.1"
    );
    for bad in ["proxy", "10.0.0.0/33", "10.0.0.1/", "", "::/129"] {
        assert!(bad.parse::<ProxyNet>().is_err(), "{bad}");
    }
    let net: ProxyNet = "192.168.0.0/16".parse().unwrap();
    assert!(net.contains(ip("192.168.200.1")) && !net.contains(ip("192.169.0.1")));
}

fn any_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u8; 4]>().prop_map(|b| IpAddr::from(std::net::Ipv4Addr::from(b).to_ipv6_mapped())),
        any::<[u16; 8]>().prop_map(IpAddr::from),
        // A small space, so that hops are often trusted.
        (0u8..4).prop_map(|b| IpAddr::from([10, 0, 0, b])),
    ]
}

fn any_hop() -> impl Strategy<Value = String> {
    prop_oneof![
        any_ip().prop_map(|ip| ip.to_string()),
        any_ip().prop_map(|ip| format!(" {ip} ")),
        "[ -~]{0,20}",
        Just(String::new()),
        Just("unknown".to_string()),
    ]
}

proptest! {
    /// Never a panic, and the answer is always the peer or an address parsed from a hop.
    #[test]
    fn the_client_is_the_peer_or_a_parsed_hop(
        peer in any_ip(),
        fields in prop::collection::vec(prop::collection::vec(any_hop(), 0..6), 0..4),
        proxies in prop::collection::vec(
            prop_oneof![Just("10.0.0.0/30"), Just("10.0.0.1"), Just("::/0"), Just("0.0.0.0/0")],
            0..3,
        ),
    ) {
        let mut h = HeaderMap::new();
        let mut parsed = vec![peer.to_canonical()];
        for field in &fields {
            let value = field.join(",");
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.append("x-forwarded-for", v);
                parsed.extend(value.split(',').filter_map(|hop| hop.trim().parse::<IpAddr>().ok()));
            }
        }
        let parsed: Vec<IpAddr> = parsed.iter().map(|ip| ip.to_canonical()).collect();
        let client = client_ip(peer, &h, &nets(&proxies));
        prop_assert!(parsed.contains(&client), "{client} not in {parsed:?}");
        if !nets(&proxies).iter().any(|n| n.contains(peer.to_canonical())) {
            prop_assert_eq!(client, peer.to_canonical());
        }
    }
}
