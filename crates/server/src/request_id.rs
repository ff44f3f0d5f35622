//! Request ids: `x-request-id` is taken from the request only when it is exactly one value of
//! at most 64 characters of `[A-Za-z0-9._-]`; otherwise (or without one) a UUID is made. The
//! id is kept inline ([`Id`]: no allocation, copied freely) until the answer's header is made.

use axum::http::{HeaderMap, HeaderName, HeaderValue};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client.
const MAX_ID_LEN: usize = 64;

/// Whether a client's request id may be kept (and so written to the log and echoed).
pub fn acceptable_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A random (version 4) UUID: 122 bits from a fast per-thread generator (wyrand, seeded once
/// per thread from the system's generator: an id must be unique, not unpredictable), written
/// two digits at a time (`format!`, or the cryptographic generator per request, cost more than
/// the rest of a validation's id handling).
fn new_id() -> Id {
    thread_local! {
        static STATE: std::cell::Cell<u64> = std::cell::Cell::new(rand::random());
    }
    let next = || {
        STATE.with(|s| {
            let x = s.get().wrapping_add(0xa076_1d64_78bd_642f);
            s.set(x);
            let t = u128::from(x) * u128::from(x ^ 0xe703_7ed1_a0b4_28db);
            (t >> 64) as u64 ^ t as u64
        })
    };
    let n = (u128::from(next()) << 64 | u128::from(next())) & !(0xF << 76) & !(0x3 << 62)
        | (0x4 << 76)
        | (0x2 << 62);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = n.to_be_bytes();
    let mut id = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        id[at] = HEX[usize::from(byte >> 4)];
        id[at + 1] = HEX[usize::from(byte & 0xF)];
        at += 2;
    }
    let mut made = Id {
        len: 36,
        bytes: [0; MAX_ID_LEN],
    };
    made.bytes[..36].copy_from_slice(&id);
    made
}

/// A request's id, inline.
#[derive(Clone, Copy)]
pub struct Id {
    len: u8,
    bytes: [u8; MAX_ID_LEN],
}

impl Id {
    /// The request's own id (exactly one, acceptable), or a new one.
    pub fn of(headers: &HeaderMap) -> Self {
        let mut ids = headers.get_all(&REQUEST_ID).iter();
        match (ids.next(), ids.next()) {
            (Some(id), None) if acceptable_id(id.as_bytes()) => {
                let id = id.as_bytes();
                let mut kept = Id {
                    len: id.len() as u8,
                    bytes: [0; MAX_ID_LEN],
                };
                kept.bytes[..id.len()].copy_from_slice(id);
                kept
            }
            _ => new_id(),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever kept or made.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The `x-request-id` header of the answer.
    pub fn header_value(&self) -> Option<HeaderValue> {
        HeaderValue::from_bytes(&self.bytes[..usize::from(self.len)]).ok()
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::{acceptable_id, new_id, Id, REQUEST_ID};

    #[test]
    fn a_single_acceptable_id_is_kept_and_anything_else_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_static("abc-1"));
        assert_eq!(Id::of(&headers).as_str(), "abc-1");
        assert_eq!(Id::of(&headers).header_value().unwrap(), "abc-1");
        headers.append(REQUEST_ID, HeaderValue::from_static("def-2"));
        let made = Id::of(&headers);
        assert_eq!(made.as_str().len(), 36, "two ids: a new one");
        headers.insert(REQUEST_ID, HeaderValue::from_static("a b"));
        assert_eq!(
            Id::of(&headers).as_str().len(),
            36,
            "unacceptable: a new one"
        );
        assert_eq!(Id::of(&HeaderMap::new()).as_str().len(), 36);
    }

    #[test]
    fn made_ids_are_version_4_uuids() {
        let a = new_id();
        let a = a.as_str();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert!(acceptable_id(a.as_bytes()));
        assert_ne!(a, new_id().as_str());
        let dashes: Vec<usize> = a.match_indices('-').map(|(at, _)| at).collect();
        assert_eq!(dashes, [8, 13, 18, 23]);
        assert!(a
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(acceptable_id(b"abc-DEF_1.2"));
        assert!(acceptable_id("a".repeat(64).as_bytes()));
        assert!(!acceptable_id("a".repeat(65).as_bytes()));
        assert!(!acceptable_id(b""));
        assert!(!acceptable_id(b"a b"));
        assert!(!acceptable_id(b"a\"b"));
        assert!(!acceptable_id("é".as_bytes()));
    }
}
