//! The `Archival` shape: `Title of a record (from the National Archives of Japan)`, anchored
//! on `(from the`; the container must name an archive, library, collection, museum or records,
//! and the text after it must read on as the sentence it interrupted.

use super::scan::{Scan, after, char_at, char_before, closing, starts_before, word_end};
use super::{Citation, Shape};

impl Scan<'_> {
    /// `Title of a record (from the National Archives of Japan)`, anchored on `(from the`.
    pub(super) fn archival(&self) -> Vec<Citation> {
        memchr::memchr_iter(b'(', self.text.as_bytes()).filter_map(|open| self.archival_at(open)).collect()
    }

    fn archival_at(&self, open: usize) -> Option<Citation> {
        let t = self.text;
        let container_start =
            ["(from the ", "(From the "].iter().find_map(|prefix| after(t, open, prefix))?;
        let close = closing(t, container_start, ')', 160)?;
        let container = &t[container_start..close];
        if !names_archive(container) || char_before(t, open) != Some(' ') {
            return None;
        }
        let start = self.clause_start(open - 1)?;
        let opens_sentence = self.sentences.binary_search(&start).is_ok();
        if !self.after_prose(start) || !reads_on(t, close + 1, opens_sentence) {
            return None;
        }
        // A citation that is a sentence of its own takes its full stop along.
        let end = if opens_sentence { after(t, close + 1, ".").unwrap_or(close + 1) } else { close + 1 };
        Some(Citation {
            title: Some(t[start..open].trim_end().to_string()),
            container: Some(container.to_string()),
            ..Citation::spanning(t, start, end, Shape::Archival)
        })
    }

    /// The clause holding `pos` if it opens with a capital (clauses opening with a number
    /// are skipped: `Letter to Grant, 1864 (from …)`).
    fn clause_start(&self, pos: usize) -> Option<usize> {
        for start in starts_before(&self.clauses, pos, 300).take(3) {
            match char_at(self.text, start) {
                Some(c) if c.is_uppercase() => return Some(start),
                Some(c) if c.is_numeric() => continue,
                _ => return None,
            }
        }
        None
    }
}

/// Words after an archival citation that carry on the sentence it interrupted.
const CONJUNCTIONS: &[&str] =
    &["and", "or", "but", "while", "whereas", "which", "as", "then", "where", "when"];

/// Whether the text after an archival citation (at `i`) reads as the rest of the sentence it
/// interrupted. One that opened a sentence must end it; one that opened a clause after a comma
/// may also be followed by a conjunction (`on October 10, Record … (from …) and in Russia`).
fn reads_on(t: &str, i: usize, opens_sentence: bool) -> bool {
    let rest = &t[i..];
    let next = rest.trim_start();
    let Some(first) = next.chars().next() else { return true };
    if matches!(first, '.' | ';' | ',' | ':' | '!' | '?') {
        return true;
    }
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    if first.is_uppercase() {
        return true;
    }
    let word = &next[..word_end(next, 0)];
    !opens_sentence && CONJUNCTIONS.contains(&word)
}

fn names_archive(container: &str) -> bool {
    let lower = container.to_lowercase();
    ["archive", "library", "collection", "museum", "records"].iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use crate::cite::inline::tests::{cleaned, one};

    #[test]
    fn an_archival_sentence_takes_its_full_stop() {
        let p = "It was sent in 1921. Telegram from Hughes to Harding (from the Library of Congress). It arrived.";
        let c = one(p);
        assert_eq!(c.raw, "Telegram from Hughes to Harding (from the Library of Congress).");
        assert_eq!(c.title.as_deref(), Some("Telegram from Hughes to Harding"));
        assert_eq!(cleaned(p), "It was sent in 1921. It arrived.");
    }
}
