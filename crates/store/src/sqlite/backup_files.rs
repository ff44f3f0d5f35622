//! Files of backups and restores: a temporary file next to where the result goes (removed
//! unless it is kept), syncing, and ownership.

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};

use tessera_core::{Error, Result};

pub(super) fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!("cannot {what} {}: {e}", path.display()))
}

/// `path` with `suffix` added to its name (`tessera.db` → `tessera.db-wal`).
pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The directory `path` is in (`.` for a bare name).
pub(super) fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A new, empty, owner-only file beside `target`, removed when dropped unless `keep` is called.
pub(super) struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    pub(super) fn beside(target: &Path, purpose: &str) -> Result<Self> {
        let name = target
            .file_name()
            .ok_or_else(|| Error::BadRequest(format!("{} is not a file name", target.display())))?;
        let path = parent(target).join(format!(
            ".{}.{purpose}-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        remove_if_there(&path)?; // left by a run of this pid that was killed
        for suffix in ["-wal", "-shm", "-journal"] {
            remove_if_there(&with_suffix(&path, suffix))?;
        }
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&path)
            .map_err(|e| io_error("create", &path, e))?;
        Ok(Self { path, kept: false })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the file and renames it to `target` (replacing it), then syncs the directory.
    pub(super) fn persist(mut self, target: &Path) -> Result<()> {
        sync_file(&self.path)?;
        fs::rename(&self.path, target).map_err(|e| io_error("write", target, e))?;
        self.kept = true;
        sync_dir(parent(target))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = fs::remove_file(with_suffix(&self.path, suffix));
            }
        }
    }
}

pub(super) fn remove_if_there(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("remove", path, e)),
    }
}

pub(super) fn sync_file(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error("sync", path, e))
}

/// Makes a rename in `dir` durable.
pub(super) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error("sync", dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Gives `path` to the owner of its directory when they differ: a file made by root (a
/// `tessera` command run by root) must be usable by the server's own user. Only root may do
/// so; anyone else keeps the file.
pub(super) fn give_to_directory_owner(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;

        let dir = fs::metadata(parent(path)).map_err(|e| io_error("read", parent(path), e))?;
        let file = fs::metadata(path).map_err(|e| io_error("read", path, e))?;
        if (file.uid(), file.gid()) != (dir.uid(), dir.gid()) {
            match std::os::unix::fs::chown(path, Some(dir.uid()), Some(dir.gid())) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
                Err(e) => return Err(io_error("give away", path, e)),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Whether `a` and `b` name the same file (`b` need not exist).
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| {
        let dir = fs::canonicalize(parent(p)).ok()?;
        Some(dir.join(p.file_name()?))
    };
    match (canonical(a), canonical(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}
