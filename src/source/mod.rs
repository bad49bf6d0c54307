//! Source formats: turning the bytes of one corpus file into [`Document`]s.
//!
//! A format reader only finds structure (titles, sections, paragraphs and what kind of text
//! each one is) and records exactly where it is in the file; it does not split long
//! paragraphs (see [`crate::passage`]) or parse citations (see [`crate::cite`]).
//!
//! Adding a format means adding one file here that implements [`SourceFormat`] and listing it
//! in [`formats`].

mod bibtex;
mod footnote;
mod markdown;
mod mediawiki;
mod plain;
mod wiki;

pub use bibtex::BibTeX;
pub use markdown::Markdown;
pub use mediawiki::MediaWiki;
pub use plain::PlainText;
pub use wiki::WikiText;

use crate::cite::{Citation, Reference};

use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a paragraph is, as far as the reader can tell from the markup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Running prose.
    #[default]
    Body,
    /// An image caption, including `File:NAME|caption` gallery lines.
    Caption,
    /// One entry of a References or Bibliography list.
    Reference,
    /// One entry of an External links list.
    Link,
    /// A line of the Notes section.
    Note,
}

impl Kind {
    /// Every kind, in the order they are documented.
    pub const ALL: [Kind; 5] = [Kind::Body, Kind::Caption, Kind::Reference, Kind::Link, Kind::Note];

    /// The lowercase name used in the index, in JSON and in `kind:` filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Body => "body",
            Kind::Caption => "caption",
            Kind::Reference => "reference",
            Kind::Link => "link",
            Kind::Note => "note",
        }
    }

    /// Parses a kind name as written in a `kind:` filter.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Markup hidden from a passage's text: `source[start..end]` reads as `with` (most often
/// nothing: `'''`, `[[Target|`, a template; a character for an entity such as `&ndash;`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Markup {
    pub start: usize,
    pub end: usize,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub with: String,
}

/// One paragraph as found in the source: its kind, where it sits, and its exact byte range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Block {
    pub kind: Kind,
    /// Index into [`Document::sections`].
    pub section: usize,
    /// 1-based number of this paragraph within its section.
    pub paragraph: u32,
    /// 1-based line numbers of the first and last line of the paragraph.
    pub line_start: u32,
    pub line_end: u32,
    /// Byte range of the paragraph's text in the file (markup such as `* ` excluded).
    pub byte_start: usize,
    pub byte_end: usize,
    /// For gallery captions, the image file name.
    pub file: Option<String>,
    /// Markup inside the paragraph that is not its text, in order, not overlapping (absolute
    /// byte ranges within `byte_start..byte_end`).
    pub markup: Vec<Markup>,
    /// Citations the reader found itself (a MediaWiki `<ref>`), with absolute byte ranges
    /// within the paragraph, in order, and the index in [`Document::blocks`] of the
    /// bibliography entry each one points to, when the markup says.
    pub citations: Vec<(Citation, Option<usize>)>,
    /// For a bibliography entry whose fields the markup gives (a `{{cite book}}` template).
    pub reference: Option<Box<Reference>>,
}

/// A section: its heading path, outermost first (empty for the lead).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Section {
    pub path: Vec<String>,
}

/// One article of a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    /// 1-based line of the title (0 when the title came from the file name).
    pub title_line: u32,
    pub sections: Vec<Section>,
    pub blocks: Vec<Block>,
    /// Whether the reader marks citations itself ([`Block::citations`]); otherwise they are
    /// looked for in the prose by their shape ([`crate::cite::inline::find`]).
    pub marked_citations: bool,
}

impl Default for Document {
    fn default() -> Document {
        Document::new(String::new(), 0)
    }
}

impl Document {
    /// A document with only the lead section.
    pub fn new(title: String, title_line: u32) -> Document {
        Document {
            title,
            title_line,
            sections: vec![Section::default()],
            blocks: Vec::new(),
            marked_citations: false,
        }
    }
}

/// A reader for one source format.
pub trait SourceFormat: Sync {
    /// Short name, as shown by `citedex list`.
    fn name(&self) -> &'static str;
    /// The file name extensions of this format, lowercase, without the dot.
    fn extensions(&self) -> &'static [&'static str];
    /// Whether this reader handles the file, judged from its extension and first bytes.
    fn accepts(&self, path: &Path, text: &str) -> bool;
    /// Finds the documents of one file. `text` is the whole file; every byte offset returned
    /// points into it. `fallback_title` names a document that has no title of its own.
    fn read(&self, text: &str, fallback_title: &str) -> Vec<Document>;
}

/// The known formats, most specific first.
pub fn formats() -> &'static [&'static dyn SourceFormat] {
    &[&BibTeX, &Markdown, &MediaWiki, &WikiText, &PlainText]
}

/// Whether a file is one of the formats citedex reads, judged by its extension (a file with
/// none is read as plain text); otherwise its extension, for the warning that skips it.
pub fn readable(path: &Path) -> Result<(), String> {
    let Some(ext) = path.extension() else { return Ok(()) };
    let ext = ext.to_string_lossy().to_ascii_lowercase();
    if formats().iter().any(|f| f.extensions().contains(&ext.as_str())) { Ok(()) } else { Err(ext) }
}

/// The extensions of the formats read, for messages: `.md, .markdown, …, .txt, .text`.
pub fn known_extensions() -> String {
    let all: Vec<String> = formats().iter().flat_map(|f| f.extensions()).map(|e| format!(".{e}")).collect();
    all.join(", ")
}

/// Picks the reader for a file.
pub fn format_for(path: &Path, text: &str) -> &'static dyn SourceFormat {
    formats().iter().copied().find(|f| f.accepts(path, text)).unwrap_or(&PlainText)
}

/// Iterates over the lines of `text` as `(line_number, byte_start, line)` where `line` has no
/// line terminator (`\n`, `\r\n`) and, on the first line, no byte-order mark.
pub fn lines(text: &str) -> impl Iterator<Item = (u32, usize, &str)> {
    let mut offset = 0;
    let mut number = 0u32;
    std::iter::from_fn(move || {
        if offset >= text.len() {
            return None;
        }
        let rest = &text[offset..];
        // A line ends at `\n`, `\r\n`, or a lone `\r` (old Mac files).
        let (len, end) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, i + 2),
            Some(i) => (i, i + 1),
            None => (rest.len(), rest.len()),
        };
        let mut line = &rest[..len];
        let mut start = offset;
        offset += end;
        number += 1;
        if number == 1
            && let Some(stripped) = line.strip_prefix('\u{feff}')
        {
            line = stripped;
            start += '\u{feff}'.len_utf8();
        }
        Some((number, start, line))
    })
}

/// Where each line of a text starts, to give byte offsets their 1-based line numbers, with
/// lines as [`lines`] counts them.
pub(crate) struct LineStarts(Vec<usize>);

impl LineStarts {
    pub(crate) fn new(text: &str) -> LineStarts {
        LineStarts(lines(text).map(|(_, start, _)| start).collect())
    }

    /// The line of byte `at`.
    pub(crate) fn line_of(&self, at: usize) -> u32 {
        self.0.partition_point(|&s| s <= at).max(1) as u32
    }

    /// The first and last line of the bytes `start..end`.
    pub(crate) fn span(&self, start: usize, end: usize) -> (u32, u32) {
        (self.line_of(start), self.line_of(end.saturating_sub(1).max(start)))
    }
}

/// Number of line ends in `s`, counted as [`lines`] does.
pub fn line_breaks(s: &str) -> usize {
    s.matches('\n').count() + s.matches('\r').count() - s.matches("\r\n").count()
}

/// Byte range of `s` within a line starting at `line_start`, with surrounding whitespace
/// removed. `s` must be a subslice of `line`.
pub(crate) fn trimmed_range(line: &str, line_start: usize, s: &str) -> (usize, usize) {
    let base = s.as_ptr() as usize - line.as_ptr() as usize;
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    let start = line_start + base + lead;
    (start, start + trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_strip_terminators_and_bom() {
        let text = "\u{feff}one\r\ntwo\n\nthree";
        let got: Vec<_> = lines(text).collect();
        assert_eq!(got, vec![(1, 3, "one"), (2, 8, "two"), (3, 12, ""), (4, 13, "three")]);
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let got: Vec<_> = lines("a\rb\r\nc\n").collect();
        assert_eq!(got, vec![(1, 0, "a"), (2, 2, "b"), (3, 5, "c")]);
        assert_eq!(line_breaks("a\rb\r\nc\n"), 3);
    }

    #[test]
    fn every_readable_extension_is_named_in_messages() {
        let named = known_extensions();
        for f in formats() {
            for e in f.extensions() {
                assert!(named.contains(&format!(".{e}")), "{e} missing from {named}");
                assert_eq!(readable(Path::new(&format!("a.{e}"))), Ok(()));
            }
        }
        assert_eq!(readable(Path::new("page.html")), Err("html".to_string()));
    }

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("Caption"), Some(Kind::Caption));
        assert_eq!(Kind::parse("heading"), None);
    }
}
