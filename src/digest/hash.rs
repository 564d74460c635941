//! The hashing engine: streams files through SHA-256 in constant memory and hashes many files at once.
//!
//! SHA-256 is sequential within one file, so parallelism is across files (the digests must equal the
//! Hugging Face Hub's whole-file LFS digests). The `sha2` crate picks the CPU's SHA extensions at run time.
//! One file alone is read on a second thread while the first hashes (double buffering), so reading from
//! disk or page cache overlaps with hashing; with many files every core hashes its own file.
//! Memory use is a few buffers per thread, whatever the file sizes.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::digest::Sha256Digest;

/// Bytes read at a time.
const CHUNK: usize = 1 << 20;
/// Buffers in flight for a pipelined read (one hashing, the others being filled).
const PIPELINE_BUFFERS: usize = 3;

/// SHA-256 of bytes in memory.
pub fn sha256_bytes(bytes: &[u8]) -> Sha256Digest {
    Sha256Digest(Sha256::digest(bytes).into())
}

/// A file's digest and the number of bytes hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileDigest {
    /// SHA-256 of the content.
    pub sha256: Sha256Digest,
    /// Bytes hashed (the file's size when it was read).
    pub size: u64,
}

/// Progress reporting: a bar on stderr when stderr is a terminal, nothing otherwise.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` bytes, shown only on a terminal (and not under `NO_COLOR`/`TERM=dumb`).
    pub fn for_bytes(total: u64, message: &str) -> Self {
        let visible = io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_string());
        Self { bar }
    }

    /// No output at all.
    pub fn hidden() -> Self {
        Self {
            bar: ProgressBar::hidden(),
        }
    }

    fn advance(&self, bytes: usize) {
        self.bar.inc(bytes as u64);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Opens a file to hash: without blocking (a FIFO swapped in after the survey cannot hang the audit), and
/// only if the opened handle is a regular file.
fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    crate::fsutil::open_checked(path, u64::MAX, true)
}

/// How many bytes to read at most: one past the bound, so "larger than declared" is seen without reading
/// the rest of the file.
fn read_limit(bound: Option<u64>) -> u64 {
    bound.map_or(u64::MAX, |bound| bound.saturating_add(1))
}

thread_local! {
    /// One read buffer per hashing thread, reused from file to file (zeroing a fresh 1 MiB buffer per small
    /// file was a third of the CPU time on many small files).
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Hashes one file by reading it on this thread.
pub fn hash_file(path: &Path, progress: &Progress) -> io::Result<FileDigest> {
    hash_file_bounded(path, None, progress)
}

/// Hashes one file on this thread, reading at most one byte past `bound` (the declared size). A file larger
/// than its bound comes back with `size = bound + 1` and the digest of that prefix, so it can never match.
pub fn hash_file_bounded(path: &Path, bound: Option<u64>, progress: &Progress) -> io::Result<FileDigest> {
    let (file, length) = open_regular(path)?;
    let mut file = file.take(read_limit(bound));
    let digest = BUFFER.with(|cell| {
        let mut buffer = cell.borrow_mut();
        if buffer.len() != CHUNK {
            buffer.resize(CHUNK, 0);
        }
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            let read = read_full(&mut file, &mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            size += read as u64;
            progress.advance(read);
        }
        Ok::<_, io::Error>(FileDigest {
            sha256: Sha256Digest(hasher.finalize().into()),
            size,
        })
    })?;
    Ok(past_bound(digest, bound, length))
}

/// A file read only up to one byte past its bound reports the size its handle had (the digest is of the
/// prefix read, which cannot match the declared one).
fn past_bound(mut digest: FileDigest, bound: Option<u64>, length: u64) -> FileDigest {
    if bound.is_some_and(|bound| digest.size > bound) {
        digest.size = digest.size.max(length);
    }
    digest
}

/// Hashes one file with a reader thread feeding this one, so I/O overlaps with hashing.
pub fn hash_file_pipelined(path: &Path, progress: &Progress) -> io::Result<FileDigest> {
    hash_file_pipelined_bounded(path, None, progress)
}

fn hash_file_pipelined_bounded(
    path: &Path,
    bound: Option<u64>,
    progress: &Progress,
) -> io::Result<FileDigest> {
    let (file, length) = open_regular(path)?;
    let mut file = file.take(read_limit(bound));
    let (full_tx, full_rx) = mpsc::sync_channel::<io::Result<(Vec<u8>, usize)>>(PIPELINE_BUFFERS);
    let (empty_tx, empty_rx) = mpsc::sync_channel::<Vec<u8>>(PIPELINE_BUFFERS);
    for _ in 0..PIPELINE_BUFFERS {
        empty_tx
            .send(vec![0u8; CHUNK])
            .expect("the channel has room for every buffer");
    }
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(mut buffer) = empty_rx.recv() {
                let result = read_full(&mut file, &mut buffer);
                let done = !matches!(result, Ok(read) if read > 0);
                if full_tx.send(result.map(|read| (buffer, read))).is_err() || done {
                    break;
                }
            }
        });
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            let (buffer, read) = match full_rx.recv() {
                Ok(result) => result?,
                Err(_) => return Err(io::Error::other("the reader thread stopped early")),
            };
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            size += read as u64;
            progress.advance(read);
            // The reader may already have stopped after the last chunk; a closed channel is fine then.
            let _ = empty_tx.send(buffer);
        }
        drop(empty_tx);
        Ok(past_bound(
            FileDigest {
                sha256: Sha256Digest(hasher.finalize().into()),
                size,
            },
            bound,
            length,
        ))
    })
}

/// Fills `buffer` as far as the file allows; returns the bytes read (0 at end of file).
fn read_full(file: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Hashes many files in parallel (largest first, for balance) and returns the results in input order.
///
/// With fewer files than threads, each file is read on a helper thread while it is hashed.
pub fn hash_files(paths: &[PathBuf], progress: &Progress) -> Vec<io::Result<FileDigest>> {
    hash_files_bounded(paths, &vec![None; paths.len()], progress)
}

/// [`hash_files`], each file read at most one byte past its bound (its declared size), when it has one.
pub fn hash_files_bounded(
    paths: &[PathBuf],
    bounds: &[Option<u64>],
    progress: &Progress,
) -> Vec<io::Result<FileDigest>> {
    let threads = rayon::current_num_threads();
    let pipelined = paths.len() < threads;
    let mut order: Vec<(usize, u64)> = paths
        .iter()
        .enumerate()
        .map(|(index, path)| {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            (
                index,
                bounds.get(index).copied().flatten().map_or(size, |b| size.min(b)),
            )
        })
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut results: Vec<(usize, io::Result<FileDigest>)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&(index, _)| {
            let path = &paths[index];
            let bound = bounds.get(index).copied().flatten();
            let result = if pipelined {
                hash_file_pipelined_bounded(path, bound, progress)
            } else {
                hash_file_bounded(path, bound, progress)
            };
            (index, result)
        })
        .collect();
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Total size of the files that exist (for progress bars).
pub fn total_size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|metadata| metadata.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn known_vectors_and_both_readers_agree() {
        assert_eq!(
            sha256_bytes(b"").to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        // sizes around the chunk boundary catch off-by-one errors in the readers
        for (index, size) in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17]
            .into_iter()
            .enumerate()
        {
            let path = dir.path().join(format!("f{index}"));
            let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
            File::create(&path).unwrap().write_all(&data).unwrap();
            let expected = sha256_bytes(&data);
            let plain = hash_file(&path, &Progress::hidden()).unwrap();
            let piped = hash_file_pipelined(&path, &Progress::hidden()).unwrap();
            assert_eq!(
                plain,
                FileDigest {
                    sha256: expected,
                    size: size as u64
                }
            );
            assert_eq!(piped, plain);
            paths.push(path);
        }
        paths.push(dir.path().join("absent"));
        let results = hash_files(&paths, &Progress::hidden());
        assert_eq!(results.len(), paths.len());
        for (path, result) in paths.iter().zip(&results).take(6) {
            assert_eq!(
                result.as_ref().unwrap(),
                &hash_file(path, &Progress::hidden()).unwrap()
            );
        }
        assert!(results.last().unwrap().is_err());
        assert!(hash_file_pipelined(&dir.path().join("absent"), &Progress::hidden()).is_err());
    }
}
