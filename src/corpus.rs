//! The corpus folder: which files are source texts, and reading one into a string.
//!
//! Hidden files and folders, editor backups and lock files are ignored. A file is read whole;
//! one that cannot be a text (empty, binary) is skipped with a reason, and one that is not
//! UTF-8 is decoded in the encoding its bytes suggest (Shift_JIS, EUC-JP, Windows-1251,
//! KOI8-R, Windows-1252, …, as Firefox guesses it: `chardetng`) with a warning naming it, so
//! that no file ever stops a run.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// A candidate source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as shown to the user and recorded in citations (`corpus/x.txt`).
    pub path: String,
    /// Path on disk.
    pub disk: PathBuf,
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub mtime: u128,
}

/// Why a file was not indexed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Skip {
    #[error("empty file")]
    Empty,
    #[error("binary file (contains NUL bytes)")]
    Binary,
    #[error("cannot read: {0}")]
    Unreadable(String),
    #[error("not a format citedex reads (.{0}); it reads {known}", known = crate::source::known_extensions())]
    Format(String),
}

/// A file read into text.
#[derive(Debug)]
pub struct Loaded {
    pub text: String,
    /// The encoding the file was decoded from, when it was not UTF-8 (`Shift_JIS`,
    /// `windows-1251`, …: the WHATWG names).
    pub decoded_from: Option<&'static str>,
}

/// Whether a file name is one to ignore (hidden, editor backup, lock or swap file).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || [".bak", ".swp", ".swo", ".tmp", ".orig"].iter().any(|e| name.to_ascii_lowercase().ends_with(e))
}

/// Files found in the corpus, and entries that could not be read (path, reason).
pub type Scan = (Vec<SourceFile>, Vec<(String, String)>);

/// The name of the configuration file, which is never a source text.
pub const CONFIG_FILE: &str = "citedex.toml";

/// Lists the source files under `dir`, sorted by path. Besides hidden and backup files,
/// whatever `.gitignore`, `.ignore` and `.citedexignore` files in the corpus exclude is left
/// out, with their rules (the `ignore` crate, ripgrep's); a `.gitignore` counts without git.
/// `globs` select files as ripgrep's `--glob` does (relative to `dir`; `!` excludes; with any
/// glob that does not exclude, only matching files are read).
///
/// A file's shown path is the corpus folder's own name and the path inside it
/// (`corpus/x.txt`), whatever folder citedex runs from and however the corpus was written
/// (`./corpus`, `/home/me/project/corpus`), so the index and its citations never change with
/// them.
pub fn scan(dir: &Path, globs: &[String]) -> std::io::Result<Scan> {
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} is not a folder", dir.display()),
        ));
    }
    let mut overrides = ignore::overrides::OverrideBuilder::new(dir);
    for g in globs {
        overrides
            .add(g)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("--glob {g}: {e}")))?;
    }
    let overrides = overrides
        .build()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("--glob: {e}")))?;
    let name = shown_name(dir);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .overrides(overrides)
        .follow_links(true)
        .hidden(true)
        .parents(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .add_custom_ignore_filename(".citedexignore")
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(walk_error(dir, &e));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let meta = match entry.metadata() {
            Ok(m) => m,
            Err(e) => {
                errors.push((entry.path().display().to_string(), e.to_string()));
                continue;
            }
        };
        let mtime =
            meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        let inside = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if inside == Path::new(CONFIG_FILE) {
            continue;
        }
        let parts: Vec<String> =
            inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        files.push(SourceFile {
            path: format!("{name}/{}", parts.join("/")),
            disk: entry.path().to_path_buf(),
            size: meta.len(),
            mtime,
        });
    }
    Ok((files, errors))
}

/// The corpus folder's own name (`corpus` for `./corpus/`, `/srv/texts`, or `.` run inside it).
fn shown_name(dir: &Path) -> String {
    let named = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    named(dir)
        .filter(|n| n != "." && n != "..")
        .or_else(|| dir.canonicalize().ok().as_deref().and_then(named))
        .unwrap_or_else(|| "corpus".to_string())
}

/// The path an error of the walk is about, and what went wrong.
fn walk_error(dir: &Path, e: &ignore::Error) -> (String, String) {
    match e {
        ignore::Error::WithPath { path, err } => (path.display().to_string(), walk_error(dir, err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(dir, err)
        }
        other => (dir.display().to_string(), other.to_string()),
    }
}

/// Reads one file into text.
pub fn load(file: &SourceFile) -> Result<Loaded, Skip> {
    crate::source::readable(&file.disk).map_err(Skip::Format)?;
    let bytes = std::fs::read(&file.disk).map_err(|e| Skip::Unreadable(e.to_string()))?;
    decode(bytes)
}

/// Turns a file's bytes into text, or says why it is not a text.
pub fn decode(bytes: Vec<u8>) -> Result<Loaded, Skip> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Skip::Empty);
    }
    if let Some(text) = utf16(&bytes) {
        return Ok(Loaded { text, decoded_from: None });
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(Skip::Binary);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Loaded { text, decoded_from: None }),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(&bytes, true);
            let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
            // Malformed sequences become U+FFFD: a file is read whatever it holds.
            let (text, _) = encoding.decode_without_bom_handling(&bytes);
            Ok(Loaded { text: text.into_owned(), decoded_from: Some(encoding.name()) })
        }
    }
}

/// A UTF-16 file with a byte-order mark, decoded (the BOM kept as U+FEFF, which readers skip).
/// Byte offsets then point into the decoded text, not the file.
fn utf16(bytes: &[u8]) -> Option<String> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| if little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
        .collect();
    Some(String::from_utf16_lossy(&units))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_hidden_and_backup_files() {
        for name in [".hidden", "a.txt~", "#a.txt#", "a.txt.bak", ".a.swp"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("treaty.txt"));
    }

    #[test]
    fn decodes_or_skips() {
        assert_eq!(decode(b"  \n".to_vec()).unwrap_err(), Skip::Empty);
        assert_eq!(decode(b"a\0b".to_vec()).unwrap_err(), Skip::Binary);
        let l = decode(b"Le caf\xe9 \x93cr\xe8me\x94 de la r\xe9gion.".to_vec()).unwrap();
        assert_eq!(l.decoded_from, Some("windows-1252"));
        assert_eq!(l.text, "Le café “crème” de la région.");
        assert_eq!(decode("é".as_bytes().to_vec()).unwrap().decoded_from, None);
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("Satō\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(utf16).unwrap().text, "\u{feff}Satō\n");
    }

    #[test]
    fn japanese_and_cyrillic_encodings_are_recognised() {
        let japanese = "ポーツマス条約は、日露戦争の講和条約である。1905年9月5日に調印された。";
        let russian = "Портсмутский мирный договор был подписан в 1905 году между Россией и Японией.";
        for (text, encoding) in [
            (japanese, encoding_rs::SHIFT_JIS),
            (japanese, encoding_rs::EUC_JP),
            (russian, encoding_rs::WINDOWS_1251),
            (russian, encoding_rs::KOI8_R),
        ] {
            let (bytes, _, unmappable) = encoding.encode(text);
            assert!(!unmappable);
            let l = decode(bytes.into_owned()).unwrap();
            assert_eq!(l.text, text, "{}", encoding.name());
            // KOI8-U is KOI8-R with Ukrainian letters added: the same text for Russian.
            let named = if encoding == encoding_rs::KOI8_R { "KOI8-U" } else { encoding.name() };
            assert_eq!(l.decoded_from, Some(named));
        }
    }
}
