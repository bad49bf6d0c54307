//! BibTeX and BibLaTeX files (`.bib`): a source of works, not of prose.
//!
//! ```text
//! @book{jukes2002,                        one entry: a `reference` passage in a section
//!   author    = {Jukes, Geoffrey},        named by its key (`refs › jukes2002 ¶1`), with
//!   title     = {The Russo-Japanese War}, exact fields (no guessing), read as the entry it
//!   publisher = {Osprey},                 renders: `Jukes, Geoffrey (2002). The
//!   year      = 2002 }                    Russo-Japanese War. Osprey.`
//! ```
//!
//! Entries are parsed with the `biblatex` crate (names, `{braces}`, TeX accents, `@string`
//! abbreviations, `crossref`). A file with a syntax error loses only the broken entries: each
//! `@` entry is then read on its own. The whole entry is the passage's markup, read as the
//! rendered entry, so `source[byte_start..byte_end]` is the entry as written.

use super::{Block, Document, Kind, LineStarts, Markup, Section, SourceFormat};
use crate::cite::bibliography;
use biblatex::{Bibliography, ChunksExt, RawBibliography};
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// Reader for BibTeX and BibLaTeX files.
pub struct BibTeX;

impl SourceFormat for BibTeX {
    fn name(&self) -> &'static str {
        "bibtex"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["bib", "bibtex"]
    }

    fn accepts(&self, path: &Path, _text: &str) -> bool {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        self.extensions().contains(&ext.as_str())
    }

    fn read(&self, text: &str, fallback_title: &str) -> Vec<Document> {
        let mut doc = Document::new(fallback_title.to_string(), 0);
        doc.marked_citations = true;
        let lines = LineStarts::new(text);
        let mut used: HashMap<String, usize> = HashMap::new();
        for (span, entry) in entries(text) {
            let reference = reference_of(&entry);
            if reference.raw.is_empty() {
                continue;
            }
            // One section per key; a repeated key gets its own numbered section.
            let n = used.entry(entry.key.clone()).or_insert(0);
            *n += 1;
            let name = if *n == 1 { entry.key.clone() } else { format!("{} ({n})", entry.key) };
            doc.sections.push(Section { path: vec![name] });
            let (line_start, line_end) = lines.span(span.start, span.end);
            doc.blocks.push(Block {
                kind: Kind::Reference,
                section: doc.sections.len() - 1,
                paragraph: 1,
                line_start,
                line_end,
                byte_start: span.start,
                byte_end: span.end,
                markup: vec![Markup { start: span.start, end: span.end, with: reference.raw.clone() }],
                reference: Some(Box::new(reference)),
                ..Block::default()
            });
        }
        vec![doc]
    }
}

/// The entries of a file with their byte ranges, in file order. When the file does not
/// parse as a whole, each `@` entry is parsed alone and the broken ones are left out.
fn entries(text: &str) -> Vec<(Range<usize>, biblatex::Entry)> {
    if let Some(all) = parse(text, 0) {
        return all;
    }
    let starts: Vec<usize> = text
        .match_indices('@')
        .map(|(i, _)| i)
        .filter(|&i| text[..i].rsplit('\n').next().is_some_and(|l| l.trim().is_empty()))
        .collect();
    let mut out = Vec::new();
    for (n, &s) in starts.iter().enumerate() {
        let e = starts.get(n + 1).copied().unwrap_or(text.len());
        out.extend(parse(&text[s..e], s).unwrap_or_default());
    }
    out
}

/// Parses `text` (at `offset` in the file); None when it does not parse.
fn parse(text: &str, offset: usize) -> Option<Vec<(Range<usize>, biblatex::Entry)>> {
    let raw = RawBibliography::parse(text).ok()?;
    let bib = Bibliography::parse(text).ok()?;
    let mut spans: HashMap<&str, Vec<Range<usize>>> = HashMap::new();
    for e in raw.entries.iter().rev() {
        spans.entry(e.v.key.v).or_default().push(e.span.start + offset..e.span.end + offset);
    }
    let mut out: Vec<(Range<usize>, biblatex::Entry)> = bib
        .into_iter()
        .filter_map(|entry| {
            let span = spans.get_mut(entry.key.as_str())?.pop()?;
            Some((span, entry))
        })
        .collect();
    out.sort_by_key(|(span, _)| span.start);
    Some(out)
}

/// An entry's fields, named as the citation templates name them, made into a reference.
fn reference_of(entry: &biblatex::Entry) -> bibliography::Reference {
    let field = |name: &str| entry.fields.get(name).map(|c| bibliography::collapse(&c.format_verbatim()));
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut people = |prefix: &str, list: Vec<biblatex::Person>| {
        for (i, p) in list.into_iter().enumerate() {
            let family = [p.prefix.as_str(), p.name.as_str()].join(" ").trim().to_string();
            let given = [p.given_name.as_str(), p.suffix.as_str()].join(" ").trim().to_string();
            fields.push((format!("{prefix}last{}", i + 1), bibliography::collapse(&family)));
            fields.push((format!("{prefix}first{}", i + 1), bibliography::collapse(&given)));
        }
    };
    people("", entry.author().unwrap_or_default());
    if let Ok(editors) = entry.editors() {
        people("editor-", editors.into_iter().flat_map(|(names, _)| names).collect());
    }
    let kind = entry.entry_type.to_string().to_ascii_lowercase();
    let in_book = matches!(kind.as_str(), "inbook" | "incollection" | "inproceedings" | "conference");
    let mut put = |name: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            fields.push((name.to_string(), v));
        }
    };
    if in_book {
        put("chapter", field("title"));
        put("title", field("booktitle"));
    } else {
        put("title", field("title"));
    }
    put("journal", field("journaltitle").or_else(|| field("journal")));
    put("date", field("date").or_else(|| field("year")));
    for name in ["volume", "number", "edition", "series", "isbn", "issn", "doi", "url"] {
        put(name, field(name));
    }
    put("pages", field("pages").map(|p| p.replace("--", "–")));
    put("publisher", field("publisher").or_else(|| field("institution")).or_else(|| field("school")));
    put("location", field("location").or_else(|| field("address")));
    bibliography::from_fields(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage::{self, Passage};

    fn passages(text: &str) -> Vec<Passage> {
        passage::read_checked(&BibTeX, text, "refs.bib", 100)
    }

    const BIB: &str = "% Works on the treaty\n\
        @string{ky = {University of Kentucky Press}}\n\n\
        @book{trani1969,\n  author = {Trani, Eugene P.},\n  title = {The {Treaty} of Portsmouth: An Adventure in American Diplomacy},\n  \
        publisher = ky, address = {Lexington},\n  year = 1969\n}\n\n\
        @article{white1969,\n  author = {White, John Albert and Esthus, Raymond A.},\n  title = {Portsmouth 1905: Peace or Truce?},\n  \
        journal = {Journal of Peace Research}, volume = {6}, number = {4}, pages = {359--366}, year = {1969},\n  \
        doi = {10.1177/002234336900600405}\n}\n\n\
        @incollection{k2005, author = {K\\\"{o}nig, Ann}, title = {The Envoys}, booktitle = {Peace in 1905}, year = {2005}}\n";

    #[test]
    fn entries_are_references_with_exact_fields() {
        let ps = passages(BIB);
        assert_eq!(ps.len(), 3);
        assert!(ps.iter().all(|p| p.kind == Kind::Reference));
        assert_eq!(ps[0].id, "refs/trani1969/1");
        assert_eq!(
            ps[0].text,
            "Trani, Eugene P. (1969). The Treaty of Portsmouth: An Adventure in American Diplomacy. \
             Lexington: University of Kentucky Press."
        );
        assert_eq!(ps[0].source.line_start, 4);
        assert!(BIB[ps[0].source.byte_start..ps[0].source.byte_end].starts_with("@book{trani1969,"));
        let white = ps[1].reference.as_ref().expect("fields");
        assert_eq!(white.authors.len(), 2);
        assert_eq!(white.authors[1].family, "Esthus");
        assert_eq!(white.container.as_deref(), Some("Journal of Peace Research"));
        assert_eq!((white.volume.as_deref(), white.issue.as_deref()), (Some("6"), Some("4")));
        assert_eq!(white.pages.as_deref(), Some("359–366"));
        assert_eq!(white.doi.as_deref(), Some("10.1177/002234336900600405"));
        let chapter = ps[2].reference.as_ref().expect("fields");
        assert_eq!(chapter.authors[0].family, "König");
        assert_eq!(
            (chapter.title.as_deref(), chapter.container.as_deref()),
            (Some("The Envoys"), Some("Peace in 1905"))
        );
    }

    #[test]
    fn a_broken_entry_loses_only_itself() {
        let text = "@book{a, title = {First}, year = 2001}\n\n@book{b, title = {Unclosed, year = 2002\n\n\
                    @book{c, title = {Third}, year = 2003}\n";
        let ps = passages(text);
        let titles: Vec<&str> = ps.iter().filter_map(|p| p.reference.as_ref()?.title.as_deref()).collect();
        assert_eq!(titles, vec!["First", "Third"]);
        assert!(passages("not bibtex at all {{{").is_empty());
        assert!(passages("").is_empty());
    }

    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("@book{k, ".to_string()),
            Just("@article{k2,".to_string()),
            Just("author = {Jukes, Geoffrey and White, J.}".to_string()),
            Just("title = {The {War}}".to_string()),
            Just("year = 2002".to_string()),
            Just("@string{x = {y}}".to_string()),
            Just(", ".to_string()),
            Just("}".to_string()),
            Just("{".to_string()),
            Just("\"".to_string()),
            Just("\\\"{o}".to_string()),
            Just("\n".to_string()),
            Just("%".to_string()),
            "[a-zA-Zé日 .,=]{1,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn random_bibtex_maps_back_exactly(parts in proptest::collection::vec(fragment(), 0..30)) {
            passages(&parts.concat());
        }
    }
}
