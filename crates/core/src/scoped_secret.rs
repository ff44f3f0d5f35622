//! The secret of a scoped token: `tsr_pat_`, 43 random base62 characters (256 bits), and a
//! 6-character base62 CRC32 of everything before it. Secret scanners can spot the prefix and
//! check the checksum; a malformed or mistyped token is refused without any lookup.

use rand::distributions::Alphanumeric;
use rand::{Rng as _, RngCore};

use crate::secret::{hash, NewSecret};

/// Prefix of scoped tokens (personal and resource).
pub const SCOPED_PREFIX: &str = "tsr_pat_";

/// The checksum's digits. (The random part is drawn by `rand`'s `Alphanumeric`: the same 62
/// characters, each equally likely.)
const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// 43 base62 characters carry 256.03 bits.
const RANDOM_CHARS: usize = 43;
const CHECKSUM_CHARS: usize = 6;

/// CRC-32 (IEEE), bit by bit: tokens are short.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn checksum(body: &str) -> String {
    let mut n = crc32(body.as_bytes());
    let mut out = [b'0'; CHECKSUM_CHARS];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A new scoped token and the hash the store keeps.
pub fn new_scoped_secret() -> NewSecret {
    let mut body = String::with_capacity(SCOPED_PREFIX.len() + RANDOM_CHARS + CHECKSUM_CHARS);
    body.push_str(SCOPED_PREFIX);
    body.extend(
        rand::rngs::OsRng
            .sample_iter(Alphanumeric)
            .take(RANDOM_CHARS)
            .map(char::from),
    );
    let plain = format!("{body}{}", checksum(&body));
    NewSecret {
        hash: hash(&plain),
        plain,
    }
}

/// A token's public id: 16 hex characters.
pub fn new_token_id() -> String {
    let mut buf = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Whether `token` has the form of a scoped token and its checksum matches.
pub fn is_well_formed(token: &str) -> bool {
    let Some(rest) = token.strip_prefix(SCOPED_PREFIX) else {
        return false;
    };
    if rest.len() != RANDOM_CHARS + CHECKSUM_CHARS
        || !rest.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return false;
    }
    let (body, sum) = token.split_at(token.len() - CHECKSUM_CHARS);
    checksum(body) == sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn tokens_are_prefixed_checksummed_unique_and_hashed() {
        let a = new_scoped_secret();
        let b = new_scoped_secret();
        assert!(a.plain.starts_with(SCOPED_PREFIX));
        assert_eq!(a.plain.len(), SCOPED_PREFIX.len() + 49);
        assert!(is_well_formed(&a.plain) && is_well_formed(&b.plain));
        assert_ne!(a.plain, b.plain);
        assert_eq!(a.hash, hash(&a.plain));
        assert!(!format!("{a:?}").contains(&a.plain));
    }

    #[test]
    fn a_changed_character_breaks_the_checksum() {
        let token = new_scoped_secret().plain;
        let i = SCOPED_PREFIX.len() + 10;
        let c = if &token[i..=i] == "a" { "b" } else { "a" };
        let typo = format!("{}{c}{}", &token[..i], &token[i + 1..]);
        assert!(!is_well_formed(&typo));
        assert!(!is_well_formed(&token[..token.len() - 1]));
        assert!(!is_well_formed(&token.replace(SCOPED_PREFIX, "tsr_rt_")));
        assert!(!is_well_formed(&format!("{}!", &token[..token.len() - 1])));
    }
}
