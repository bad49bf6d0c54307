//! The index on disk: a tantivy index plus citedex's own metadata, kept in the payload of
//! each tantivy commit so that the two can never disagree.
//!
//! - [`schema`] defines the fields and the format version;
//! - [`record`] encodes the stored record of a passage;
//! - [`writer`] builds and updates the index from the corpus.

pub mod directory;
pub mod documents;
pub mod failure;
pub mod queue;
pub mod reader;
pub mod record;
pub mod schema;
pub mod stats;
pub mod writer;

pub use schema::{FORMAT_VERSION, Fields, PARSER_VERSION};

use crate::analysis::{ANALYZER, CitedexTokenizer, REPEATED_ANALYZER};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tantivy::Index;

/// What citedex knows about one indexed source file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub mtime: u128,
    /// BLAKE3 of the file's bytes.
    pub hash: String,
    pub format: String,
    /// Slugs and titles of the documents the file holds.
    #[serde(default)]
    pub documents: Vec<DocumentEntry>,
    /// Number of documents the file holds.
    #[serde(default)]
    pub document_count: u64,
    pub passages: u64,
    pub references: u64,
    pub citations: u64,
    /// The encoding the file was decoded from when it was not UTF-8 (WHATWG name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Why the file is not indexed, when it is not (binary, empty, unreadable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl FileEntry {
    /// Whether a file on disk has the size and modification time recorded for it.
    pub fn matches(&self, file: &crate::corpus::SourceFile) -> bool {
        self.path == file.path && self.size == file.size && self.mtime == file.mtime
    }
}

/// One document of an indexed file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    /// The document's number in the index (its passages' `doc_key`): given in corpus order
    /// from 1, never given twice, so that it packs into a few bits per passage.
    #[serde(default)]
    pub key: u64,
    pub slug: String,
    pub title: String,
    pub language: String,
    pub passages: u64,
    pub references: u64,
    /// The tokens its title is indexed as (on its first passage); absent in catalogs written
    /// before it was counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_tokens: Option<u64>,
}

/// citedex's metadata, stored as the payload of every commit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub format: u32,
    /// Version of the readers and parsers that made the passages (see [`PARSER_VERSION`]).
    #[serde(default)]
    pub parser: u32,
    pub citedex: String,
    /// Seconds since the epoch of the last commit.
    pub updated: u64,
    /// The corpus folder the index was built from, as given.
    pub corpus: String,
    /// That folder's absolute path, without links (absent in indexes written before it was
    /// kept): an update from another folder that shares no file with the index is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus_path: Option<String>,
    /// Every indexed source file, sorted by path, with its documents. Kept in the catalog
    /// file, not in the commit payload (which tantivy parses several times on every open),
    /// so that opening the index costs the same for 10 files or 100,000; filled by
    /// [`CitedexIndex::load_catalog`].
    #[serde(skip)]
    pub files: Vec<FileEntry>,
    /// Number of documents in the index (the sum over `files`).
    #[serde(default)]
    pub documents: u64,
    /// Name of the catalog file (in the index folder) listing each file's documents.
    #[serde(default)]
    pub catalog: Option<String>,
    /// [`fingerprint`] of the indexed files' paths, sizes and modification times: tells
    /// whether the corpus changed without reading the catalog.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// The languages of the indexed documents stemmed otherwise than by script
    /// ([`crate::analysis::Lang`]): a query looks for its words' stems in each.
    #[serde(default)]
    pub stemming: Vec<String>,
    /// The title field's tokens as if every passage held its document's title (the sum over
    /// documents of their title's tokens times their passages), for its BM25 average length
    /// (`search::rank::TitleStatistics`); absent when a document's title was not counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_passage_tokens: Option<u64>,
}

impl Meta {
    /// [`Meta::stemming`] as the analyzer takes it.
    pub fn stemming_langs(&self) -> Vec<crate::analysis::Lang> {
        self.stemming.iter().map(|c| crate::analysis::Lang::of(c)).collect()
    }
}

/// A digest of a list of files' paths, sizes and modification times, in the given order.
pub fn fingerprint<'a>(files: impl IntoIterator<Item = (&'a str, u64, u128)>) -> String {
    let mut h = blake3::Hasher::new();
    let mut n: u64 = 0;
    for (path, size, mtime) in files {
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update(&size.to_le_bytes());
        h.update(&mtime.to_le_bytes());
        n += 1;
    }
    h.update(&n.to_le_bytes());
    h.finalize().to_hex()[..32].to_string()
}

/// Prefix of catalog file names.
pub const CATALOG_PREFIX: &str = "citedex-catalog-";

/// Errors opening an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index at {0}: run `citedex index` to build one")]
    Missing(String),
    #[error(
        "the index at {path} was built by an incompatible citedex (index format {found}, this \
         citedex reads format {expected}): run `citedex index --rebuild`"
    )]
    Incompatible { path: String, found: u32, expected: u32 },
    #[error("the index at {0} was never completed (its first build was interrupted): run `citedex index`")]
    Incomplete(String),
    #[error(
        "the index at {path} is damaged ({cause}): run `citedex index --rebuild` to rebuild it from the corpus"
    )]
    Damaged { path: String, cause: String },
    #[error("cannot read the index at {path}: {cause}")]
    Unreadable { path: String, cause: String },
}

/// An opened index.
pub struct CitedexIndex {
    pub index: Index,
    /// A reader of the commit that was current when the index was opened.
    pub reader: tantivy::IndexReader,
    pub fields: Fields,
    pub meta: Meta,
    pub dir: PathBuf,
    /// The commit's document table, when it has one (indexes written before it had none).
    pub documents: Option<documents::DocumentTable>,
    /// The folder `index` reads its files through.
    pub directory: directory::ReadableDirectory,
}

/// Name of the document table written with the catalog `catalog`.
pub fn table_name(catalog: &str) -> String {
    format!("{}.documents", catalog.strip_suffix(".json").unwrap_or(catalog))
}

/// What [`CitedexIndex::open`] needs of tantivy's `meta.json`: the payload of the commit and
/// whether it has segments. Read apart from the schema, which `Index::open` has parsed
/// already (parsing it again was 2% of a search's instructions).
#[derive(Deserialize)]
struct CommitOf {
    #[serde(default)]
    payload: Option<String>,
    /// The segments, skipped (`IgnoredAny` takes no memory).
    segments: Vec<serde::de::IgnoredAny>,
}

/// Reads the commit's payload and segments from `meta.json` as tantivy's directory
/// gives it (the file `Index::open` read).
fn commit_of(index: &Index) -> tantivy::Result<CommitOf> {
    use tantivy::Directory;
    let bytes = index
        .directory()
        .atomic_read(std::path::Path::new("meta.json"))
        .map_err(tantivy::TantivyError::from)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        tantivy::TantivyError::DataCorruption(tantivy::error::DataCorruption::new(
            PathBuf::from("meta.json"),
            format!("Meta file cannot be deserialized. {e}"),
        ))
    })
}

/// Whether `dir` holds a tantivy index.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, CitedexTokenizer::default());
    index.tokenizers().register(REPEATED_ANALYZER, CitedexTokenizer { repeated: true });
}

impl CitedexIndex {
    /// Opens the index at `dir`, refusing one of another format version.
    pub fn open(dir: &Path) -> Result<CitedexIndex, IndexError> {
        let shown = dir.display().to_string();
        if !exists(dir) {
            return Err(IndexError::Missing(shown));
        }
        let damaged = |cause: String| IndexError::Damaged { path: shown.clone(), cause };
        let failed = |e: tantivy::TantivyError| match failure::opening(&e) {
            (cause, true) => IndexError::Damaged { path: shown.clone(), cause },
            (cause, false) => IndexError::Unreadable { path: shown.clone(), cause },
        };
        let directory = directory::ReadableDirectory::open(dir).map_err(|e| failed(e.into()))?;
        let index = Index::open(directory.clone()).map_err(failed)?;
        let metas = commit_of(&index).map_err(failed)?;
        let meta: Meta = match metas.payload.as_deref().map(serde_json::from_str::<serde_json::Value>) {
            Some(Ok(v)) => {
                let found = v.get("format").and_then(|f| f.as_u64()).unwrap_or(0) as u32;
                if found != FORMAT_VERSION {
                    return Err(IndexError::Incompatible { path: shown, found, expected: FORMAT_VERSION });
                }
                serde_json::from_value(v)
                    .map_err(|_| damaged("meta.json holds metadata citedex cannot read".into()))?
            }
            Some(Err(_)) => return Err(damaged("meta.json holds metadata citedex cannot read".into())),
            // Never committed: a first build that was interrupted.
            None if metas.segments.is_empty() => return Err(IndexError::Incomplete(shown)),
            None => {
                return Err(IndexError::Incompatible { path: shown, found: 0, expected: FORMAT_VERSION });
            }
        };
        let fields = Fields::of(&index.schema()).ok_or_else(|| IndexError::Incompatible {
            path: shown.clone(),
            found: meta.format,
            expected: FORMAT_VERSION,
        })?;
        register(&index);
        // One process sees one commit: no reload thread to start.
        let reader =
            index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into().map_err(failed)?;
        // Without its table (or with a damaged one) a hit is completed from its document's
        // first passage instead: slower, the same answer.
        let documents = meta
            .catalog
            .as_deref()
            .and_then(|c| documents::DocumentTable::open(&dir.join(table_name(c))).ok());
        Ok(CitedexIndex { index, reader, fields, meta, dir: dir.to_path_buf(), documents, directory })
    }

    /// Reads the catalog: every file entry and its documents.
    pub fn load_catalog(&mut self) -> Result<(), IndexError> {
        let Some(name) = &self.meta.catalog else { return Ok(()) };
        let path = self.dir.join(name);
        let shown = self.dir.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let path = shown.clone();
            let cause = format!("{name}: {}", failure::IoFailure::from(&e).cause());
            match e.kind() {
                std::io::ErrorKind::NotFound => {
                    IndexError::Damaged { path, cause: format!("{name} is missing") }
                }
                std::io::ErrorKind::InvalidData => IndexError::Damaged { path, cause },
                _ => IndexError::Unreadable { path, cause },
            }
        })?;
        self.meta.files = serde_json::from_str(&text).map_err(|_| IndexError::Damaged {
            path: shown.clone(),
            cause: format!("{name} is corrupted"),
        })?;
        Ok(())
    }

    /// Reads every file of the last commit's segments through (tantivy reads `meta.json` again
    /// for the list: the writer calls this holding the writer lock, so that it is the commit
    /// opened) and checks it against the checksum in its footer: finds bytes overwritten in
    /// place, which opening cannot see (about 0.06 s for a 300 MB index in the page cache).
    pub fn verify(&self) -> Result<(), IndexError> {
        let path = self.dir.display().to_string();
        let damaged = self.index.validate_checksum().map_err(|e| match failure::opening(&e) {
            (cause, true) => IndexError::Damaged { path: path.clone(), cause },
            (cause, false) => IndexError::Unreadable { path: path.clone(), cause },
        })?;
        if damaged.is_empty() {
            return Ok(());
        }
        let mut names: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
        names.sort();
        let cause = match names.as_slice() {
            [one] => format!("{one} fails its checksum"),
            [first, rest @ ..] => format!("{first} and {} more files fail their checksums", rest.len()),
            [] => unreachable!("checked above"),
        };
        Err(IndexError::Damaged { path, cause })
    }

    /// A search's failure as the user needs to hear it: when it comes from damaged index files
    /// (a record that does not decompress, postings that do not decode), the index is named
    /// as damaged, with the file whose checksum fails when one does, and how to repair it.
    pub fn explain(&self, e: crate::search::SearchError) -> anyhow::Error {
        use crate::search::SearchError;
        let damage = match &e {
            SearchError::Record(why) => Some(format!("a stored record cannot be read: {why}")),
            SearchError::Index(t) => failure::damage(t),
            SearchError::Query(_) => None,
        };
        let Some(damage) = damage else { return e.into() };
        match self.verify() {
            Err(found @ IndexError::Damaged { .. }) => found.into(),
            _ => IndexError::Damaged { path: self.dir.display().to_string(), cause: damage }.into(),
        }
    }

    /// A searcher over the opened commit.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Total size in bytes of the index files.
    pub fn size_bytes(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|rd| rd.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0)
    }
}
