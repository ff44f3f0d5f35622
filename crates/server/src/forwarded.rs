//! Who the client is: the peer, or behind trusted proxies the address they say they received
//! the request from (`X-Forwarded-For`).
//!
//! Each proxy appends the address it received from, so the list is walked from the right: a
//! hop written by a trusted proxy is believed, and the walk goes on only while that hop is a
//! trusted proxy too. It stops at the first untrusted hop (the client) or at the first hop
//! that is not an address (then the last trusted proxy reached is the client as far as anyone
//! can tell): entries further left were written by whoever sent the request, and are not
//! believed. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, a dual-stack listener's view of
//! an IPv4 peer) count as the IPv4 address.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A trusted proxy: an address or a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet(IpNet);

impl ProxyNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip)
    }
}

impl FromStr for ProxyNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(Self(IpNet::from(ip.to_canonical())));
        }
        let net: IpNet = s
            .parse()
            .map_err(|_| format!("{s:?} is neither an address nor a CIDR network"))?;
        Ok(Self(net.trunc()))
    }
}

impl fmt::Display for ProxyNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpNet::V4(n) if n.prefix_len() == 32 => n.addr().fmt(f),
            IpNet::V6(n) if n.prefix_len() == 128 => n.addr().fmt(f),
            net => net.fmt(f),
        }
    }
}

impl Serialize for ProxyNet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ProxyNet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

fn trusted(ip: IpAddr, proxies: &[ProxyNet]) -> bool {
    proxies.iter().any(|net| net.contains(ip))
}

/// The client's address: `peer` unless it is a trusted proxy, else the walk described above.
/// Always `peer` (canonical) or an address parsed from `X-Forwarded-For`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[ProxyNet]) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted(client, proxies) {
        return client;
    }
    // Several header fields make one list, in order; walk it from the right.
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(value) = value.to_str() else {
            return client;
        };
        for hop in value.rsplit(',') {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                return client;
            };
            client = ip.to_canonical();
            if !trusted(client, proxies) {
                return client;
            }
        }
    }
    client
}

#[cfg(test)]
#[path = "forwarded_tests.rs"]
mod tests;
