//! The keys kept in the data directory: the installation's HS512 key when `JWT_SECRET_KEY` is
//! not set, and on SQLite the key-encryption key when `key_encryption_key` is not set.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Context};
use tessera_core::keys::SigningKey;
use tessera_core::signing::Kek;

pub const KEY_FILE: &str = "jwt-signing.key";
/// The key-encryption key on SQLite when the configuration gives none.
pub const KEK_FILE: &str = "key-encryption.key";

/// Reads the key file, or creates it (owner-only) with a new random key.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<SigningKey> {
    let path = data_dir.join(KEY_FILE);
    let key = load_or_create_hex(&path, || SigningKey::generate().expose().to_vec())?;
    SigningKey::from_bytes(key).with_context(|| path.display().to_string())
}

/// Reads the key-encryption key file, or creates it (owner-only) with a new random key.
pub fn load_or_create_kek(data_dir: &Path) -> anyhow::Result<Kek> {
    let path = data_dir.join(KEK_FILE);
    let key = load_or_create_hex(&path, || Kek::generate().1.to_vec())?;
    Kek::from_bytes(&key).with_context(|| path.display().to_string())
}

/// The bytes a file holds in hex, or `new()` written into it (owner-only) when it is absent.
fn load_or_create_hex(path: &Path, new: impl FnOnce() -> Vec<u8>) -> anyhow::Result<Vec<u8>> {
    match fs::read_to_string(path) {
        Ok(text) => {
            hex::decode(text.trim()).map_err(|_| anyhow!("{}: not a hex key", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = new();
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            file.write_all(hex::encode(&key).as_bytes())
                .and_then(|_| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(key)
        }
        Err(e) => Err(anyhow!(e).context(format!("cannot read {}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_owner_only_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        let second = load_or_create(dir.path()).unwrap();
        assert_eq!(first.expose(), second.expose());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
