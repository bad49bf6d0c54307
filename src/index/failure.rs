//! What went wrong under the index, in words: a full disk, a folder that cannot be written,
//! files cut short or overwritten. tantivy's own messages carry Debug text (`IoError {
//! io_error: Custom { kind: InvalidData, … } }`) and hide the cause of a failed writer thread
//! behind "An index writer was killed"; these name the cause and the file.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use tantivy::TantivyError;
use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};

/// An I/O failure found under an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoFailure {
    pub kind: ErrorKind,
    /// The file it concerns, when the error says.
    pub file: Option<PathBuf>,
    /// The system's message, for kinds without words of their own.
    pub message: String,
}

impl From<&std::io::Error> for IoFailure {
    fn from(io: &std::io::Error) -> IoFailure {
        IoFailure { kind: kind_of(io), file: None, message: io.to_string() }
    }
}

/// The kind of an I/O error, looking through the wrappers that hide it: tantivy wraps a
/// write that failed for want of space in an error of kind `Other` (or passes on only its
/// message), which would otherwise read as a damaged file.
fn kind_of(io: &std::io::Error) -> ErrorKind {
    if let Some(inner) = io.get_ref().and_then(|e| e.downcast_ref::<std::io::Error>()) {
        return kind_of(inner);
    }
    match io.kind() {
        ErrorKind::Other => os_error_kind(&io.to_string()).unwrap_or(ErrorKind::Other),
        kind => kind,
    }
}

/// The kind of the system error a message quotes as `(os error N)`.
fn os_error_kind(message: &str) -> Option<ErrorKind> {
    let (_, rest) = message.split_once("(os error ")?;
    let code: i32 = rest.split_once(')')?.0.parse().ok()?;
    Some(std::io::Error::from_raw_os_error(code).kind())
}

impl IoFailure {
    /// The failure in words: `no space left on device`.
    pub fn cause(&self) -> String {
        match self.kind {
            ErrorKind::StorageFull => "no space left on device".into(),
            ErrorKind::QuotaExceeded => "disk quota exceeded".into(),
            ErrorKind::PermissionDenied => "permission denied".into(),
            ErrorKind::ReadOnlyFilesystem => "read-only file system".into(),
            ErrorKind::NotFound => "a file is missing".into(),
            ErrorKind::InvalidData | ErrorKind::UnexpectedEof => "a file is cut short or corrupted".into(),
            _ => self.message.clone(),
        }
    }

    /// Whether writing failed for want of space or of permission: the index is fine, the
    /// place it is kept is not.
    pub fn is_storage(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::StorageFull
                | ErrorKind::QuotaExceeded
                | ErrorKind::PermissionDenied
                | ErrorKind::ReadOnlyFilesystem
        )
    }

    /// What the user can do about a storage failure.
    pub fn advice(&self) -> &'static str {
        match self.kind {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
                "free some space and run `citedex index` again, or pass another --index folder"
            }
            _ => "make the folder writable, or pass another --index folder",
        }
    }
}

/// The first I/O failure in an error's chain of causes.
pub fn io_failure(e: &anyhow::Error) -> Option<IoFailure> {
    e.chain().find_map(|cause| {
        if let Some(t) = cause.downcast_ref::<TantivyError>() {
            return tantivy_io(t);
        }
        cause.downcast_ref::<std::io::Error>().map(IoFailure::from)
    })
}

/// The I/O failure inside a tantivy error, if it is one.
pub fn tantivy_io(t: &TantivyError) -> Option<IoFailure> {
    let (io, file): (&std::io::Error, Option<&Path>) = match t {
        TantivyError::IoError(io) => (io, None),
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, filepath })
        | TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            (io_error, Some(filepath))
        }
        TantivyError::OpenDirectoryError(OpenDirectoryError::IoError { io_error, directory_path }) => {
            (io_error, Some(directory_path))
        }
        TantivyError::LockFailure(LockError::IoError(io), _) => (io, None),
        // An I/O error that came back from a thread keeps only its message.
        TantivyError::InternalError(m) | TantivyError::ErrorInThread(m) | TantivyError::SystemError(m) => {
            let kind = os_error_kind(m)?;
            return Some(IoFailure { kind, file: None, message: m.clone() });
        }
        _ => return None,
    };
    Some(IoFailure { file: file.map(Path::to_path_buf), ..IoFailure::from(io) })
}

/// Why tantivy could not open an index, in words, and whether the index itself is damaged
/// (rather than unreadable where it is kept: permissions, a failing disk).
pub fn opening(t: &TantivyError) -> (String, bool) {
    let named = |file: &Option<PathBuf>, what: &str| match file {
        Some(f) => format!("{} {what}", f.display()),
        None => format!("a file {what}"),
    };
    if let Some(f) = tantivy_io(t) {
        return match f.kind {
            ErrorKind::InvalidData | ErrorKind::UnexpectedEof | ErrorKind::Other => {
                (named(&f.file, "is cut short or corrupted"), true)
            }
            ErrorKind::NotFound => (named(&f.file, "is missing"), true),
            _ => (named(&f.file, &format!("cannot be read: {}", f.cause())), false),
        };
    }
    let cause = match t {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(p)) => {
            format!("{} is missing", p.display())
        }
        TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(_))
        | TantivyError::IncompatibleIndex(_) => {
            "its files were written by an incompatible version of tantivy".into()
        }
        // DataCorruption keeps its file to itself but for its Debug text:
        // Data corruption (in file `"meta.json"`): ….
        TantivyError::DataCorruption(_) => {
            let debug = t.to_string();
            let file =
                debug.split_once("in file `\"").and_then(|(_, rest)| rest.split_once("\"`")).map(|(f, _)| f);
            match file {
                Some(f) => format!("{f} is corrupted"),
                None => "a file is corrupted".into(),
            }
        }
        TantivyError::SchemaError(_) | TantivyError::DeserializeError(_) => {
            "its schema cannot be read".into()
        }
        _ => "its files cannot be opened".into(),
    };
    (cause, true)
}

/// What a failure met while reading an opened index (searching it) says of its files, when it
/// says they are damaged: data that does not decompress or decode, a file shorter than its
/// contents claim. None for the failures that are not damage.
pub fn damage(t: &TantivyError) -> Option<String> {
    let damaged = match t {
        TantivyError::DataCorruption(_) => true,
        _ => tantivy_io(t).is_some_and(|f| {
            matches!(f.kind, ErrorKind::InvalidData | ErrorKind::UnexpectedEof | ErrorKind::Other)
        }),
    };
    damaged.then(|| opening(t).0)
}

/// Why tantivy failed to write, in words (for what is not a storage failure).
pub fn writing(t: &TantivyError) -> String {
    match t {
        TantivyError::OpenWriteError(OpenWriteError::FileAlreadyExists(p)) => {
            format!("{} is in the way (left by an interrupted run)", p.display())
        }
        TantivyError::InternalError(_) | TantivyError::ErrorInThread(_) | TantivyError::SystemError(_) => {
            "an indexing thread failed".into()
        }
        other => opening(other).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_full_disk_is_said_in_words_with_its_file() {
        let io = std::io::Error::from(ErrorKind::StorageFull);
        let t = TantivyError::OpenWriteError(OpenWriteError::IoError {
            io_error: Arc::new(io),
            filepath: "abc.store".into(),
        });
        let f = io_failure(&anyhow::Error::from(t).context("cannot commit")).unwrap();
        assert_eq!(f.cause(), "no space left on device");
        assert_eq!(f.file.as_deref(), Some(Path::new("abc.store")));
        assert!(f.is_storage());
    }

    #[test]
    fn an_error_from_a_thread_keeps_its_cause() {
        let t = TantivyError::InternalError("No space left on device (os error 28)".into());
        assert_eq!(tantivy_io(&t).unwrap().kind, ErrorKind::StorageFull);
        assert_eq!(tantivy_io(&TantivyError::InternalError("no os error here".into())), None);
    }

    #[test]
    fn a_full_disk_wrapped_by_tantivy_is_still_a_full_disk() {
        // What a commit into a full tmpfs gives: the write's error inside one of kind Other.
        let full = std::io::Error::from_raw_os_error(28);
        let wrapped = TantivyError::IoError(Arc::new(std::io::Error::other(full)));
        assert_eq!(tantivy_io(&wrapped).unwrap().kind, ErrorKind::StorageFull);
        let by_message = std::io::Error::other("No space left on device (os error 28)".to_string());
        assert_eq!(IoFailure::from(&by_message).kind, ErrorKind::StorageFull);
        let plain = std::io::Error::other("Data corruption detected");
        assert_eq!(IoFailure::from(&plain).kind, ErrorKind::Other);
    }

    #[test]
    fn a_file_in_the_way_is_named() {
        let t = TantivyError::OpenWriteError(OpenWriteError::FileAlreadyExists("abc.18500.del".into()));
        assert_eq!(writing(&t), "abc.18500.del is in the way (left by an interrupted run)");
    }

    #[test]
    fn what_a_search_meets_is_damage_only_when_data_does_not_decode() {
        let io = |kind, m: &str| TantivyError::IoError(Arc::new(std::io::Error::new(kind, m.to_string())));
        let corrupt = io(ErrorKind::Other, "Data corruption detected");
        assert_eq!(damage(&corrupt).as_deref(), Some("a file is cut short or corrupted"));
        assert!(damage(&io(ErrorKind::UnexpectedEof, "short read")).is_some());
        assert!(damage(&io(ErrorKind::PermissionDenied, "denied")).is_none());
        assert!(damage(&TantivyError::InvalidArgument("x".into())).is_none());
    }

    #[test]
    fn damaged_files_are_told_from_unreadable_ones() {
        let corrupt = TantivyError::OpenReadError(OpenReadError::IoError {
            io_error: Arc::new(std::io::Error::new(ErrorKind::InvalidData, "Footer magic byte mismatch")),
            filepath: "abc.store".into(),
        });
        assert_eq!(opening(&corrupt), ("abc.store is cut short or corrupted".into(), true));
        let denied = TantivyError::OpenReadError(OpenReadError::IoError {
            io_error: Arc::new(ErrorKind::PermissionDenied.into()),
            filepath: "abc.store".into(),
        });
        assert_eq!(opening(&denied), ("abc.store cannot be read: permission denied".into(), false));
        let meta = TantivyError::DataCorruption(tantivy::error::DataCorruption::new(
            "meta.json".into(),
            "Meta file cannot be deserialized".into(),
        ));
        assert_eq!(opening(&meta), ("meta.json is corrupted".into(), true));
    }
}
