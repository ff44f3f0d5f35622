//! The key smart lockout knows a client by: its IPv4 address, or the /64 network of its IPv6
//! address (a host is given a whole /64 and may change addresses within it); or, for a browser
//! that holds the web page's signed device mark, that device.

use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey(String);

impl ClientKey {
    pub fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(v4.to_string()),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                Self(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
            }
        }
    }

    /// A browser known by the device id of its signed mark (see `Auth::device_of`): its own
    /// key wherever it connects from, never equal to an address's.
    pub fn device(id: &str) -> Self {
        Self(format!("device:{id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ip: &str) -> String {
        ClientKey::of(ip.parse().unwrap()).as_str().to_string()
    }

    #[test]
    fn ipv4_is_the_address_and_ipv6_its_64() {
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(
            key("::ffff:203.0.113.7"),
            "203.0.113.7",
            "mapped IPv4 is IPv4"
        );
        assert_eq!(key("2001:db8:a:b:1:2:3:4"), "2001:db8:a:b::/64");
        assert_eq!(key("2001:db8:a:b:ffff::9"), "2001:db8:a:b::/64");
        assert_ne!(key("2001:db8:a:c::1"), key("2001:db8:a:b::1"));
    }

    #[test]
    fn a_device_is_its_own_key() {
        assert_eq!(ClientKey::device("abc").as_str(), "device:abc");
        assert_ne!(ClientKey::device("1.2.3.4").as_str(), key("1.2.3.4"));
    }
}
