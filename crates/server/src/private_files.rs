//! The data directory, the SQLite database (with its WAL and shared-memory files) and the key
//! file hold password hashes and signing keys: they are made owner-only when created, and an
//! existing one that others may read is tightened at start, with a warning saying so.

use std::path::{Path, PathBuf};

use anyhow::Context;
use tracing::warn;

use crate::config::Config;

/// Removes the group's and others' permissions from whichever of tessera's files exist.
pub fn tighten(config: &Config) -> anyhow::Result<()> {
    tighten_one(&config.data_dir)?;
    tighten_one(&config.data_dir.join(crate::keyfile::KEY_FILE))?;
    let url = config.database_url();
    if let Some(db) = tessera_store::sqlite_path(&url) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            tighten_one(&PathBuf::from(name))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn tighten_one(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;

    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(()); // not there (yet): created owner-only
    };
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    let tightened = mode & !0o077;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(tightened)).with_context(
        || {
            format!(
                "{} may be read by others (mode {mode:04o}) and cannot be made owner-only",
                path.display()
            )
        },
    )?;
    warn!(
        path = %path.display(),
        "others could read {} (mode {mode:04o}): made it owner-only (mode {tightened:04o})",
        path.display()
    );
    Ok(())
}

#[cfg(not(unix))]
fn tighten_one(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn loose_files_are_made_owner_only_and_missing_ones_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let loose = [
            (data.clone(), 0o755, 0o700),
            (data.join("jwt-signing.key"), 0o644, 0o600),
            (data.join("tessera.db"), 0o664, 0o600),
            (data.join("tessera.db-wal"), 0o606, 0o600),
        ];
        for (path, before, _) in &loose {
            if path != &data {
                std::fs::write(path, b"x").unwrap();
            }
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(*before)).unwrap();
        }
        let config = Config {
            data_dir: data.clone(),
            ..Config::default()
        };
        tighten(&config).unwrap();
        for (path, _, after) in &loose {
            assert_eq!(mode(path), *after, "{}", path.display());
        }
        assert!(!data.join("tessera.db-shm").exists());
        // Already private: untouched.
        std::fs::set_permissions(
            data.join("tessera.db"),
            std::fs::Permissions::from_mode(0o400),
        )
        .unwrap();
        tighten(&config).unwrap();
        assert_eq!(mode(&data.join("tessera.db")), 0o400);
    }
}
