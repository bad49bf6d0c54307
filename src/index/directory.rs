//! The folder of an index: tantivy's memory-mapped directory, except that
//! - a reader of a folder it cannot write (a read-only mount, another user's index) goes on
//!   without the lock file tantivy takes while it opens segments. That lock keeps a writer
//!   from deleting files mid-open; where nothing can be written, nothing can be deleted either;
//! - a long merge can let go of the pages of the files it has read, which stay resident
//!   while mapped ([`ReadableDirectory::release_mapped_pages`]);
//! - a full build's one final merge writes its files in chunks of half a megabyte
//!   ([`WRITE_BUFFER`]), not tantivy's 8 KB, which searches then map in fewer page faults.

use std::io::{ErrorKind, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, META_LOCK, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// Bytes a final merge writes an index file in at a time ([`Chunked`]). The page cache keeps
/// what a write brings in folios as large as the write (Linux 6.x, ext4 among others), and a
/// search maps a large folio in fewer, cheaper page faults: on the 200 MB bench index,
/// copied file by file in writes of 8 KB (as tantivy writes), 64 KB, 256 KB, 1 MB and 4 MB,
/// a search of `memory` took 344, 348, 273, 237 and 229 page faults (`the` alike), 1.78 →
/// 1.69 → 1.59 ms of task-clock from 8 KB to 1 MB to 4 MB. An index read back from disk
/// after a reboot gets large folios from read-ahead anyway; this gives them to the index a
/// build has just written. Half a megabyte: 258 page faults for `memory` on an index so
/// built, against 356 from tantivy's writes.
const WRITE_BUFFER: usize = 1 << 19;

/// A file written in whole chunks of [`WRITE_BUFFER`] bytes, each at an offset that is a
/// multiple of it (the last one shorter): `std::io::BufWriter` writes what it holds when the
/// next piece does not fit, a little less than its capacity, and the chunks after the first
/// would start anywhere.
struct Chunked {
    file: Box<dyn TerminatingWrite + Send + Sync>,
    buf: Vec<u8>,
}

impl Chunked {
    fn write_buffered(&mut self) -> std::io::Result<()> {
        self.file.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl Write for Chunked {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = data.len().min(WRITE_BUFFER - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == WRITE_BUFFER {
            self.write_buffered()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_buffered()?;
        self.file.flush()
    }
}

impl Drop for Chunked {
    /// What is still buffered is written, as `std::io::BufWriter` does when dropped.
    fn drop(&mut self) {
        let _ = self.write_buffered();
    }
}

impl TerminatingWrite for Chunked {
    fn terminate_ref(&mut self, token: AntiCallToken) -> std::io::Result<()> {
        self.write_buffered()?;
        self.file.terminate_ref(token)
    }
}

#[derive(Clone, Debug)]
pub struct ReadableDirectory {
    inner: MmapDirectory,
    /// Whether files are written in [`Chunked`]s ([`ReadableDirectory::write_in_chunks`]);
    /// shared by the clones tantivy keeps.
    chunked: Arc<AtomicBool>,
}

impl ReadableDirectory {
    pub fn open(dir: &Path) -> Result<ReadableDirectory, OpenDirectoryError> {
        Ok(ReadableDirectory { inner: MmapDirectory::open(dir)?, chunked: Arc::default() })
    }

    /// From now on, files are written in chunks of [`WRITE_BUFFER`] ([`Chunked`]). The
    /// indexer calls it before a full build's final merge when there is one (the segment
    /// searches read). Not for every file: segments written so are mapped in large folios by
    /// the merges that read them (all files: the 2 GB build peaked at 412 MB), and where two
    /// final merges run at once, opening what they have written maps large folios too (2 GB:
    /// 390–425 MB against 375 MB).
    pub fn write_in_chunks(&self) {
        self.chunked.store(true, Ordering::Relaxed);
    }

    /// Takes the pages of the index files still open out of this process's memory map:
    /// they stay in the page cache, and the next read of one maps it again, without I/O.
    ///
    /// A merge reads its segments through memory maps, and every page it has touched stays
    /// mapped, counted in the process's resident memory, until the merge ends: merging the
    /// 200 MB bench corpus's segments peaked at 353 MB resident, 319 MB of it mapped files;
    /// a 2 GB corpus merged at once, at 3.2 GB. Called whenever they pass 32 MB during a
    /// merge ([`PageReleaser`]), the build's peak is the indexing's instead.
    ///
    /// Only shared read-only mappings of files are touched (`/proc/self/maps` is read to make
    /// sure): for those, `MADV_DONTNEED` drops the mapping's page-table entries and nothing
    /// else. Linux only; elsewhere it does nothing.
    pub fn release_mapped_pages(&self) {
        // The files mapped now, as tantivy's cache of maps knows them (whoever holds them: a
        // reader may keep a file's bytes after its handle), each opened again from the cache.
        let open: Vec<Arc<dyn FileHandle>> = self
            .inner
            .get_cache_info()
            .mmapped
            .iter()
            .filter_map(|path| self.inner.get_file_handle(path).ok())
            .collect();
        if !open.is_empty() {
            release(&open);
        }
    }
}

/// See [`ReadableDirectory::release_mapped_pages`].
#[cfg(target_os = "linux")]
fn release(open: &[Arc<dyn FileHandle>]) {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
    // Shared (`s`) mappings of a file (a non-zero inode), unwritable: `start..end`.
    let shared: Vec<(usize, usize)> = maps
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_ascii_whitespace();
            let (range, perms) = (parts.next()?, parts.next()?);
            let inode = parts.nth(2)?;
            (perms.starts_with("r-") && perms.ends_with('s') && inode != "0").then(|| address_range(range))?
        })
        .collect();
    for handle in open {
        let len = handle.len();
        if len == 0 {
            continue;
        }
        // Held across the call: the mapping cannot go away under it.
        let Ok(bytes) = handle.read_bytes(0..len) else { continue };
        let start = bytes.as_slice().as_ptr() as usize;
        let Some(end) = start.checked_add(len) else { continue };
        if !shared.iter().any(|&(s, e)| s <= start && end <= e) {
            continue;
        }
        // SAFETY: `start..end` lies in a live, shared, read-only mapping of a file (checked
        // above; `bytes` keeps it mapped). MADV_DONTNEED on such a mapping only drops page-table
        // entries: the next access maps the same file page again, so no memory anyone reads
        // changes. `madvise` wants a page-aligned start: a mapping's start is one.
        unsafe {
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_DONTNEED);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn release(_open: &[Arc<dyn FileHandle>]) {}

/// The addresses `start..end` of a line of `/proc/self/maps` or `smaps`: `7f2a58a00000-7f2a59200000`.
#[cfg(target_os = "linux")]
fn address_range(field: &str) -> Option<(usize, usize)> {
    let (start, end) = field.split_once('-')?;
    Some((usize::from_str_radix(start, 16).ok()?, usize::from_str_radix(end, 16).ok()?))
}

/// While it lives, a thread looks at the process's resident pages of mapped files every
/// [`PageReleaser::PERIOD`] and calls [`ReadableDirectory::release_mapped_pages`] once they
/// have grown by [`PageReleaser::ABOVE`] since the last release; it stops when dropped.
pub struct PageReleaser {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PageReleaser {
    /// How often it looks. Every 10 ms made the 2 GB build's two concurrent merges 25%
    /// slower (pages dropped and mapped again at once: the term dictionaries of all the
    /// segments being merged, ~1 MB each, are read throughout) for no lower peak.
    pub const PERIOD: std::time::Duration = std::time::Duration::from_millis(100);
    /// Growth of the resident bytes of mapped files past which the pages are let go.
    pub const ABOVE: u64 = 32 << 20;

    pub fn start(directory: &ReadableDirectory) -> PageReleaser {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let directory = directory.clone();
        let thread = std::thread::Builder::new()
            .name("citedex-release".into())
            .spawn(move || {
                // What stays mapped after a release (the binary, libraries, the pages read
                // again at once): only growth past it counts.
                let mut floor = 0;
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(Self::PERIOD)
                {
                    if mapped_resident().is_some_and(|bytes| bytes > floor + Self::ABOVE) {
                        directory.release_mapped_pages();
                        floor = mapped_resident().unwrap_or(0);
                    }
                }
            })
            .ok();
        PageReleaser { stop: Some(stop), thread }
    }
}

/// The process's resident bytes of shared mappings (its mapped files): the third field of
/// `/proc/self/statm`, in pages. None where there is no such file.
fn mapped_resident() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_ascii_whitespace().nth(2)?.parse().ok()?;
    Some(pages * page_size())
}

#[cfg(unix)]
fn page_size() -> u64 {
    // SAFETY: sysconf reads a constant of the system; it touches no memory of ours.
    u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

#[cfg(not(unix))]
fn page_size() -> u64 {
    4096
}

impl Drop for PageReleaser {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Directory for ReadableDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        if !self.chunked.load(Ordering::Relaxed) {
            return self.inner.open_write(path);
        }
        // tantivy's index takes the writer out of the buffer returned here and puts its own
        // 8 KB buffer (and the footer's checksum) in front of it: the chunks are made inside,
        // over the file.
        let file = self
            .inner
            .open_write(path)?
            .into_inner()
            .map_err(|e| OpenWriteError::wrap_io_error(e.into_error(), path.to_path_buf()))?;
        Ok(std::io::BufWriter::new(Box::new(Chunked { file, buf: Vec::with_capacity(WRITE_BUFFER) })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if lock.filepath == META_LOCK.filepath
                    && matches!(e.kind(), ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied) =>
            {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Resident kB of the mapping holding `at`, from `/proc/self/smaps`.
    fn resident_kb(at: usize) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let first = line.split_ascii_whitespace().next().unwrap_or("");
            if let Some((s, e)) = address_range(first) {
                inside = s <= at && at < e;
            } else if inside && let Some(kb) = line.strip_prefix("Rss:") {
                return kb.trim().trim_end_matches("kB").trim().parse().unwrap();
            }
        }
        panic!("no mapping holds {at:#x}")
    }

    #[test]
    fn files_are_written_in_whole_chunks_inside_what_tantivy_unwraps() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = ReadableDirectory::open(tmp.path()).unwrap();
        dir.clone().write_in_chunks();
        let path = Path::new("segment.pos");
        // As tantivy's managed directory does: the writer out of the buffer returned.
        let mut w = dir.open_write(path).unwrap().into_inner().map_err(|_| ()).unwrap();
        let data: Vec<u8> = (0..3 * WRITE_BUFFER + 123).map(|i| (i % 251) as u8).collect();
        let on_disk = || std::fs::metadata(tmp.path().join(path)).unwrap().len() as usize;
        for piece in data[..WRITE_BUFFER - 1].chunks(1000) {
            w.write_all(piece).unwrap();
        }
        assert_eq!(on_disk(), 0, "less than a chunk stays in the buffer");
        for piece in data[WRITE_BUFFER - 1..].chunks(1000) {
            w.write_all(piece).unwrap();
        }
        assert_eq!(on_disk(), 3 * WRITE_BUFFER, "whole chunks written");
        w.terminate().unwrap();
        assert_eq!(std::fs::read(tmp.path().join(path)).unwrap(), data);
        assert!(matches!(dir.open_write(path), Err(OpenWriteError::FileAlreadyExists(_))));
    }

    #[test]
    fn released_pages_leave_memory_and_read_back_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = ReadableDirectory::open(tmp.path()).unwrap();
        let data: Vec<u8> = (0..4 << 20).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let path = Path::new("segment.idx");
        dir.atomic_write(path, &data).unwrap();
        let handle = dir.get_file_handle(path).unwrap();
        let bytes = handle.read_bytes(0..handle.len()).unwrap();
        let at = bytes.as_slice().as_ptr() as usize;
        assert_eq!(bytes.as_slice(), &data[..]);
        assert!(resident_kb(at) >= 4 << 10, "every page read is resident");
        dir.release_mapped_pages();
        assert_eq!(resident_kb(at), 0, "released");
        // Read again: the same bytes, mapped again from the page cache.
        assert_eq!(bytes.as_slice(), &data[..]);
        assert!(resident_kb(at) >= 4 << 10);
        // Its bytes outlive the handle they were read from: still found, still released.
        drop(handle);
        dir.release_mapped_pages();
        assert_eq!(resident_kb(at), 0);
        assert_eq!(bytes.as_slice(), &data[..]);
        drop(bytes);
        assert!(dir.inner.get_cache_info().mmapped.is_empty());
    }
}
