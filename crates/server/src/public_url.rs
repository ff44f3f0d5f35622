//! The URL tessera is reached at, as OAuth 2.0 clients must be told it (RFC 8414 section 2:
//! the issuer is an `https` URL without query or fragment; `http` is allowed here for a
//! loopback host, for development).

/// `url` checked and without a trailing `/`, or why it cannot name tessera.
pub fn parse(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("{url:?} is not a URL (https://host[:port][/path])"))?;
    if url.contains(['?', '#']) || url.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "{url:?}: no query, fragment, spaces or other characters outside printable ASCII"
        ));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(format!("{url:?}: a host is needed, without a user part"));
    }
    match scheme {
        "https" => Ok(url.to_string()),
        "http" if is_loopback(authority) => Ok(url.to_string()),
        "http" => Err(format!(
            "{url:?}: http only for a loopback host (localhost, 127.0.0.1, [::1]); use https"
        )),
        _ => Err(format!("{url:?}: the scheme must be https")),
    }
}

/// Whether `authority` (`host[:port]`) names this machine: `localhost`, `127.0.0.0/8`, `::1`.
pub fn is_loopback(authority: &str) -> bool {
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_urls_and_loopback_http_only() {
        assert_eq!(
            parse("https://auth.example.org/").unwrap(),
            "https://auth.example.org"
        );
        assert_eq!(
            parse("https://example.org/tessera").unwrap(),
            "https://example.org/tessera"
        );
        assert!(parse("http://127.0.0.1:5000").is_ok());
        assert!(parse("http://localhost").is_ok());
        assert!(parse("http://[::1]:8080").is_ok());
        for bad in [
            "tessera",
            "http://auth.example.org",
            "ftp://x",
            "https://",
            "https://a.org/?q=1",
            "https://a.org/#f",
            "https://u@a.org",
            "https://a b.org",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(is_loopback("127.1.2.3:80") && !is_loopback("10.0.0.1"));
        assert!(!is_loopback("localhost.example.org"));
    }
}
