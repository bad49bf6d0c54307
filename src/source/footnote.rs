//! Footnotes, for the readers whose formats have them (MediaWiki's `<ref>`, Markdown's `[^1]`):
//! a footnote mark is a citation whose text is the footnote's, and the footnote itself is a
//! bibliography entry when it reads as one.

use crate::cite::bibliography::{self, Reference};
use crate::cite::inline::{Citation, Shape};

/// Whether a footnote's text reads as a bibliography entry: authors, a year and a title, and
/// more than a short `Jukes 2002, p. 86`.
pub(super) fn is_work(shown: &str) -> bool {
    let r = bibliography::parse(shown.trim(), None);
    !r.authors.is_empty() && r.year.is_some() && r.title.is_some() && shown.split_whitespace().count() >= 5
}

/// The citation that a footnote mark at `start..end` makes: its text the footnote's `shown`
/// text (whitespace collapsed), its parts from `fields` when the reader knows them exactly,
/// else parsed from the text.
pub(super) fn citation(shown: &str, start: usize, end: usize, fields: Option<&Reference>) -> Citation {
    let raw = bibliography::collapse(shown);
    let parsed;
    let r = match fields {
        Some(r) => r,
        None => {
            parsed = bibliography::parse(&raw, None);
            &parsed
        }
    };
    let mut c = Citation { start, end, ..Citation::spanning(&raw, 0, raw.len(), Shape::Footnote) };
    c.author = r.authors.first().map(|n| n.family.clone()).filter(|f| !f.is_empty());
    c.title = r.title.clone();
    c.container = r.container.clone();
    c.volume = r.volume.clone();
    c.issue = r.issue.clone();
    c.pages = r.pages.clone();
    c.year = r.year;
    c.year_suffix = r.year_suffix.clone();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_entry_is_a_work_and_a_short_one_is_not() {
        assert!(is_work("Jukes, Geoffrey (2002). The Russo-Japanese War 1904–1905. Oxford: Osprey."));
        assert!(!is_work("Jukes 2002, p. 86."));
        assert!(!is_work("An aside, not a source."));
    }

    #[test]
    fn the_citation_reads_the_footnote() {
        let c = citation("Jukes, Geoffrey (2002).\n  The War. Oxford: Osprey, p. 86.", 10, 14, None);
        assert_eq!((c.start, c.end, c.shape), (10, 14, Shape::Footnote));
        assert_eq!(c.raw, "Jukes, Geoffrey (2002). The War. Oxford: Osprey, p. 86.");
        assert_eq!((c.author.as_deref(), c.year), (Some("Jukes"), Some(2002)));
    }
}
