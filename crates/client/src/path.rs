//! Paths with caller-given segments (resource names, usernames, ids), percent-encoded so that a
//! `/`, `?` or `#` in one stays in its segment.

/// `segment` percent-encoded for a URL path: everything but unreserved characters and the
/// `:` and `@` of resource names.
pub(crate) fn segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'@' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn segments_cannot_leave_their_place() {
        assert_eq!(segment("plugin:fancy-plugin"), "plugin:fancy-plugin");
        assert_eq!(segment("a@b.c_d~e"), "a@b.c_d~e");
        assert_eq!(segment("../x"), "..%2Fx");
        assert_eq!(segment("a b?c#d%"), "a%20b%3Fc%23d%25");
        assert_eq!(segment("é"), "%C3%A9");
    }
}
