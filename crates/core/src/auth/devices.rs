//! The web page's signed values: the device mark that makes a browser a familiar client for
//! smart lockout, and values derived under the signing key for the page (its form tokens).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;

use super::Auth;
use crate::secret::random_b64;
use crate::user::normalise;

impl Auth {
    /// 32 bytes derived from `input` under the signing key for the web page's `purpose`:
    /// nobody without the key computes them, and none equals a value derived for another use.
    pub fn web_derive(&self, purpose: &str, input: &[u8]) -> [u8; 32] {
        self.jwt.derive(&format!("web/{purpose}"), input)
    }

    /// A new device mark for `username`, `<id>.<mac>`, and its device id. The mark is good
    /// for that user only: a mark got by logging in to one's own account does not make the
    /// browser familiar to another account.
    pub fn new_device_mark(&self, username: &str) -> (String, String) {
        let id = random_b64(16);
        (format!("{id}.{}", self.device_mac(&id, username)), id)
    }

    /// The device id of `mark` when it is a mark this server issued for `username`.
    pub fn device_of(&self, mark: &str, username: &str) -> Option<String> {
        let (id, mac) = mark.split_once('.')?;
        if id.is_empty() || id.len() > 64 {
            return None;
        }
        let expected = self.device_mac(id, username);
        constant_time_eq(expected.as_bytes(), mac.as_bytes()).then(|| id.to_string())
    }

    fn device_mac(&self, id: &str, username: &str) -> String {
        let input = format!("{id}\0{}", normalise(username));
        B64.encode(self.web_derive("device", input.as_bytes()))
    }
}

/// Equal bytes, compared in a time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
