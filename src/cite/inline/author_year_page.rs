//! The `AuthorYearPage` shape: `(Kowner 2006, p. 300)` and `（山田 2001, 12頁）` inside the
//! prose, and `Esthus (1988), p. 213.` standing as a sentence of its own (a flattened
//! author-date footnote).

use super::author::names_end;
use super::scan::{Scan, after, closing, ending, page_marker, page_range_end, year_at};
use super::{Citation, Shape};
use crate::cite::bibliography::year_suffix;

impl Scan<'_> {
    /// `(Kowner 2006, p. 300)` and `（山田 2001, 12頁）`.
    pub(super) fn author_year_page(&self) -> Vec<Citation> {
        let t = self.text;
        if t.is_ascii() || !t.contains('（') {
            // The same, found a byte at a time (most text has no full-width parenthesis).
            return memchr::memchr_iter(b'(', t.as_bytes())
                .filter_map(|open| self.author_year_page_at(open, '(', ')'))
                .collect();
        }
        t.char_indices()
            .filter_map(|(open, c)| match c {
                '(' => self.author_year_page_at(open, c, ')'),
                '（' => self.author_year_page_at(open, c, '）'),
                _ => None,
            })
            .collect()
    }

    /// `Esthus (1988), p. 213.` as a sentence of its own, anchored on `), p.`.
    pub(super) fn author_paren_year_pages(&self) -> Vec<Citation> {
        let t = self.text;
        // Every `), p` (they cannot overlap), found by its parenthesis (see `author_title_pages`).
        memchr::memchr_iter(b')', t.as_bytes())
            .filter(|&close| t.as_bytes()[close..].starts_with(b"), p"))
            .filter_map(|close| self.author_paren_year_pages_at(close))
            .collect()
    }

    fn author_paren_year_pages_at(&self, close: usize) -> Option<Citation> {
        let t = self.text;
        let (pages_start, pages_end) = page_marker(t, close + 3)?;
        let end = ending(t, pages_end)?;
        // `(1988` right before the anchor, a name before it, starting a sentence.
        let open =
            [5, 6].iter().find_map(|&k| close.checked_sub(k).filter(|&o| t.get(o..o + 1) == Some("(")))?;
        let (year_end, year) = year_at(t, open + 1)?;
        let (year_end, suffix) = year_suffix(t, year_end);
        if year_end != close {
            return None;
        }
        let start = self.sentences.iter().rev().find(|&&s| s < open && open - s <= 80).copied()?;
        let name = t.get(start..open)?.trim_end();
        if names_end(t, start) != Some(start + name.len()) || !self.after_prose(start) {
            return None;
        }
        Some(Citation {
            author: Some(name.to_string()),
            year: Some(year),
            year_suffix: suffix,
            pages: Some(t[pages_start..pages_end].to_string()),
            ..Citation::spanning(t, start, end, Shape::AuthorYearPage)
        })
    }

    fn author_year_page_at(&self, open: usize, oc: char, cc: char) -> Option<Citation> {
        let t = self.text;
        let inner_start = open + oc.len_utf8();
        let close = closing(t, inner_start, cc, 80)?;
        let inner = &t[inner_start..close];
        let parts = author_year_page_parts(inner)?;
        if !self.after_prose(open) {
            return None;
        }
        Some(Citation {
            author: Some(parts.author.to_string()),
            year: Some(parts.year),
            year_suffix: parts.suffix,
            pages: Some(parts.pages.to_string()),
            ..Citation::spanning(t, open, close + cc.len_utf8(), Shape::AuthorYearPage)
        })
    }
}

/// The parts of `Kowner 2006, p. 300` or `山田 2001, 12頁` (the inside of the parentheses).
struct AuthorYearPage<'a> {
    author: &'a str,
    year: u32,
    suffix: Option<String>,
    pages: &'a str,
}

fn author_year_page_parts(inner: &str) -> Option<AuthorYearPage<'_>> {
    let year_start = inner.find(|c: char| c.is_ascii_digit())?;
    let author = inner[..year_start].trim_end_matches([' ', '　', ',']);
    let (year_end, year) = year_at(inner, year_start)?;
    let (year_end, suffix) = year_suffix(inner, year_end);
    let rest = [", ", ",", "、", "，"].iter().find_map(|s| after(inner, year_end, s))?;
    let (pages, stop) = match page_marker(inner, rest) {
        Some((start, end)) => (&inner[start..end], end),
        None => {
            let end = page_range_end(inner, rest)?;
            (&inner[rest..end], after(inner, end, "頁")?)
        }
    };
    let latin_name = names_end(author, 0) == Some(author.len());
    let cjk_name = (1..=12).contains(&author.chars().count())
        && author.chars().all(|c| c.is_alphabetic() && !c.is_ascii());
    (stop == inner.len() && (latin_name || cjk_name)).then_some(AuthorYearPage {
        author,
        year,
        suffix,
        pages,
    })
}
