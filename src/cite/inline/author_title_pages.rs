//! The `AuthorTitlePages` shape: `Kowner, Historical Dictionary …, p. 300-304.`, anchored on
//! the comma before the page marker (`p.`, `pp.`, `с.`).

use super::author::{author_part, author_sep_end, names_end};
use super::scan::{Scan, char_at, ending, page_marker, starts_before};
use super::{Citation, MAX_TITLE, Shape, TRIED_STARTS};

impl Scan<'_> {
    /// `Author, Title, p. 12.`, anchored on the comma before the page marker.
    pub(super) fn author_title_pages(&self) -> Vec<Citation> {
        // Every `, ` (they cannot overlap), found by its comma: a search for one byte is several
        // times faster than one for two.
        let b = self.text.as_bytes();
        memchr::memchr_iter(b',', b)
            .filter(|&comma| b.get(comma + 1) == Some(&b' '))
            .filter_map(|comma| self.author_title_pages_at(comma))
            .collect()
    }

    fn author_title_pages_at(&self, comma: usize) -> Option<Citation> {
        let t = self.text;
        let (pages_start, pages_end) = page_marker(t, comma + 2)?;
        let end = ending(t, pages_end)?;
        // `Author: Title` is tried last, so that `Иванов. Администрирование: ls` keeps its
        // colon in the title.
        let try_start = |start: usize, colon: bool| {
            let author_end = names_end(t, start)?;
            let title_start = author_sep_end(t, author_end)?;
            let ok = (char_at(t, author_end) == Some(':')) == colon
                && plausible_title(t.get(title_start..comma)?)
                && self.after_prose(start);
            ok.then_some((start, title_start))
        };
        let (start, title_start) = [false, true]
            .into_iter()
            .find_map(|colon| {
                starts_before(&self.sentences, comma, MAX_TITLE)
                    .take(TRIED_STARTS)
                    .find_map(|s| try_start(s, colon))
            })
            .or_else(|| {
                // A flattened footnote that runs on after a word: `… from the Baltic Sea
                // Novikov, Tsushima, vol. 1, p. 45-50. only to …`. The author must be followed
                // by a comma and the title hold none but before `vol.`, so `… the town Paris,
                // the capital, p. 3.` is not one.
                self.run_on_starts(comma).find_map(|s| {
                    try_start(s, false).filter(|_| t[..end].ends_with('.')).filter(|&(_, ts)| {
                        let title = t[ts..comma].split(", vol.").next().unwrap_or_default();
                        char_at(t, ts - 2) == Some(',')
                            && !title.contains(", ")
                            && !title.starts_with(char::is_lowercase)
                    })
                })
            })?;
        Some(Citation {
            author: Some(author_part(&t[start..title_start]).to_string()),
            title: Some(t[title_start..comma].to_string()),
            pages: Some(t[pages_start..pages_end].to_string()),
            ..Citation::spanning(t, start, end, Shape::AuthorTitlePages)
        })
    }
}

impl Scan<'_> {
    /// Capitalized words before `comma` (nearest first, within the last sentence and
    /// [`MAX_TITLE`] bytes) that follow a lower-case word with no punctuation between: where
    /// a citation flattened into a sentence can start.
    fn run_on_starts(&self, comma: usize) -> impl Iterator<Item = usize> + '_ {
        let t = self.text;
        // The sentence the comma is in; `vol.` and `no.` end no sentence.
        let abbreviation = |s: usize| {
            let mut from = s.saturating_sub(10);
            while !t.is_char_boundary(from) {
                from -= 1;
            }
            let before = t[from..s].trim_end().to_lowercase();
            ["vol.", "no.", "ed.", "eds.", "trans."].iter().any(|a| before.ends_with(a))
        };
        let sentence =
            starts_before(&self.sentences, comma, usize::MAX).find(|&s| !abbreviation(s)).unwrap_or(0);
        let mut lowest = comma.saturating_sub(MAX_TITLE).max(sentence);
        while !t.is_char_boundary(lowest) {
            lowest += 1;
        }
        let window = &t[lowest..comma];
        let mut starts = Vec::new();
        let mut previous: Option<char> = None;
        for (i, c) in window.char_indices() {
            if c.is_uppercase() && previous == Some(' ') {
                let before = window[..i].trim_end_matches(' ');
                // `… the logs Martin and Brown, …` starts at Martin.
                let conjunction = [" and", " &", " und", " et"].iter().any(|w| before.ends_with(w));
                if before.chars().next_back().is_some_and(char::is_lowercase) && !conjunction {
                    starts.push(lowest + i);
                }
            }
            previous = Some(c);
        }
        starts.into_iter().rev().take(TRIED_STARTS * 2)
    }
}

fn plausible_title(title: &str) -> bool {
    let Some(first) = title.chars().next() else { return false };
    title.len() <= MAX_TITLE
        && !title.ends_with(char::is_whitespace)
        && (first.is_alphanumeric() || matches!(first, '"' | '“' | '«' | '\'' | '‘' | '('))
}
