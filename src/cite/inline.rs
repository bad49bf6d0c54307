//! Inline citations flattened into prose: [`find`] recognizes them by their shape, so a
//! passage can be indexed without them and keep them as data. Linking a citation to the
//! bibliography entry it abbreviates is left to others (`reference` stays `None`).
//!
//! Shapes recognized, with the parts each one fills:
//!
//! ```text
//! AuthorTitlePages    Kowner, Historical Dictionary of the Russo-Japanese War, p. 300-304.
//!                     Ostrander, M. K., Hughes at the Table, pp. 12–15.
//!                     Иванов. Введение в ls, с. 12.
//!                     author, title, pages  (author then `,` `.` or `:`; `p.` `pp.` `с.`)
//! AuthorTitleJournal  White, J. A.: "Portsmouth 1905: Peace or Truce?", Journal of Peace Research, 6(4):362
//!                     "Ratios", Review of Naval History, vol. 3, no. 2, pp. 45-67.
//!                     [author:] "title", container, volume(issue):pages
//! Newspaper           "Text of Treaty; Signed by …", New York Times. October 17, 1905.
//!                     "Naval Holiday," The Times. 14 November 1921.
//!                     [author:] "title", container. date
//! Archival            Partial record of … treaty (from the National Archives of Japan)
//!                     title (from the container): the container names an archive, library,
//!                     collection, museum or records; the title opens a clause with a capital
//! AuthorYearPage      (Kowner 2006, p. 300)    （山田 2001, 12頁）
//! ```
//!
//! To keep ordinary sentences intact, a citation must follow some prose in its paragraph
//! (one that opens a paragraph is a bibliography entry, not an inline citation), list items
//! (`* …`, `# …`) are left alone, an unquoted citation must open a sentence (an archival one
//! may also open a clause after a comma), and a citation must end the sentence or be followed
//! by a space. Every scan looks at a bounded window around an anchor (`, p.`, a quote, a
//! parenthesis), so a paragraph of several megabytes takes linear time.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The shape a citation was recognized by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `Jukes, The Russo-Japanese War 1904-1905, p. 86-90.`
    AuthorTitlePages,
    /// `White, J. A.: "Title", Journal of Peace Research, 6(4):362`
    AuthorTitleJournal,
    /// `"Title", New York Times. October 17, 1905.`
    Newspaper,
    /// `Partial record of … (from the National Archives of Japan)`
    Archival,
    /// `(Kowner 2006, p. 300)`, `（山田 2001, 12頁）`
    AuthorYearPage,
}

/// A citation found inside a paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// Byte range to remove from the paragraph (relative to the paragraph as given to
    /// [`find`]; absolute file offsets once attached to a passage). It includes one adjoining
    /// space, so that the prose reads on once it is removed.
    pub start: usize,
    pub end: usize,
    /// The citation's text, trimmed.
    pub raw: String,
    pub shape: Shape,
    /// Author as written (`Jukes`, `White, J. A.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Newspaper, journal or archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// Date as written (`October 17, 1905`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Year, from the date or elsewhere in the citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// Id of the bibliography entry this citation abbreviates, once linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Citation {
    /// The same citation with its byte range moved by `offset`.
    pub fn shifted(&self, offset: usize) -> Citation {
        Citation { start: self.start + offset, end: self.end + offset, ..self.clone() }
    }

    /// A citation of `text[start..end]` with no parts filled in yet.
    fn spanning(text: &str, start: usize, end: usize, shape: Shape) -> Citation {
        Citation {
            start,
            end,
            raw: text[start..end].to_string(),
            shape,
            author: None,
            title: None,
            container: None,
            volume: None,
            issue: None,
            pages: None,
            date: None,
            year: None,
            reference: None,
        }
    }
}

/// Finds the citations of one paragraph, in order, non-overlapping.
pub fn find(paragraph: &str) -> Vec<Citation> {
    if is_list_item(paragraph) {
        return Vec::new();
    }
    let scan = Scan::new(paragraph);
    // The most specific shapes first: a later one overlapping an earlier one is dropped.
    let found = [scan.quoted(), scan.archival(), scan.author_year_page(), scan.author_title_pages()];
    settle(paragraph, found)
}

/// Longest title looked at, in bytes.
const MAX_TITLE: usize = 400;
/// Longest word of a name or container, in bytes.
const MAX_WORD: usize = 64;
/// How many sentence starts before an anchor are tried as a citation's start.
const TRIED_STARTS: usize = 4;

fn is_list_item(paragraph: &str) -> bool {
    matches!(paragraph.trim_start().chars().next(), Some('*' | '#'))
}

/// A paragraph with where its sentences and clauses start.
struct Scan<'a> {
    text: &'a str,
    /// Starts of the text after `.` `!` `?` `;` `:` (and any closing quotes) and a space.
    sentences: Vec<usize>,
    /// The same, and starts after a comma and a space.
    clauses: Vec<usize>,
    /// Offset of the first letter or digit: a citation must start after it.
    prose: usize,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Scan<'a> {
        let (mut sentences, mut clauses) = (Vec::new(), Vec::new());
        // After punctuation: Some(true) for a sentence end, Some(false) for a comma.
        let mut pending: Option<bool> = None;
        let mut spaced = false;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                spaced |= pending.is_some();
                continue;
            }
            if let Some(sentence) = pending.filter(|_| spaced) {
                clauses.push(i);
                if sentence {
                    sentences.push(i);
                }
            }
            pending = match c {
                '.' | '!' | '?' | ';' | ':' => Some(true),
                ',' => Some(false),
                c if is_closing_quote(c) && !spaced => pending,
                _ => None,
            };
            spaced = false;
        }
        let prose = text.find(char::is_alphanumeric).unwrap_or(text.len());
        Scan { text, sentences, clauses, prose }
    }

    fn after_prose(&self, start: usize) -> bool {
        start > self.prose
    }

    /// `[author:] "title", container. date` and `[author:] "title", container, volume…`.
    fn quoted(&self) -> Vec<Citation> {
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

    /// `Author, Title, p. 12.`, anchored on the comma before the page marker.
    fn author_title_pages(&self) -> Vec<Citation> {
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
                let author_end = name_end(t, start)?;
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

    /// `Title of a record (from the National Archives of Japan)`, anchored on `(from the`.
    fn archival(&self) -> Vec<Citation> {
        self.text.match_indices('(').filter_map(|(open, _)| self.archival_at(open)).collect()
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

    /// `(Kowner 2006, p. 300)` and `（山田 2001, 12頁）`.
    fn author_year_page(&self) -> Vec<Citation> {
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

/// Sentence or clause starts before `pos` (nearest first), no further back than `window`.
fn starts_before(starts: &[usize], pos: usize, window: usize) -> impl Iterator<Item = usize> + '_ {
    let below = starts.partition_point(|&s| s < pos);
    let lowest = pos.saturating_sub(window);
    starts[..below].iter().rev().take_while(move |&&s| s >= lowest).copied()
}

/// Keeps the first of overlapping citations (in the order given), sorts them, and lets each
/// take one adjoining space: the one after it, or the one before at the paragraph's end.
fn settle(text: &str, found: impl IntoIterator<Item = Vec<Citation>>) -> Vec<Citation> {
    let mut kept: BTreeMap<usize, Citation> = BTreeMap::new();
    for c in found.into_iter().flatten() {
        let clashes = kept.range(..c.end).next_back().is_some_and(|(_, k)| k.end > c.start);
        if !clashes {
            kept.insert(c.start, c);
        }
    }
    let prose_end = text.trim_end().len();
    let mut free_from = 0;
    kept.into_values()
        .map(|mut c| {
            take_one_space(text, &mut c, prose_end, free_from);
            free_from = c.end;
            c
        })
        .collect()
}

fn take_one_space(text: &str, c: &mut Citation, prose_end: usize, free_from: usize) {
    if c.end < prose_end
        && let Some(space) = char_at(text, c.end).filter(|ch| ch.is_whitespace())
    {
        c.end += space.len_utf8();
    } else if let Some(space) = char_before(text, c.start).filter(|ch| ch.is_whitespace())
        && c.start - space.len_utf8() >= free_from
    {
        c.start -= space.len_utf8();
    }
}

// ---------------------------------------------------------------------------------------
// Pieces of a citation. Each takes the text and an offset and returns where the piece
// ends, or `None`; all offsets stay on char boundaries.

fn char_at(t: &str, i: usize) -> Option<char> {
    t.get(i..)?.chars().next()
}

fn char_before(t: &str, i: usize) -> Option<char> {
    t.get(..i)?.chars().next_back()
}

/// The offset after `expected` if the text has it at `i`.
fn after(t: &str, i: usize, expected: &str) -> Option<usize> {
    t.get(i..)?.starts_with(expected).then_some(i + expected.len())
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']')
}

fn quotes_pair(open: char, close: char) -> bool {
    matches!((open, close), ('"', '"') | ('“', '”') | ('“', '"') | ('«', '»'))
}

/// Offset of the `close` char ending a parenthesis whose content starts at `i`, if it comes
/// within `limit` bytes and no other parenthesis opens first.
fn closing(t: &str, i: usize, close: char, limit: usize) -> Option<usize> {
    t.get(i..)?
        .char_indices()
        .take_while(|&(off, _)| off <= limit)
        .find(|&(_, c)| c == close || c == '(' || c == '（')
        .filter(|&(_, c)| c == close)
        .map(|(off, _)| i + off)
}

/// End of one word at `i`: letters and digits, joined by `-` `'` `’` `.` `&` (`Kroah-Hartman`,
/// `LWN.net`). `i` itself when there is no word, or it is longer than [`MAX_WORD`].
fn word_end(t: &str, i: usize) -> usize {
    let Some(rest) = t.get(i..) else { return i };
    let mut end = 0;
    let mut chars = rest.char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if off > MAX_WORD {
            return i;
        }
        if c.is_alphanumeric() {
            end = off + c.len_utf8();
            continue;
        }
        let joins = matches!(c, '-' | '\'' | '’' | '.' | '&')
            && end > 0
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if !joins {
            break;
        }
    }
    i + end
}

/// A word that starts with a capital and has more than one letter (`Kowner`, `USENIX`).
fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.next().is_some()
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTH_ABBREVIATIONS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"];

/// Capitalized words that open sentences far more often than they name an author.
const SENTENCE_WORDS: &[&str] = &[
    "A",
    "An",
    "In",
    "On",
    "At",
    "As",
    "By",
    "For",
    "From",
    "To",
    "Of",
    "With",
    "Without",
    "Within",
    "Into",
    "Under",
    "Over",
    "After",
    "Before",
    "During",
    "Since",
    "Until",
    "Upon",
    "Between",
    "Among",
    "Through",
    "Despite",
    "According",
    "Following",
    "See",
    "Cf",
    "If",
    "When",
    "While",
    "Whereas",
    "Where",
    "Why",
    "What",
    "Who",
    "Whom",
    "Which",
    "How",
    "But",
    "And",
    "Or",
    "Nor",
    "So",
    "Yet",
    "Thus",
    "Hence",
    "However",
    "Therefore",
    "Moreover",
    "Furthermore",
    "Meanwhile",
    "Nevertheless",
    "Indeed",
    "Instead",
    "Also",
    "Although",
    "Though",
    "Because",
    "Unlike",
    "Like",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Your",
    "There",
    "Here",
    "Then",
    "Now",
    "Today",
    "Later",
    "Finally",
    "First",
    "Second",
    "Third",
    "Each",
    "Every",
    "Some",
    "Many",
    "Most",
    "All",
    "Both",
    "Such",
    "Other",
    "Another",
    "No",
    "Not",
    "Yes",
    "Once",
    "Even",
    "Only",
    "Still",
    "Again",
    "Chapter",
    "Page",
    "Part",
    "Section",
    "Volume",
    "Vol",
    "Figure",
    "Fig",
    "Table",
    "Note",
    "Notes",
];

/// Lowercase words inside a name (`van der Berg`, `Leonardo da Vinci`).
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "di", "del", "della", "der", "den", "van", "von", "du", "la", "le", "ten", "ter", "bin",
    "ibn", "al", "zu", "dos", "das",
];

/// Lowercase words inside a newspaper's or journal's name (`Journal of the …`, `Notes and Queries`).
const CONTAINER_CONNECTORS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "de", "des", "du", "la", "le", "di", "del", "für", "und", "y",
    "et", "zur", "&",
];

/// Words after an archival citation that carry on the sentence it interrupted.
const CONJUNCTIONS: &[&str] =
    &["and", "or", "but", "while", "whereas", "which", "as", "then", "where", "when"];

/// End of an author's name at `i`: one to four capitalized words (`Kowner`, `The Times`,
/// `Kroah-Hartman`), optionally followed by initials (`White, J. A.`).
fn name_end(t: &str, i: usize) -> Option<usize> {
    let mut end = None;
    let mut at = i;
    for n in 0..4 {
        let word_stop = word_end(t, at);
        let word = &t[at..word_stop];
        let capital = is_capitalized(word);
        if n == 0 && (!capital || SENTENCE_WORDS.contains(&word) || MONTHS.contains(&word)) {
            return None;
        }
        if !capital && !NAME_PARTICLES.contains(&word) {
            break;
        }
        if capital {
            end = Some(word_stop);
        }
        match after(t, word_stop, " ") {
            Some(next) => at = next,
            None => break,
        }
    }
    let end = end?;
    Some(initials_end(t, end).unwrap_or(end))
}

/// End of `, J. A.` (or `, J.A.`, `, J.-P.`) after a family name ending at `i`.
fn initials_end(t: &str, i: usize) -> Option<usize> {
    let mut at = after(t, i, ", ")?;
    let mut end = None;
    while let Some(c) = char_at(t, at).filter(|c| c.is_uppercase()) {
        let dot = at + c.len_utf8();
        if char_at(t, dot) != Some('.') {
            break;
        }
        end = Some(dot + 1);
        at = dot + 1;
        let joined = matches!(char_at(t, at), Some(' ' | '-'))
            && char_at(t, at + 1).is_some_and(char::is_uppercase)
            && t.get(at + 1..).and_then(|r| r.chars().nth(1)) == Some('.');
        if joined {
            at += 1;
        } else if !char_at(t, at).is_some_and(char::is_uppercase) {
            break;
        }
    }
    end
}

/// After an author's name ending at `i`: `, ` `: ` `. ` (or just a space after initials).
fn author_sep_end(t: &str, i: usize) -> Option<usize> {
    match char_at(t, i)? {
        ',' | ':' | '.' => after(t, i + 1, " "),
        ' ' if t[..i].ends_with('.') => Some(i + 1),
        _ => None,
    }
}

/// The author in `White, J. A.: ` (the text from the author to the title).
fn author_part(s: &str) -> &str {
    let s = s.trim_end();
    let s = s.strip_suffix([',', ':']).unwrap_or(s);
    // A final `.` belongs to initials (`J. A.`), not after a plain name (`Иванов.`).
    match s.strip_suffix('.') {
        Some(name) if !name.ends_with(|c: char| c.is_uppercase()) => name,
        _ => s,
    }
}

fn plausible_title(title: &str) -> bool {
    let Some(first) = title.chars().next() else { return false };
    title.len() <= MAX_TITLE
        && !title.ends_with(char::is_whitespace)
        && (first.is_alphanumeric() || matches!(first, '"' | '“' | '«' | '\'' | '‘' | '('))
}

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

/// End of a run of one to `max` ASCII digits at `i`.
fn digits_end(t: &str, i: usize, max: usize) -> Option<usize> {
    let count = t.get(i..)?.bytes().take(max + 1).take_while(u8::is_ascii_digit).count();
    (1..=max).contains(&count).then_some(i + count)
}

/// End of `86`, `86-90`, `12–15`.
fn page_range_end(t: &str, i: usize) -> Option<usize> {
    let first = digits_end(t, i, 5)?;
    let dash = char_at(t, first).filter(|c| matches!(c, '-' | '–' | '—'));
    Some(dash.and_then(|d| digits_end(t, first + d.len_utf8(), 5)).unwrap_or(first))
}

/// After `p. ` `pp. ` `с. ` at `i`: the range of the pages.
fn page_marker(t: &str, i: usize) -> Option<(usize, usize)> {
    let marked = ["pp.", "p.", "с.", "стр."].iter().find_map(|m| after(t, i, m))?;
    let start = after(t, marked, " ").unwrap_or(marked);
    Some((start, page_range_end(t, start)?))
}

/// Where a citation ending at `i` ends, with its final `.`: it must close the paragraph or be
/// followed by a space.
fn ending(t: &str, i: usize) -> Option<usize> {
    let end = after(t, i, ".").unwrap_or(i);
    char_at(t, end).is_none_or(char::is_whitespace).then_some(end)
}

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

/// End and value of a four-digit year at `i`.
fn year_at(t: &str, i: usize) -> Option<(usize, u32)> {
    let end = digits_end(t, i, 4).filter(|&e| e - i == 4)?;
    Some((end, t[i..end].parse().ok()?))
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

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../corpus/treaty-of-portsmouth.txt");
    const OTHER: &str = include_str!("../../tests/fixtures/cite/other-shapes.txt");

    /// `(line number, citation)` for every citation of every non-blank line.
    fn found_in(article: &str) -> Vec<(usize, Citation)> {
        let lines = article.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        lines.flat_map(|(i, l)| find(l).into_iter().map(move |c| (i + 1, c))).collect()
    }

    fn line(article: &str, number: usize) -> &str {
        article.lines().nth(number - 1).unwrap()
    }

    /// The paragraph with its citations removed.
    fn cleaned(paragraph: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for c in find(paragraph) {
            out.push_str(&paragraph[at..c.start]);
            at = c.end;
        }
        out + &paragraph[at..]
    }

    fn one(paragraph: &str) -> Citation {
        let found = find(paragraph);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    /// A citation with only the parts a test names.
    fn parts(shape: Shape, raw: &str) -> Citation {
        Citation::spanning(raw, 0, raw.len(), shape)
    }

    /// `c` without its range, to compare parts.
    fn unplaced(c: &Citation) -> Citation {
        Citation { start: 0, end: c.raw.len(), ..c.clone() }
    }

    fn s(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn seed_has_exactly_its_six_citations() {
        let found: Vec<(usize, &str)> =
            found_in(SEED).iter().map(|(n, c)| (*n, line(SEED, *n)[c.start..c.end].trim())).collect();
        assert_eq!(
            found,
            vec![
                (
                    6,
                    "\"Text of Treaty; Signed by the Emperor of Japan and Czar of Russia\", New York Times. October 17, 1905."
                ),
                (9, "Kowner, Historical Dictionary of the Russo-Japanese War, p. 300-304."),
                (16, "Jukes, The Russo-Japanese War 1904-1905, p. 86-90."),
                (
                    24,
                    "White, J. A.: \"Portsmouth 1905: Peace or Truce?\", Journal of Peace Research, 6(4):362"
                ),
                (
                    26,
                    "Partial record of Privy Council meeting to ratify the treaty (from the National Archives of Japan)"
                ),
                (
                    29,
                    "\"Japan's Present Crisis and Her Constitution; The Mikado's Ministers Will Be Held Responsible by the People for the Peace Treaty -- Marquis Ito May Be Able to Save Baron Komura,\" New York Times. September 3, 1905."
                ),
            ]
        );
        for (_, c) in found_in(SEED) {
            assert_eq!(c.raw, c.raw.trim());
            assert_eq!(c.reference, None);
        }
    }

    #[test]
    fn seed_citations_are_parsed_into_parts() {
        let found: Vec<Citation> = found_in(SEED).iter().map(|(_, c)| unplaced(c)).collect();
        let expected = [
            Citation {
                title: s("Text of Treaty; Signed by the Emperor of Japan and Czar of Russia"),
                container: s("New York Times"),
                date: s("October 17, 1905"),
                year: Some(1905),
                ..parts(
                    Shape::Newspaper,
                    "\"Text of Treaty; Signed by the Emperor of Japan and Czar of Russia\", New York Times. October 17, 1905.",
                )
            },
            Citation {
                author: s("Kowner"),
                title: s("Historical Dictionary of the Russo-Japanese War"),
                pages: s("300-304"),
                ..parts(
                    Shape::AuthorTitlePages,
                    "Kowner, Historical Dictionary of the Russo-Japanese War, p. 300-304.",
                )
            },
            Citation {
                author: s("Jukes"),
                title: s("The Russo-Japanese War 1904-1905"),
                pages: s("86-90"),
                ..parts(Shape::AuthorTitlePages, "Jukes, The Russo-Japanese War 1904-1905, p. 86-90.")
            },
            Citation {
                author: s("White, J. A."),
                title: s("Portsmouth 1905: Peace or Truce?"),
                container: s("Journal of Peace Research"),
                volume: s("6"),
                issue: s("4"),
                pages: s("362"),
                ..parts(
                    Shape::AuthorTitleJournal,
                    "White, J. A.: \"Portsmouth 1905: Peace or Truce?\", Journal of Peace Research, 6(4):362",
                )
            },
            Citation {
                title: s("Partial record of Privy Council meeting to ratify the treaty"),
                container: s("National Archives of Japan"),
                ..parts(
                    Shape::Archival,
                    "Partial record of Privy Council meeting to ratify the treaty (from the National Archives of Japan)",
                )
            },
            Citation {
                title: s(
                    "Japan's Present Crisis and Her Constitution; The Mikado's Ministers Will Be Held Responsible by the People for the Peace Treaty -- Marquis Ito May Be Able to Save Baron Komura",
                ),
                container: s("New York Times"),
                date: s("September 3, 1905"),
                year: Some(1905),
                ..parts(
                    Shape::Newspaper,
                    "\"Japan's Present Crisis and Her Constitution; The Mikado's Ministers Will Be Held Responsible by the People for the Peace Treaty -- Marquis Ito May Be Able to Save Baron Komura,\" New York Times. September 3, 1905.",
                )
            },
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn seed_prose_reads_on_without_its_citations() {
        assert_eq!(
            cleaned(line(SEED, 6)),
            "The Treaty of Portsmouth formally ended the 1904-05 Russo-Japanese War. It was signed on \
             September 5, 1905 after negotiations lasting from August 6 to August 30, at the Portsmouth \
             Naval Shipyard in Kittery, Maine, in the United States. President Theodore Roosevelt was \
             instrumental in the negotiations, and won the Nobel Peace Prize for his efforts."
        );
        assert!(
            cleaned(line(SEED, 9)).ends_with("to assist in bringing the war to a negotiated conclusion. ")
        );
        assert!(cleaned(line(SEED, 16)).contains(
            "a specialist in international law and arbitration. The delegations arrived in Portsmouth"
        ));
        assert_eq!(
            cleaned(line(SEED, 24)),
            "The remaining four session addressed the most difficult issues, that of reparations and \
             territorial concessions. On August 18, Roosevelt proposed that Rosen offer to divide the \
             island of Sakhalin to address the territory issue. However, on August 23, Witte proposed \
             that the Japanese keep Sakhalin and drop their claims for reparations. When Komura \
             rejected this proposal, Witte warned that he was instructed to cease negotiations and that \
             the war would resume. This ultimatum came as four new Russian divisions arrived in \
             Manchuria, and the Russian delegation made an ostentatious show of packing their bags and \
             preparing to depart. Witte was convinced that the Japanese could not afford restarting the \
             war, and also applied pressure via the American media and his American hosts to convince \
             the Japanese that monetary compensation was something that Russia would never compromise \
             on. Outmaneuvered by Witte, Komura yielded, and in exchange for the southern half of \
             Sakhalin the Japanese dropped their claims for reparations. "
        );
        assert_eq!(
            cleaned(line(SEED, 26)),
            "The Treaty of Portsmouth was signed on September 5. The treaty was ratified by the Japanese \
             Privy Council on October 10, and in Russia on October 14, 1905."
        );
        assert!(cleaned(line(SEED, 29)).contains(
            "but it was not well received by the Japanese public. Aware of Japan's unbroken string"
        ));
    }

    #[test]
    fn other_shapes_fixture_has_its_citations() {
        let found: Vec<(usize, Citation)> = found_in(OTHER).iter().map(|(n, c)| (*n, unplaced(c))).collect();
        let expected = vec![
            (
                6,
                Citation {
                    author: s("Harlow"),
                    title: s("Naval Limitation Between the Wars"),
                    pages: s("12–15"),
                    ..parts(Shape::AuthorTitlePages, "Harlow, Naval Limitation Between the Wars, pp. 12–15.")
                },
            ),
            (
                9,
                Citation {
                    author: s("Ostrander, M. K."),
                    title: s("Hughes at the Table"),
                    pages: s("7"),
                    ..parts(Shape::AuthorTitlePages, "Ostrander, M. K., Hughes at the Table, p. 7.")
                },
            ),
            (
                12,
                Citation {
                    title: s("Hughes Proposes Ten-Year Naval Holiday"),
                    container: s("The Times"),
                    date: s("14 November 1921"),
                    year: Some(1921),
                    ..parts(
                        Shape::Newspaper,
                        "\"Hughes Proposes Ten-Year Naval Holiday\", The Times. 14 November 1921.",
                    )
                },
            ),
            (
                16,
                Citation {
                    author: s("Kitamura, T."),
                    title: s("Ratios and Rivalries in the Pacific"),
                    container: s("Review of Naval History"),
                    volume: s("3"),
                    issue: s("2"),
                    pages: s("45-67"),
                    ..parts(
                        Shape::AuthorTitleJournal,
                        "Kitamura, T.: \"Ratios and Rivalries in the Pacific\", Review of Naval History, vol. 3, no. 2, pp. 45-67.",
                    )
                },
            ),
            (
                18,
                Citation {
                    title: s("Telegram from Hughes to Harding on the Pacific settlement"),
                    container: s("Library of Congress"),
                    ..parts(
                        Shape::Archival,
                        "Telegram from Hughes to Harding on the Pacific settlement (from the Library of Congress)",
                    )
                },
            ),
            (
                23,
                Citation {
                    author: s("Harlow"),
                    year: Some(1984),
                    pages: s("112"),
                    ..parts(Shape::AuthorYearPage, "(Harlow 1984, p. 112)")
                },
            ),
            (
                23,
                Citation {
                    author: s("Delacroix-Ames"),
                    title: s("Ships, Treaties, and Tonnage: Essays"),
                    pages: s("300"),
                    ..parts(
                        Shape::AuthorTitlePages,
                        "Delacroix-Ames, Ships, Treaties, and Tonnage: Essays, p. 300.",
                    )
                },
            ),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn other_shapes_prose_reads_on_and_decoys_stay() {
        assert!(cleaned(line(OTHER, 6)).contains("for a decade. It is often described"));
        assert!(cleaned(line(OTHER, 9)).contains("in the summer of 1921. Britain, Japan, France"));
        assert!(
            cleaned(line(OTHER, 12))
                .contains("scrap dozens of capital ships, built or planned, and that no new")
        );
        assert!(cleaned(line(OTHER, 16)).contains("1.75:1.75. The Japanese delegation"));
        assert_eq!(
            cleaned(line(OTHER, 18)),
            "The Four-Power Treaty of December 13, 1921, replaced the Anglo-Japanese Alliance, and the \
             Nine-Power Treaty affirmed the Open Door policy in China."
        );
        let legacy = cleaned(line(OTHER, 23));
        assert!(legacy.contains("helped or hurt Britain, since its shipyards"));
        assert!(legacy.ends_with("a success of diplomacy over armament. "));
        // Every other line, decoys included, is untouched.
        let cited = [6, 9, 12, 16, 18, 23];
        for (i, l) in OTHER.lines().enumerate().filter(|(i, _)| !cited.contains(&(i + 1))) {
            assert_eq!(find(l), vec![], "line {}: {l}", i + 1);
        }
    }

    #[test]
    fn make_corpus_shapes_are_found() {
        // `render` appends " Sur, Title, p. N." to about 12% of body paragraphs.
        let cases = [
            ("Kroah-Hartman", "Linux Kernel Development: A History", "Drivers sleep."),
            ("The Washington Post", "Text of Genesis; Signed and Sealed", "It was done:"),
            ("LWN.net", "Memory, Locking, and Scheduling: Essays", "See the manual page (above)."),
            ("McKusick", "The Design of the UNIX Operating System", "\"Quoted.\""),
        ];
        for (author, title, before) in cases {
            let paragraph = format!("{before} {author}, {title}, p. 42.");
            let c = one(&paragraph);
            assert_eq!((c.author.as_deref(), c.title.as_deref()), (Some(author), Some(title)), "{paragraph}");
            assert_eq!(cleaned(&paragraph), before);
        }
        let c = one("Так работает ls. Иванов. ls. Теория и практика, с. 12.");
        assert_eq!(c.author.as_deref(), Some("Иванов"));
        assert_eq!(c.title.as_deref(), Some("ls. Теория и практика"));
        assert_eq!(c.pages.as_deref(), Some("12"));
        let c = one("コマンドを実行する（山田 2001, 12頁）");
        assert_eq!(
            (c.shape, c.author.as_deref(), c.year, c.pages.as_deref()),
            (Shape::AuthorYearPage, Some("山田"), Some(2001), Some("12"))
        );
        assert_eq!(cleaned("コマンドを実行する（山田 2001, 12頁）"), "コマンドを実行する");
    }

    #[test]
    fn ordinary_sentences_are_not_citations() {
        let decoys = [
            "Japan-Russia Treaty of Peace, or \"Treaty of Portsmouth\", September 5, 1905. Diplomatic Archives of the Ministry of Foreign Affairs of Japan.",
            "The Forum is intended to focus modern scholarship in the \"spirit of the Portsmouth Peace Treaty\".",
            "He said \"no\", and she said \"yes\", London. 1921.",
            "In Paris, France, p. 5 was torn out.",
            "The original map (from the National Archives of Japan) shows the new border.",
            "See the figure (from the museum) below.",
            "The value (2001, p. 5) is wrong, and (Smith and Jones 2001, p. 5) too.",
            "However, Japan, p. 5.",
            "Kowner, Historical Dictionary of the Russo-Japanese War, p. 300.",
            "* Kowner, Historical Dictionary, p. 300.",
            "",
            "   ",
        ];
        for d in decoys {
            assert_eq!(find(d), vec![], "{d}");
        }
    }

    #[test]
    fn an_archival_sentence_takes_its_full_stop() {
        let p = "It was sent in 1921. Telegram from Hughes to Harding (from the Library of Congress). It arrived.";
        let c = one(p);
        assert_eq!(c.raw, "Telegram from Hughes to Harding (from the Library of Congress).");
        assert_eq!(c.title.as_deref(), Some("Telegram from Hughes to Harding"));
        assert_eq!(cleaned(p), "It was sent in 1921. It arrived.");
    }

    #[test]
    fn neighbouring_citations_take_distinct_spaces() {
        let p = "Prose here. Kowner, Title, p. 3. Jukes, Other Title, p. 4.";
        let found = find(p);
        assert_eq!(found.len(), 2);
        assert!(found[0].end <= found[1].start);
        // The space before the last one went with the first one.
        assert_eq!(cleaned(p), "Prose here. ");
    }

    fn check_invariants(text: &str) {
        let found = find(text);
        let mut last = 0;
        for c in &found {
            assert!(last <= c.start && c.start < c.end && c.end <= text.len(), "{found:?}");
            assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
            assert!(text[c.start..c.end].contains(c.raw.as_str()));
            assert_eq!(c.raw.trim(), c.raw);
            last = c.end;
        }
    }

    const PIECES: &[&str] = &[
        "Kowner",
        "White",
        ", ",
        ". ",
        ": ",
        "p. ",
        "pp. ",
        "с. ",
        "12",
        "300-304",
        "1905",
        "J. ",
        "A.",
        "\"",
        "“",
        "”",
        "«",
        "»",
        "(",
        ")",
        "（",
        "）",
        "頁",
        "(from the ",
        "Library ",
        "Archives",
        "New York Times",
        "vol. ",
        "no. ",
        "October ",
        "17",
        " ",
        "\u{3000}",
        "\u{a0}",
        "é",
        "日本",
        "and ",
        "Title",
        "–",
        "\n",
        ",",
        ".",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn never_panics_and_ranges_are_sound(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60)) {
            check_invariants(&format!("Some prose. {}", pieces.concat()));
            check_invariants(&pieces.concat());
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            check_invariants(&text);
        }
    }

    #[test]
    fn large_paragraphs_take_linear_time() {
        let chunk = "Prose, \"a\", B. C, p. 1. “x” (from the Library ( (A 2001, p. 1 \u{3000}Kowner, ";
        let adversarial = chunk.repeat(1 << 14);
        check_invariants(&adversarial);
        let long_word = format!("Start. {}, p. 5. ", "x".repeat(1 << 20));
        assert_eq!(find(&long_word), vec![]);
        let cited = "Prose goes on. Kowner, Title, p. 5. ".repeat(1 << 14);
        assert_eq!(find(&cited).len(), 1 << 14);
    }
}
