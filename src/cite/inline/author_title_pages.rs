//! The `AuthorTitlePages` shape: `Kowner, Historical Dictionary …, p. 300-304.`, anchored on
//! the comma before the page marker (`p.`, `pp.`, `с.`).

use super::author::{author_part, author_sep_end, names_end};
use super::scan::{Scan, char_at, ending, page_marker, starts_before};
use super::{Citation, MAX_TITLE, Shape, TRIED_STARTS};

impl Scan<'_> {
    /// `Author, Title, p. 12.`, anchored on the comma before the page marker.
    pub(super) fn author_title_pages(&self) -> Vec<Citation> {
        self.text.match_indices(", ").filter_map(|(comma, _)| self.author_title_pages_at(comma)).collect()
    }

    fn author_title_pages_at(&self, comma: usize) -> Option<Citation> {
        let t = self.text;
        let (pages_start, pages_end) = page_marker(t, comma + 2)?;
        let end = ending(t, pages_end)?;
        // `Author: Title` is tried last, so that `Иванов. Администрирование: ls` keeps its
        // colon in the title.
        let (start, title_start) = [false, true].into_iter().find_map(|colon| {
            starts_before(&self.sentences, comma, MAX_TITLE).take(TRIED_STARTS).find_map(|start| {
                let author_end = names_end(t, start)?;
                let title_start = author_sep_end(t, author_end)?;
                let ok = (char_at(t, author_end) == Some(':')) == colon
                    && plausible_title(t.get(title_start..comma)?)
                    && self.after_prose(start);
                ok.then_some((start, title_start))
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

fn plausible_title(title: &str) -> bool {
    let Some(first) = title.chars().next() else { return false };
    title.len() <= MAX_TITLE
        && !title.ends_with(char::is_whitespace)
        && (first.is_alphanumeric() || matches!(first, '"' | '“' | '«' | '\'' | '‘' | '('))
}
