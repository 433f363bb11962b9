//! The modes of the files that hold the data: the data folder, the SQLite
//! database with its -wal and -shm, and backups.
//!
//! SECURITY: the database holds everything the register knows (concerns,
//! declarations, the audit log, password hashes). Its files are for the
//! account that runs Custodian alone, whatever the umask of the shell that
//! started it: modes are set explicitly, never left to the umask.

use std::fs::{OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub const PRIVATE_DIR: u32 = 0o700;
pub const PRIVATE_FILE: u32 = 0o600;

/// Creates the data folder (and any missing parents) with the folder
/// itself 0700. A folder that already exists is the operator's: its mode is
/// left alone, with a warning when others can read it.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        if let Ok(meta) = std::fs::metadata(dir) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(
                    folder = %dir.display(),
                    "the data folder can be opened by other accounts on this machine; \
                     chmod 700 it"
                );
            }
        }
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    match std::fs::DirBuilder::new().mode(PRIVATE_DIR).create(dir) {
        Ok(()) => std::fs::set_permissions(dir, Permissions::from_mode(PRIVATE_DIR)),
        // Made meanwhile by another process: as above, theirs.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes sure the database file exists and is 0600 before SQLite opens it,
/// so that it never exists with a wider mode.
pub fn create_private_file(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(PRIVATE_FILE)
        .open(path)?;
    std::fs::set_permissions(path, Permissions::from_mode(PRIVATE_FILE))
}

/// Creates a new, empty file that only its owner can read (a backup's
/// target); fails if the path exists.
pub fn create_new_private_file(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE_FILE)
        .open(path)?;
    std::fs::set_permissions(path, Permissions::from_mode(PRIVATE_FILE))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Sets 0600 on the SQLite files that sit beside the database, when present.
pub fn restrict_sqlite_companions(path: &Path) -> io::Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let companion = with_suffix(path, suffix);
        match std::fs::set_permissions(&companion, Permissions::from_mode(PRIVATE_FILE)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}
