//! The `Ibid` shape: `Ibid.`, `Ibid., p. 12.`, `ibid., 45.`, `Ibid. p. 12.` standing as a
//! sentence of its own: "the work cited just before", which linking resolves.

use super::scan::{Scan, after, char_at, ending, page_marker, page_range_end};
use super::{Citation, Shape};

impl Scan<'_> {
    /// `Ibid.` sentences, with their pages if any.
    pub(super) fn ibid(&self) -> Vec<Citation> {
        self.sentences.iter().filter_map(|&start| self.ibid_at(start)).collect()
    }

    fn ibid_at(&self, start: usize) -> Option<Citation> {
        let t = self.text;
        let word = after(t, start, "Ibid").or_else(|| after(t, start, "ibid"))?;
        let word = after(t, word, ".")?;
        if !self.after_prose(start) {
            return None;
        }
        // `, p. 12`, ` p. 12`, `, 12`: pages; else the citation is the word alone.
        let rest = after(t, word, ", ").or_else(|| after(t, word, " ")).unwrap_or(word);
        let pages = page_marker(t, rest).or_else(|| {
            let e = page_range_end(t, rest)?;
            (after(t, word, ", ").is_some()).then_some((rest, e))
        });
        let (end, pages) = match pages {
            Some((ps, pe)) => (ending(t, pe)?, Some(t[ps..pe].to_string())),
            None => (char_at(t, word).is_none_or(char::is_whitespace).then_some(word)?, None),
        };
        Some(Citation { pages, ..Citation::spanning(t, start, end, Shape::Ibid) })
    }
}
