//! The document table: each document's title, slug, language and file path by its number
//! (`doc_key`), written beside the catalog at every commit. A passage's stored record leaves
//! these out after its document's first passage; a search completes its hits from this table
//! with two small reads each, instead of decompressing another block of the store.
//!
//! Layout (little-endian): the magic `cdxdocs1`, the number of slots `n` (largest document
//! number + 1), `n + 1` offsets into the data that follows, then each document's
//! [`DocumentPart`] as JSON; slot `k` holds document `k` (empty when no such document).

use crate::index::FileEntry;
use crate::passage::DocumentPart;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"cdxdocs1";
const HEADER: u64 = 16;

/// Writes the table of `entries`' documents to `path`.
pub fn write(path: &Path, entries: &[FileEntry]) -> io::Result<()> {
    let mut parts: Vec<(u64, DocumentPart)> = entries
        .iter()
        .flat_map(|e| {
            e.documents.iter().map(|d| {
                let part = DocumentPart {
                    document: d.title.clone(),
                    document_slug: d.slug.clone(),
                    language: d.language.clone(),
                    path: e.path.clone(),
                };
                (d.key, part)
            })
        })
        .collect();
    parts.sort_by_key(|(k, _)| *k);
    let slots = parts.last().map_or(0, |(k, _)| k + 1);
    let mut offsets: Vec<u64> = Vec::with_capacity(slots as usize + 1);
    let mut data: Vec<u8> = Vec::new();
    let mut next = parts.iter().peekable();
    for k in 0..slots {
        offsets.push(data.len() as u64);
        while let Some((key, part)) = next.next_if(|(key, _)| *key <= k) {
            if *key == k {
                serde_json::to_writer(&mut data, part).map_err(io::Error::other)?;
            }
        }
    }
    offsets.push(data.len() as u64);
    let mut out = io::BufWriter::new(File::create(path)?);
    out.write_all(MAGIC)?;
    out.write_all(&slots.to_le_bytes())?;
    for o in &offsets {
        out.write_all(&o.to_le_bytes())?;
    }
    out.write_all(&data)?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// An opened document table.
pub struct DocumentTable {
    file: File,
    slots: u64,
}

impl DocumentTable {
    /// Opens the table at `path`, checking its header.
    pub fn open(path: &Path) -> io::Result<DocumentTable> {
        let file = File::open(path)?;
        let mut header = [0u8; HEADER as usize];
        read_at(&file, &mut header, 0)?;
        if &header[..8] != MAGIC {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "not a citedex document table"));
        }
        let slots = u64::from_le_bytes(header[8..].try_into().expect("8 bytes"));
        let table = DocumentTable { file, slots };
        let len = table.file.metadata()?.len();
        if len < table.data_start() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated citedex document table"));
        }
        Ok(table)
    }

    fn data_start(&self) -> u64 {
        HEADER + 8 * (self.slots + 1)
    }

    /// The document numbered `key`, if the table holds it.
    pub fn get(&self, key: u64) -> io::Result<Option<DocumentPart>> {
        if key >= self.slots {
            return Ok(None);
        }
        let mut bounds = [0u8; 16];
        read_at(&self.file, &mut bounds, HEADER + 8 * key)?;
        let start = u64::from_le_bytes(bounds[..8].try_into().expect("8 bytes"));
        let end = u64::from_le_bytes(bounds[8..].try_into().expect("8 bytes"));
        if end <= start {
            return Ok(None);
        }
        if end - start > 1 << 24 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "damaged citedex document table"));
        }
        let mut json = vec![0u8; (end - start) as usize];
        read_at(&self.file, &mut json, self.data_start() + start)?;
        serde_json::from_slice(&json).map(Some).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::DocumentEntry;

    fn entry(path: &str, docs: &[(u64, &str)]) -> FileEntry {
        FileEntry {
            path: path.into(),
            documents: docs
                .iter()
                .map(|&(key, slug)| DocumentEntry {
                    key,
                    slug: slug.into(),
                    title: format!("Title of {slug} «ё»"),
                    language: "en".into(),
                    ..DocumentEntry::default()
                })
                .collect(),
            ..FileEntry::default()
        }
    }

    #[test]
    fn every_document_is_found_by_its_number_and_gaps_are_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.documents");
        // Numbers are never reused: 2 and 5 were removed.
        let entries =
            vec![entry("corpus/a.txt", &[(1, "a"), (3, "c")]), entry("corpus/b.txt", &[(4, "d"), (6, "f")])];
        write(&path, &entries).unwrap();
        let t = DocumentTable::open(&path).unwrap();
        for e in &entries {
            for d in &e.documents {
                let got = t.get(d.key).unwrap().unwrap();
                assert_eq!(got.document_slug, d.slug);
                assert_eq!(got.document, d.title);
                assert_eq!(got.path, e.path);
                assert_eq!(got.language, "en");
            }
        }
        for missing in [0, 2, 5, 7, 1 << 40] {
            assert_eq!(t.get(missing).unwrap(), None, "{missing}");
        }
    }

    #[test]
    fn a_damaged_table_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.documents");
        std::fs::write(&path, b"not a table at all").unwrap();
        assert!(DocumentTable::open(&path).is_err());
        write(&path, &[entry("x", &[(1, "a")])]).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..20]).unwrap();
        assert!(DocumentTable::open(&path).is_err());
    }
}
