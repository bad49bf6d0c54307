//! The `AuthorYearPage` shape: `(Kowner 2006, p. 300)` and `（山田 2001, 12頁）`.

use super::author::name_end;
use super::scan::{Scan, after, closing, page_marker, page_range_end, year_at};
use super::{Citation, Shape};

impl Scan<'_> {
    /// `(Kowner 2006, p. 300)` and `（山田 2001, 12頁）`.
    pub(super) fn author_year_page(&self) -> Vec<Citation> {
        let t = self.text;
        t.char_indices()
            .filter_map(|(open, c)| match c {
                '(' => self.author_year_page_at(open, c, ')'),
                '（' => self.author_year_page_at(open, c, '）'),
                _ => None,
            })
            .collect()
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
            pages: Some(parts.pages.to_string()),
            ..Citation::spanning(t, open, close + cc.len_utf8(), Shape::AuthorYearPage)
        })
    }
}

/// The parts of `Kowner 2006, p. 300` or `山田 2001, 12頁` (the inside of the parentheses).
struct AuthorYearPage<'a> {
    author: &'a str,
    year: u32,
    pages: &'a str,
}

fn author_year_page_parts(inner: &str) -> Option<AuthorYearPage<'_>> {
    let year_start = inner.find(|c: char| c.is_ascii_digit())?;
    let author = inner[..year_start].trim_end_matches([' ', '　', ',']);
    let (year_end, year) = year_at(inner, year_start)?;
    let rest = [", ", ",", "、", "，"].iter().find_map(|s| after(inner, year_end, s))?;
    let (pages, stop) = match page_marker(inner, rest) {
        Some((start, end)) => (&inner[start..end], end),
        None => {
            let end = page_range_end(inner, rest)?;
            (&inner[rest..end], after(inner, end, "頁")?)
        }
    };
    let latin_name = name_end(author, 0) == Some(author.len());
    let cjk_name = (1..=12).contains(&author.chars().count())
        && author.chars().all(|c| c.is_alphabetic() && !c.is_ascii());
    (stop == inner.len() && (latin_name || cjk_name)).then_some(AuthorYearPage { author, year, pages })
}
