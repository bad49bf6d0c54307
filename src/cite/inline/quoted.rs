//! The quoted shapes, anchored on a pair of quotes: `[author:] "title", container,
//! volume(issue):pages` (`AuthorTitleJournal`) and `[author:] "title", container. date`
//! (`Newspaper`), with the container's name, the volume, issue and pages, and the date.

use super::author::{author_part, author_sep_end, name_end};
use super::scan::{
    MONTHS, Scan, after, char_before, digits_end, ending, is_capitalized, page_marker, page_range_end,
    starts_before, word_end, year_at,
};
use super::{Citation, MAX_TITLE, Shape, TRIED_STARTS};

impl Scan<'_> {
    /// `[author:] "title", container. date` and `[author:] "title", container, volume…`.
    pub(super) fn quoted(&self) -> Vec<Citation> {
        let quotes: Vec<(usize, char)> =
            self.text.char_indices().filter(|&(_, c)| matches!(c, '"' | '“' | '”' | '«' | '»')).collect();
        quotes.windows(2).filter_map(|pair| self.quoted_at(pair[0], pair[1])).collect()
    }

    fn quoted_at(&self, (open, oc): (usize, char), (close, cc): (usize, char)) -> Option<Citation> {
        let t = self.text;
        if !quotes_pair(oc, cc) || !char_before(t, open).is_none_or(|c| c.is_whitespace() || c == '(') {
            return None;
        }
        let inner = &t[open + oc.len_utf8()..close];
        let after_close = close + cc.len_utf8();
        let (title, container_start) = match inner.strip_suffix(',') {
            Some(title) => (title, after(t, after_close, " ")?),
            None => (inner, after(t, after_close, ", ")?),
        };
        if title.len() > MAX_TITLE || title.trim() != title || title.is_empty() {
            return None;
        }
        let container_end = container_end(t, container_start)?;
        let start = self.author_before(open).unwrap_or(open);
        if !self.after_prose(start) {
            return None;
        }
        let volume = after(t, container_end, ", ").and_then(|at| volume_spec(t, at));
        let mut cited = if let Some(v) = volume {
            Citation {
                volume: Some(v.volume),
                issue: v.issue,
                pages: v.pages,
                ..Citation::spanning(t, start, ending(t, v.end)?, Shape::AuthorTitleJournal)
            }
        } else {
            let date_start = after(t, container_end, ". ").or_else(|| after(t, container_end, ", "))?;
            let (date_end, year) = date_end(t, date_start)?;
            Citation {
                date: Some(t[date_start..date_end].to_string()),
                year: Some(year),
                ..Citation::spanning(t, start, ending(t, date_end)?, Shape::Newspaper)
            }
        };
        cited.author = (start < open).then(|| author_part(&t[start..open]).to_string());
        cited.title = Some(title.to_string());
        cited.container = Some(t[container_start..container_end].to_string());
        Some(cited)
    }

    /// Start of `White, J. A.: ` right before the quote at `quote`, if a sentence opens with it.
    fn author_before(&self, quote: usize) -> Option<usize> {
        starts_before(&self.sentences, quote, 120)
            .take(TRIED_STARTS)
            .find(|&at| name_end(self.text, at).and_then(|end| author_sep_end(self.text, end)) == Some(quote))
    }
}

fn quotes_pair(open: char, close: char) -> bool {
    matches!((open, close), ('"', '"') | ('“', '”') | ('“', '"') | ('«', '»'))
}

const MONTH_ABBREVIATIONS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"];

/// Lowercase words inside a newspaper's or journal's name (`Journal of the …`, `Notes and Queries`).
const CONTAINER_CONNECTORS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "de", "des", "du", "la", "le", "di", "del", "für", "und", "y",
    "et", "zur", "&",
];

/// End of a newspaper's, journal's or archive's name: capitalized words, with lowercase
/// connectors inside (`New York Times`, `Journal of Peace Research`, `Software: Practice and
/// Experience`). Not a month (`"Treaty of Portsmouth", September 5, 1905` is no citation).
fn container_end(t: &str, i: usize) -> Option<usize> {
    let mut end = None;
    let mut at = i;
    for n in 0..10 {
        let word_stop = if after(t, at, "&").is_some() { at + 1 } else { word_end(t, at) };
        let word = &t[at..word_stop];
        let capital = is_capitalized(word) && !MONTHS.contains(&word);
        if n == 0 && !capital {
            return None;
        }
        if !capital && !CONTAINER_CONNECTORS.contains(&word) {
            break;
        }
        let mut next = word_stop;
        if capital {
            end = Some(word_stop);
            next = after(t, next, ":").unwrap_or(next);
        }
        match after(t, next, " ") {
            Some(n) => at = n,
            None => break,
        }
    }
    end
}

/// A volume, issue and pages: `6(4):362`, `vol. 3, no. 2, pp. 45-67`.
struct Volume {
    end: usize,
    volume: String,
    issue: Option<String>,
    pages: Option<String>,
}

fn volume_spec(t: &str, i: usize) -> Option<Volume> {
    labelled_volume(t, i).or_else(|| compact_volume(t, i))
}

/// `vol. 3, no. 2, pp. 45-67`, `Vol. 12, p. 7`, `vol. 3, no. 2`.
fn labelled_volume(t: &str, i: usize) -> Option<Volume> {
    let at = ["vol. ", "Vol. ", "vol.", "Vol."].iter().find_map(|m| after(t, i, m))?;
    let volume_end = digits_end(t, at, 4)?;
    let mut v = Volume { end: volume_end, volume: t[at..volume_end].to_string(), issue: None, pages: None };
    let issue = [", no. ", ", No. ", ", nr. ", ", iss. "].iter().find_map(|m| after(t, v.end, m));
    if let Some((start, end)) = issue.and_then(|s| Some((s, page_range_end(t, s)?))) {
        v.issue = Some(t[start..end].to_string());
        v.end = end;
    }
    if let Some((start, end)) = after(t, v.end, ", ").and_then(|s| page_marker(t, s)) {
        v.pages = Some(t[start..end].to_string());
        v.end = end;
    }
    Some(v)
}

/// `6(4):362`, `6 (4): 362-370`, `6(4), pp. 362-370`, `6(4)`, `6:362`.
fn compact_volume(t: &str, i: usize) -> Option<Volume> {
    let volume_end = digits_end(t, i, 4)?;
    let mut v = Volume { end: volume_end, volume: t[i..volume_end].to_string(), issue: None, pages: None };
    let paren = after(t, volume_end, "(").or_else(|| after(t, volume_end, " ("));
    if let Some(start) = paren {
        let end = page_range_end(t, start)?;
        v.end = after(t, end, ")")?;
        v.issue = Some(t[start..end].to_string());
    }
    let pages = match after(t, v.end, ":") {
        Some(colon) => {
            let start = after(t, colon, " ").unwrap_or(colon);
            page_range_end(t, start).map(|end| (start, end))
        }
        None => after(t, v.end, ", ").and_then(|s| page_marker(t, s)),
    };
    if let Some((start, end)) = pages {
        v.pages = Some(t[start..end].to_string());
        v.end = end;
    }
    (v.issue.is_some() || v.pages.is_some()).then_some(v)
}

/// End and year of `October 17, 1905`, `Oct. 17, 1905`, `17 October 1905`, `October 1905`.
fn date_end(t: &str, i: usize) -> Option<(usize, u32)> {
    if let Some(day_end) = digits_end(t, i, 2) {
        let month_end = month_end(t, after(t, day_end, " ")?)?;
        return year_at(t, after(t, month_end, " ")?);
    }
    let at = after(t, month_end(t, i)?, " ")?;
    if let Some(year) = year_at(t, at) {
        return Some(year);
    }
    let day_end = digits_end(t, at, 2)?;
    year_at(t, after(t, day_end, ", ").or_else(|| after(t, day_end, " "))?)
}

fn month_end(t: &str, i: usize) -> Option<usize> {
    let end = word_end(t, i);
    let word = &t[i..end];
    if MONTHS.contains(&word) {
        Some(end)
    } else if MONTH_ABBREVIATIONS.contains(&word) {
        Some(after(t, end, ".").unwrap_or(end))
    } else {
        None
    }
}
