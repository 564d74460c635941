//! Reading and writing files safely: the one way aitrust opens a file it reads and writes a file it makes.
//!
//! Reading opens the file once, without blocking (a FIFO never hangs the audit), checks the *opened handle*
//! (`fstat`: a regular file, no larger than the limit for its kind), and reads from that handle at most
//! limit + 1 bytes, so a device, a FIFO or a file that grows after the check can neither hang aitrust nor
//! make it use unbounded memory. Files the project names implicitly (answers, lock, signatures, cards, keys)
//! are read with [`read_in_root`], which also refuses a path that leaves the project through a link.
//!
//! Writing is atomic (a temporary file in the same directory, synced, renamed over the target), and a
//! temporary file left by a killed run is removed by a later one.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// How large a file of each kind may be. A file over its limit is an error naming the file, never read.
pub mod limits {
    /// Policy, answers, lock and checklist files.
    pub const TOML: u64 = 16 << 20;
    /// `aibom.toml` itself: 100,000 components take about 20 MB.
    pub const MANIFEST: u64 = 64 << 20;
    /// Public and private keys, certificates.
    pub const KEY: u64 = 1 << 20;
    /// DSSE envelopes, attestations and model-signing bundles.
    pub const SIGNATURE: u64 = 16 << 20;
    /// Model cards and datasheets.
    pub const CARD: u64 = 4 << 20;
    /// Report templates.
    pub const TEMPLATE: u64 = 1 << 20;
    /// CycloneDX documents to import.
    pub const INTERCHANGE: u64 = 64 << 20;
    /// Small pointer files (an HF cache `refs/` entry).
    pub const POINTER: u64 = 4 << 10;
    /// A plain git blob in the HF cache (named by its git id, read whole to hash it): the Hub stores files
    /// over 10 MiB through LFS, so a larger git-named blob is refused, never read.
    pub const GIT_BLOB: u64 = 64 << 20;
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.to_string())
}

/// Opens `path` for reading without blocking and checks the handle: a regular file of at most `limit`
/// bytes. With `follow = false` a final symbolic link is refused.
pub fn open_checked(path: &Path, limit: u64, follow: bool) -> io::Result<(File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if !follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = options.open(path).map_err(|error| {
        if !follow && error.raw_os_error() == Some(libc::ELOOP) {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a symbolic link, which aitrust does not follow here",
            )
        } else {
            error
        }
    })?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a directory, FIFO, socket or device)",
        ));
    }
    if metadata.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {} bytes, more than the {limit} bytes a file of this kind may have",
                metadata.len()
            ),
        ));
    }
    Ok((file, metadata.len()))
}

/// Reads a file the user named (`--manifest`, `--policy`, `--key`, an import input): links are followed,
/// the opened handle is checked, and at most `limit` bytes are read.
pub fn read_file(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, size) = open_checked(path, limit, true)?;
    read_handle(file, size, limit)
}

/// [`read_file`] as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_file(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

fn read_handle(file: File, size: u64, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it grew past the {limit} bytes a file of this kind may have while it was read"),
        ));
    }
    Ok(bytes)
}

/// Where `path` really is, if that is inside `root` (both resolved through every link).
pub fn resolve_in_root(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let real_root = std::fs::canonicalize(root)?;
    let real = std::fs::canonicalize(path)?;
    if real.starts_with(&real_root) {
        Ok(real)
    } else {
        Err(invalid(
            "it leaves the project directory through a symbolic link; aitrust reads and writes nothing outside the project",
        ))
    }
}

/// Reads a file the project names (answers, lock, signature, card, key): it must resolve inside `root`,
/// and is then opened as [`read_file`] does, refusing a final link.
pub fn read_in_root(root: &Path, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let real = resolve_in_root(root, path)?;
    let (file, size) = open_checked(&real, limit, false)?;
    read_handle(file, size, limit)
}

/// [`read_in_root`] as UTF-8 text.
pub fn read_text_in_root(root: &Path, path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_in_root(root, path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// The prefix of aitrust's temporary files; a later write removes stale ones (older than an hour).
const TEMP_PREFIX: &str = ".aitrust-tmp-";

fn remove_stale_temporaries(directory: &Path) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > hour);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, synced, then renamed over.
/// The temporary file is removed on every error path (and by a later run, if this one is killed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    remove_stale_temporaries(directory);
    let mut file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(directory)?;
    file.write_all(bytes)?;
    // The temporary file is private (0600); the result keeps the permissions of the file it replaces, or gets
    // the usual 0644. Private keys are not written through here.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::symlink_metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map_or(0o644, |m| m.permissions().mode() & 0o777);
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// [`write_atomic`] for a file inside the project: its directory must resolve inside `root`, so a
/// symbolic link to a directory elsewhere cannot carry the write out, and the target must not be a link.
pub fn write_in_root(root: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    resolve_in_root(root, directory)?;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(invalid(
            "it is a symbolic link; aitrust does not write through links",
        ));
    }
    write_atomic(path, bytes)
}

/// An exclusive advisory lock on `<path>.lock`, held until it is dropped: what guards a read-modify-write of
/// a file two aitrust processes may edit at once (the answers file, the manifest under `import hf`). The
/// lock file is opened without following a link, so a planted link cannot make aitrust create a file
/// elsewhere; it is left in place (removing it would race with the next taker).
#[derive(Debug)]
pub struct EditLock {
    file: File,
}

impl EditLock {
    /// Waits for and takes the lock for editing `path`.
    pub fn take(path: &Path) -> io::Result<Self> {
        Self::take_announced(path, &mut |_| {})
    }

    /// Takes the lock for editing `path`; when another process holds it, first calls `waiting` with what the
    /// holder wrote into the lock file (its process id and when it took the lock), then waits. The holder's
    /// note is written once the lock is taken.
    pub fn take_announced(path: &Path, waiting: &mut dyn FnMut(&str)) -> io::Result<Self> {
        let mut name = path.as_os_str().to_owned();
        name.push(".lock");
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).read(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let file = options.open(PathBuf::from(name))?;
        if !file.metadata()?.is_file() {
            return Err(invalid("the lock file is not a regular file"));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = (&file).take(512).read_to_string(&mut holder);
                let holder = holder.trim();
                waiting(if holder.is_empty() {
                    "another aitrust session"
                } else {
                    holder
                });
                file.lock()?;
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(error),
        }
        let note = format!(
            "aitrust (process {}) since {}",
            std::process::id(),
            time::OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|now| now.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_default()
        );
        file.set_len(0)?;
        (&file).write_all(note.as_bytes())?;
        Ok(Self { file })
    }
}

impl Drop for EditLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_lock_excludes_a_second_taker_and_refuses_a_planted_link() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("aibom.toml");
        let held = EditLock::take(&manifest).unwrap();
        let other = File::options()
            .write(true)
            .open(dir.path().join("aibom.toml.lock"))
            .unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(held);
        other.try_lock().unwrap();
        other.unlock().unwrap();
        // a lock file that is a link is never followed (it could make aitrust create a file anywhere)
        let answers = dir.path().join("aibom.answers.toml");
        std::os::unix::fs::symlink(
            dir.path().join("elsewhere"),
            dir.path().join("aibom.answers.toml.lock"),
        )
        .unwrap();
        assert!(EditLock::take(&answers).is_err());
        assert!(!dir.path().join("elsewhere").exists());
    }

    #[test]
    fn limits_and_kinds_are_checked_on_the_handle() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, b"0123456789").unwrap();
        assert_eq!(read_file(&file, 10).unwrap(), b"0123456789");
        assert!(
            read_file(&file, 9)
                .unwrap_err()
                .to_string()
                .contains("more than the 9 bytes")
        );
        assert!(
            read_file(dir.path(), 10)
                .unwrap_err()
                .to_string()
                .contains("not a regular file")
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("link.toml");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(read_file(&link, 10).is_ok(), "named by the user: followed");
            let error = open_checked(&link, 10, false).unwrap_err();
            assert!(error.to_string().contains("symbolic link"), "{error}");
        }
    }

    #[test]
    fn nothing_is_read_outside_the_root() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.toml"), b"x").unwrap();
        let root = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
            let through = root.path().join("link/secret.toml");
            let error = read_in_root(root.path(), &through, 10).unwrap_err();
            assert!(error.to_string().contains("leaves the project"), "{error}");
            let error = write_in_root(root.path(), &root.path().join("link/new.toml"), b"x").unwrap_err();
            assert!(error.to_string().contains("leaves the project"), "{error}");
            assert!(!outside.path().join("new.toml").exists());
        }
    }
}
