//! The page's cookies. All are `HttpOnly` (no script reads them), `SameSite=Strict`, `Path=/`;
//! over HTTPS they are `Secure` and named with the `__Host-` prefix, so that no other host or
//! path can set or shadow them.
//!
//! | name | holds | lifetime |
//! |---|---|---|
//! | `tessera-access` | the session's access token | the browser session |
//! | `tessera-refresh` | the session's refresh token | the refresh token's |
//! | `tessera-device` | the signed device mark (smart lockout's familiar client) | a year |
//! | `tessera-login` | a random value the login form's token is derived from | the browser session |

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};

pub const ACCESS: &str = "tessera-access";
pub const REFRESH: &str = "tessera-refresh";
pub const DEVICE: &str = "tessera-device";
pub const LOGIN: &str = "tessera-login";

/// How long a device mark is kept, seconds.
pub const DEVICE_MAX_AGE: i64 = 365 * 86_400;

/// The cookie's name as sent over this transport.
pub fn name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

/// The value of cookie `base` in the request, under the name for this transport.
pub fn get(headers: &HeaderMap, base: &str, secure: bool) -> Option<String> {
    let wanted = name(base, secure);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == wanted)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value; `max_age` `None` for a cookie of the browser session, `Some(0)` to
/// delete it.
pub fn set(base: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict",
        name(base, secure)
    );
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={}", age.max(0)));
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Deletes cookie `base`.
pub fn clear(base: &str, secure: bool) -> HeaderValue {
    set(base, "", Some(0), secure)
}

/// Adds `cookies` to an answer's headers.
pub fn append(headers: &mut HeaderMap, cookies: impl IntoIterator<Item = HeaderValue>) {
    for c in cookies {
        if !c.is_empty() {
            headers.append(SET_COOKIE, c);
        }
    }
}

/// Whether an answer sets (or clears) cookie `base`.
pub fn sets(headers: &HeaderMap, base: &str, secure: bool) -> bool {
    let prefix = format!("{}=", name(base, secure));
    headers
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(prefix.as_bytes()))
}

/// The cookies that end the page's session in this browser (the device mark stays).
pub fn signed_out(secure: bool) -> [HeaderValue; 2] {
    [clear(ACCESS, secure), clear(REFRESH, secure)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_https_cookies_are_secure_and_host_prefixed() {
        let c = set(ACCESS, "v", None, true);
        assert_eq!(
            c.to_str().unwrap(),
            "__Host-tessera-access=v; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        let c = set(REFRESH, "v", Some(60), false);
        assert_eq!(
            c.to_str().unwrap(),
            "tessera-refresh=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60"
        );
    }

    #[test]
    fn a_cookie_is_read_under_the_name_of_its_transport_only() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; tessera-access=plain; __Host-tessera-access=host"),
        );
        assert_eq!(get(&h, ACCESS, false).as_deref(), Some("plain"));
        assert_eq!(get(&h, ACCESS, true).as_deref(), Some("host"));
        assert_eq!(get(&h, REFRESH, true), None);
    }
}
