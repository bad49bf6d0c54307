//! Bibliography entries: one line of a References/Bibliography list → a [`Reference`].
//!
//! [`parse`] reads one bullet line (without its `* ` marker) with small hand-written
//! scanners, no regular expressions. Shapes it understands:
//!
//! ```text
//! Davis, Richard Harding, and Alfred Thayer Mahan. (1905). Title … correspondents New York: P. F. Collier & Son. OCLC: 21581015
//! De Martens, F, (1905). "The Portsmouth Peace Conference", The North American Review, 181 (558).
//! Harcave, Sidney. (2004) Title: A Biography. Armonk, New York: M.E. Sharpe. 10-ISBN 0-7656-1422-7; 13-ISBN 978-0-7656-1422-3 (cloth)
//! ______________. (1990). The Memoirs of Count Witte (translator, Sidney Harcave). Armonk, New York: M.E. Sharpe.
//! Geoffrey Jukes, (2002) The Russo-Japanese War 1904-1905. Oxford: Osprey Publishing.
//! Matsumura, Masayoshi (1987). Title. Shinyudo. ISBN 4-88033-010-8, translated by Ian Ruxton as … (2009) ISBN …
//! Randall, Peter. (1985, 2002) There Are No Victors Here … of Portsmouth Portsmouth Marine Society.
//! White, J. A.(1969): "Portsmouth 1905: Peace or Truce?", Journal of Peace Research, 6(4).
//! Brown, M. K.. (1999). "Title", Journal of X, 12(3):45-300. doi:10.1234/journal.1999.42
//! "Headline", New York Times. October 17, 1905.
//! Smith, John (1990). "Chapter". In Jane Doe, ed. Book Title. Oxford: Oxford University Press. pp. 12-345.
//! 山田太郎 (2003). 『書名入門』. 岩波書店. ISBN 978-4-…
//! 山田太郎 (2003). 「論文名」. 『情報処理』 12(3): 45–300.
//! Richard Brown (2003). 『書名』(佐藤花子訳). 岩波書店.
//! Иванов, А. Б. (2004). Введение в …. М.: Наука. ISBN 978-5-…
//! Иванов, А. Б. (2004). «…: обзор». Открытые системы, 12(3): 45–300.
//! ```
//!
//! The steps, in order:
//!
//! 1. **Head**: the authors are what precedes the first parenthesized year group
//!    (`(1905)`, `(1985, 2002)`, `（2003）`); without one, a bare `1999.` sentence or an
//!    inverted name (`Smith, John.`) is tried. A run of `_`, `-` or `—` is a ditto.
//! 2. **Identifiers** (`ISBN`, `10-ISBN`, `ISBN-13:`, bare hyphenated ISBNs, `OCLC`, DOIs,
//!    URLs) are taken out; everything after the first one is a trailer, not description.
//! 3. **Roles**: `(translator, Name)`, `(Name, ed.)`, `(佐藤花子訳)`, `translated by Name [as …]`.
//! 4. **Description**: a quoted title (`"…"`, `“…”`, `«…»`, `「…」`, `『…』`) or the first
//!    sentence is the title; the sentences after it are classified as `Place: Publisher`,
//!    `Container, Vol(Issue):Pages`, `In Editor, ed. Book`, `pp. 1-2`, a date, or a bare
//!    publisher. Without them, a run-on `… correspondents New York: Collier` or
//!    `… of Portsmouth Portsmouth Marine Society` ending is split off the title.
//!
//! Every step works on `char` boundaries and scans a bounded prefix of the input
//! ([`MAX_SCAN`] bytes), so no input can panic or take long.
//!
//! Each step is a module: `head`, `identifiers`, `roles` and `description` (helped by
//! `volume` and `publisher`); `names`, `sentences` and `text` serve them all.

pub mod date;
mod description;
mod fields;
mod head;
mod identifiers;
pub mod labeller;
mod names;
mod publisher;
mod roles;
mod sentences;
mod template;
mod text;
mod volume;

pub(crate) use head::{year_of, year_suffix};
pub use identifiers::{identifier_digits, normalize_isbn};
pub use template::from_fields;
pub(crate) use text::{collapse, prefix};

use description::describe;
use head::{is_ditto, split_head};
use identifiers::extract_identifiers;
use names::parse_names;
use roles::extract_roles;
use serde::{Deserialize, Serialize};
use text::is_marker;

/// A person's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Name {
    pub family: String,
    /// Given names or initials as written ("Geoffrey", "J. A."); empty when unknown.
    pub given: String,
}

/// A contributor other than an author (`translator, Sidney Harcave`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// `translator`, `editor`, …
    pub role: String,
    pub name: Name,
}

/// An ISBN as written, and its validated 13-digit form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isbn {
    /// As written in the entry (`0-7656-1422-7`).
    pub raw: String,
    /// 13 digits, no hyphens; `None` when the check digit is wrong or the length is not 10/13.
    pub isbn13: Option<String>,
}

/// One parsed bibliography entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub authors: Vec<Name>,
    /// Set when the authors were taken from the entry above (a `______.` or `---.` ditto).
    pub ditto: bool,
    /// The publication year (the first one given).
    pub year: Option<u32>,
    /// Every year given, e.g. `(1985, 2002)`.
    pub years: Vec<u32>,
    /// The letter after the year (`(1994b)`) that tells one author's works of a year apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_suffix: Option<String>,
    /// The month of the date next to the year (1–12): `(2005, September 5)`, `January 1969`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// The day of that date (1–31).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
    pub title: Option<String>,
    /// Journal, review or newspaper.
    pub container: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub place: Option<String>,
    /// The edition as written, without `ed.` (`2nd`, `Revised`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// The series a book appeared in (`Studies in Stemmatology`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    pub isbns: Vec<Isbn>,
    pub oclc: Option<String>,
    /// An ISSN as `NNNN-NNNX` (its check digit verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issn: Option<String>,
    /// A DOI without its `doi:` label (`10.1234/x`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// The first URL given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub roles: Vec<Role>,
    /// The entry as written, without its bullet.
    pub raw: String,
}

/// What kind of work an entry describes, as far as its parts tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Genre {
    /// In a journal, review or newspaper.
    Article,
    /// A chapter in an edited book: a container with a publisher or editors.
    Chapter,
    /// In a newspaper or magazine: a container, a date with its month, no volume or pages.
    Newspaper,
    /// A thesis or dissertation (the entry says so).
    Thesis,
    /// Known only by its URL.
    WebPage,
    /// A record kept in an archive or a manuscript collection (`National Archives, FO 46/601`,
    /// `GARF, f. 568, op. 1, d. 204`), unpublished.
    Archival,
    /// Published on its own (a publisher or an ISBN).
    Book,
    Other,
}

impl Genre {
    /// The name `cite --json` gives it (`article`, `chapter`, `newspaper`, `thesis`, `web-page`,
    /// `archival`, `book`, `other`).
    pub fn name(self) -> &'static str {
        match self {
            Genre::Article => "article",
            Genre::Chapter => "chapter",
            Genre::Newspaper => "newspaper",
            Genre::Thesis => "thesis",
            Genre::WebPage => "web-page",
            Genre::Archival => "archival",
            Genre::Book => "book",
            Genre::Other => "other",
        }
    }
}

impl Reference {
    /// The kind of work: a thesis when the entry says so; an archival record when it names an
    /// archive, a manuscript or a box/folder/fond and nothing published (no ISBN, DOI or
    /// volume); with a container, a chapter (a publisher or editors too), a newspaper article
    /// (a month, no volume or pages) or an article; else a book (a publisher or an ISBN) or a
    /// web page (a URL).
    pub fn genre(&self) -> Genre {
        let edited = self.roles.iter().any(|r| r.role == "editor");
        let low = self.raw.to_lowercase();
        let words: Vec<&str> = low.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let thesis = ["thesis", "dissertation", "thèse", "dissertação", "tesis", "diss"]
            .iter()
            .any(|t| words.contains(t));
        let published = !self.isbns.is_empty() || self.doi.is_some();
        if thesis && self.container.is_none() {
            Genre::Thesis
        } else if !published && archival(&words).is_some_and(|strong| strong || self.volume.is_none()) {
            Genre::Archival
        } else if self.container.is_some() && (self.publisher.is_some() || edited) {
            Genre::Chapter
        } else if self.container.is_some()
            && self.volume.is_none()
            && self.pages.is_none()
            && self.month.is_some()
        {
            Genre::Newspaper
        } else if self.container.is_some() {
            Genre::Article
        } else if self.publisher.is_some() || !self.isbns.is_empty() {
            Genre::Book
        } else if self.url.is_some() {
            Genre::WebPage
        } else {
            Genre::Other
        }
    }

    /// The date as far as it is known: `[year]`, `[year, month]` or `[year, month, day]`.
    pub fn date_parts(&self) -> Option<Vec<u32>> {
        let mut parts = vec![self.year?];
        if let Some(m) = self.month {
            parts.push(m.into());
            parts.extend(self.day.map(u32::from));
        }
        Some(parts)
    }

    /// `2005-09-05` or `1969-01` when a month is known (ISO 8601, as biblatex's `date`).
    pub fn iso_date(&self) -> Option<String> {
        let parts = self.date_parts().filter(|p| p.len() > 1)?;
        let tail: Vec<String> = parts[1..].iter().map(|p| format!("{p:02}")).collect();
        Some(format!("{}-{}", parts[0], tail.join("-")))
    }

    /// The people given `role` (`editor`, `translator`), in order.
    pub fn with_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Name> + 'a {
        self.roles.iter().filter(move |r| r.role.eq_ignore_ascii_case(role)).map(|r| &r.name)
    }

    /// Valid ISBNs in 13-digit form, each once (an entry often gives the ISBN-10 and the
    /// ISBN-13 of one book).
    pub fn isbn13(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in self.isbns.iter().filter_map(|i| i.isbn13.clone()) {
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

/// Whether an entry's words (lowercase) name an archive or a manuscript record: `Some(true)`
/// for a record's address (`box 3`, `folder 12`, `MS 42`, a Russian `f. 568, op. 1`),
/// `Some(false)` for a name alone (`archives`, `archiv`, `архив`, `record office`,
/// `manuscript`), which a journal may carry too.
fn archival(words: &[&str]) -> Option<bool> {
    const NAMES: &[&str] = &[
        "archive",
        "archives",
        "archiv",
        "archivio",
        "archivo",
        "arquivo",
        "manuscript",
        "manuscripts",
        "nachlass",
        "fonds",
    ];
    let number = |i: usize| words.get(i).is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
    let address = (0..words.len()).any(|i| {
        (matches!(words[i], "box" | "folder" | "ms" | "mss" | "carton") && number(i + 1))
            || (matches!(words[i], "f" | "ф")
                && number(i + 1)
                && matches!(words.get(i + 2).copied(), Some("op" | "оп")))
    });
    let named = words.iter().enumerate().any(|(i, w)| {
        NAMES.contains(w) || w.starts_with("архив") || (*w == "record" && words.get(i + 1) == Some(&"office"))
    });
    (address || named).then_some(address)
}

/// Only this many bytes of an entry are analysed (`raw` keeps all of it).
pub const MAX_SCAN: usize = 8 * 1024;

/// Stands where a removed span separated two sentences.
const BREAK: char = '\u{E000}';
/// Stands where an identifier (ISBN, OCLC, DOI, URL) was taken out.
const IDENT: char = '\u{E001}';

/// Parses one entry. `previous` is the entry above it, whose authors a ditto line takes.
///
/// The rules below read the head (authors, year), identifiers and roles; the labeller
/// ([`labeller`]) then reads the fields of entries in scripts written with spaces.
pub fn parse(raw: &str, previous: Option<&Reference>) -> Reference {
    let (mut r, text, zone) = by_rules(raw, previous);
    r.year_suffix = r.year.and_then(|y| year_suffix_in(&text, y));
    if let Some(d) = r.year.and_then(|y| date::month_day(&text, y)) {
        (r.month, r.day) = (Some(d.month), d.day);
    }
    if !text.chars().any(text::is_cjk)
        && let Some(l) = fields::label(&text, zone, !r.authors.is_empty() && !r.ditto)
    {
        apply_labelled(l, &mut r);
    }
    r
}

/// The letter written right after the year `y` (`1994b`, `(2010a)`), if any.
fn year_suffix_in(text: &str, y: u32) -> Option<String> {
    let year = y.to_string();
    text.match_indices(&year).find_map(|(i, _)| {
        let alone = text[..i].chars().next_back().is_none_or(|b| !b.is_alphanumeric());
        alone.then(|| year_suffix(text, i + year.len()).1).flatten()
    })
}

/// The entry as the rules alone read it.
#[cfg(test)]
pub(crate) fn parse_rules(raw: &str, previous: Option<&Reference>) -> Reference {
    by_rules(raw, previous).0
}

/// The rules' reading of an entry, the text they read (a bounded prefix, markers blanked) and
/// the byte range of its authors in that text.
fn by_rules(raw: &str, previous: Option<&Reference>) -> (Reference, String, Option<(usize, usize)>) {
    let raw = raw.trim();
    let mut r = Reference { raw: raw.to_string(), ..Reference::default() };
    let text: String = prefix(raw, MAX_SCAN).chars().map(|c| if is_marker(c) { ' ' } else { c }).collect();
    let head = split_head(&text);
    let zone = head.author_range(&text);
    if let Some(zone) = head.authors {
        if is_ditto(zone) {
            r.ditto = true;
            r.authors = previous.map(|p| p.authors.clone()).unwrap_or_default();
        } else {
            r.authors = parse_names(zone);
        }
    }
    r.years = head.years;
    if r.years.is_empty() {
        r.years.extend(imprint_year(&text));
    }
    r.year = r.years.first().copied();
    let body = extract_identifiers(head.body, &mut r);
    let body = extract_roles(&body, &mut r.roles);
    let descriptive = body.split(IDENT).next().unwrap_or_default();
    describe(descriptive, &mut r);
    if r.pages.is_none() {
        r.pages = page_range(descriptive);
    }
    (r, text, zone)
}

/// The labeller's fields over the rules' (measured on the refs-dev set, fields micro F1:
/// rules 0.758, labeller alone 0.826, this mix 0.858): the authors stay the rules' unless
/// they found none (their head splitter is also one of the labeller's features), and so does
/// a title they read between quotation marks; a year the labeller found replaces theirs;
/// every other field is the labeller's.
fn apply_labelled(l: fields::Labelled, r: &mut Reference) {
    let roles = l.roles();
    if r.authors.is_empty() && !r.ditto {
        r.authors = l.authors;
    }
    if !l.years.is_empty() {
        r.years = l.years;
        r.year = r.years.first().copied();
    }
    if !roles.is_empty() {
        r.roles.retain(|x| x.role != "editor" && x.role != "translator");
        r.roles.extend(roles);
    }
    // A title the rules read between quotation marks is exact.
    let quoted = r.title.as_deref().is_some_and(|t| quoted_in(&r.raw, t));
    if !quoted {
        r.title = l.title;
    }
    r.container = l.container;
    r.publisher = l.publisher;
    r.place = l.place;
    r.volume = l.volume;
    r.issue = l.issue;
    r.pages = l.pages;
    r.edition = l.edition;
    r.series = l.series;
}

/// Quotation marks a title stands between: opening, closing.
const QUOTES: [(char, char); 4] = [('"', '"'), ('“', '”'), ('«', '»'), ('„', '“')];

/// Whether `raw` holds `title` between quotation marks (`"…"`, `“…”`, `«…»`, `„…“`), the
/// closing one maybe after a comma. Read after each opening mark, without building the
/// eight quoted strings to look for, or a substring searcher for the title (they were 3%
/// and 2% of parsing a varied bibliography).
fn quoted_in(raw: &str, title: &str) -> bool {
    raw.char_indices().any(|(i, c)| {
        QUOTES.iter().any(|&(open, close)| {
            c == open
                && raw[i + open.len_utf8()..].strip_prefix(title).is_some_and(|rest| {
                    rest.starts_with(close) || rest.strip_prefix(',').is_some_and(|r| r.starts_with(close))
                })
        })
    })
}

/// Pages the description did not label (`…, 359-366, 1969.`, `17 (1958): 124-55`): the last
/// range of numbers in the entry with its identifiers taken out, unless both ends look like
/// years (`1904-1905`, a span a title gives) and no `p.`/`pp.` stands before it.
fn page_range(text: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let number_at = |k: usize| -> Option<usize> {
        let mut e = k;
        while e < chars.len() && chars[e].1.is_ascii_digit() {
            e += 1;
        }
        (e > k && (k == 0 || !chars[k - 1].1.is_alphanumeric())).then_some(e)
    };
    let byte = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let mut found = None;
    let mut i = 0;
    while i < chars.len() {
        let Some(end) = number_at(i) else {
            i += 1;
            continue;
        };
        let mut k = end;
        while k < chars.len() && chars[k].1 == ' ' {
            k += 1;
        }
        if k < chars.len() && matches!(chars[k].1, '-' | '–' | '—') {
            let mut m = k + 1;
            while m < chars.len() && chars[m].1 == ' ' {
                m += 1;
            }
            if let Some(end2) =
                number_at(m).filter(|&e| chars.get(e).is_none_or(|&(_, c)| !c.is_alphanumeric()))
            {
                let (a, b) = (&text[byte(i)..byte(end)], &text[byte(m)..byte(end2)]);
                let year = |s: &str| head::year_of(s).is_some_and(|y| (1400..2100).contains(&y));
                let before = text[..byte(i)].trim_end().to_lowercase();
                let labelled = before.ends_with("p.") || before.ends_with("pp.") || before.ends_with("pp");
                if a.len() <= 6 && b.len() <= 6 && (labelled || !(year(a) && (year(b) || b.len() == 2))) {
                    found = Some(format!("{a}-{b}"));
                }
                i = end2;
                continue;
            }
        }
        i = end;
    }
    found
}

/// The year of an entry whose head gives none (`… Durham: Duke University Press, 1988.`,
/// `… 6, no. 4 (January 1969): 359–366`, `TRANI E., 1969, …`): the last four-digit number
/// from 1400 to 2099 standing alone (a letter may follow it, as in `1988a`), outside
/// quotation marks and spans of years (`1904-1905`), where titles hold years of their own.
fn imprint_year(text: &str) -> Option<u32> {
    let mut found = None;
    let mut quoted = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if matches!(c, '"' | '“' | '”' | '«' | '»' | '「' | '」' | '『' | '』') {
            let closing = matches!(c, '”' | '»' | '」' | '』') || (c == '"' && quoted);
            quoted = !closing;
            i += 1;
            continue;
        }
        let starts = c.is_ascii_digit() && (i == 0 || !chars[i - 1].1.is_alphanumeric());
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j].1.is_ascii_digit() {
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |&(e, _)| e);
        let after = chars.get(j).map(|&(_, c)| c);
        let alone = match after {
            None => true,
            Some(a) if a.is_ascii_lowercase() => chars.get(j + 1).is_none_or(|&(_, c)| !c.is_alphanumeric()),
            Some(a) => !a.is_alphanumeric(),
        };
        // `1904-1905`, `1904–05`: a span of years, as titles give them, not a date.
        let dash = |c: char| matches!(c, '-' | '–' | '—' | '/');
        let digit_at = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_ascii_digit());
        let span = (i >= 2 && dash(chars[i - 1].1) && digit_at(i - 2))
            || (after.is_some_and(dash) && digit_at(j + 1));
        if !quoted
            && alone
            && !span
            && j - i == 4
            && let Some(y) = head::year_of(&text[at..end]).filter(|y| (1400..2100).contains(y))
        {
            found = Some(y);
        }
        i = j;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`quoted_in`] replaces: the eight quoted strings, looked for.
    fn quoted_by_format(raw: &str, t: &str) -> bool {
        QUOTES
            .iter()
            .any(|(a, b)| raw.contains(&format!("{a}{t}{b}")) || raw.contains(&format!("{a}{t},{b}")))
    }

    #[test]
    fn titles_between_quotation_marks() {
        let raw = "White, J. A. (1969). \"Peace or Truce?\", Journal of Peace Research.";
        assert!(quoted_in(raw, "Peace or Truce?"));
        assert!(quoted_in("«Mir,» 1905", "Mir"));
        assert!(quoted_in("a „Frieden“ b", "Frieden"));
        assert!(!quoted_in(raw, "Journal of Peace Research"));
        assert!(!quoted_in("“The Peace” of 1905", "Peace"));
        // The second place the title occurs is the quoted one.
        assert!(quoted_in("Peace, and “Peace”", "Peace"));
        assert!(quoted_in("\"\"", ""));
        assert!(!quoted_in("", "x"));
    }

    proptest! {
        #[test]
        fn quoted_in_finds_what_the_quoted_strings_find(
            raw in "[a\"“”«»„, ]{0,12}",
            title in "[a\"“, ]{0,3}",
        ) {
            prop_assert_eq!(quoted_in(&raw, &title), quoted_by_format(&raw, &title));
        }
    }

    #[test]
    fn editions() {
        let r = parse("Jukes, Geoffrey. The Russo-Japanese War. 2nd ed. Oxford: Osprey, 2002.", None);
        assert_eq!((r.edition.as_deref(), r.title.as_deref()), (Some("2nd"), Some("The Russo-Japanese War")));
        assert_eq!(r.publisher.as_deref(), Some("Osprey"));
    }

    #[test]
    fn genres() {
        let g = |line: &str| parse(line, None).genre();
        assert_eq!(g("\"Text of Treaty\", New York Times. October 17, 1905."), Genre::Newspaper);
        assert_eq!(
            g("White, J. A. (1969). \"Peace or Truce?\", Journal of Peace Research, 6(4): 359-366."),
            Genre::Article
        );
        assert_eq!(
            g("Doe, Jane. (1999). Ports of the North. PhD thesis, University of Oslo."),
            Genre::Thesis
        );
        assert_eq!(g("Jukes, Geoffrey (2002). The Russo-Japanese War. Oxford: Osprey."), Genre::Book);
        assert_eq!(g("Port Authority (2020). Annual figures. https://example.org/figures"), Genre::WebPage);
        assert_eq!(
            g("Witte, S. Iu. Letter to Lamsdorf, 20 August 1905. GARF, f. 568, op. 1, d. 204."),
            Genre::Archival
        );
        assert_eq!(
            g("Roosevelt, Theodore. Papers. Library of Congress, Manuscript Division, Box 12, Folder 3."),
            Genre::Archival
        );
        assert_eq!(
            g("Komura Jutaro. Telegram to Katsura. Diplomatic Archives of Japan, MT 2.2.1.3."),
            Genre::Archival
        );
        assert_eq!(
            g("Doe, J. (1990). Dreams. Archives of General Psychiatry 47(3): 12-19. doi:10.1001/x.1990"),
            Genre::Article,
            "a journal named Archives"
        );
        assert_eq!(
            g(
                "Smith, A. (2005). \"The Treaty\". In J. Steinberg (ed.), The War in Global Perspective. Leiden: Brill. pp. 139-58."
            ),
            Genre::Chapter
        );
    }

    #[test]
    fn full_dates() {
        let d = |line: &str| parse(line, None).iso_date();
        assert_eq!(d("Smith, J. (2005, September 5). Peace at last. The Times."), Some("2005-09-05".into()));
        assert_eq!(d("\"Text of Treaty\", New York Times. October 17, 1905."), Some("1905-10-17".into()));
        assert_eq!(
            d(
                "White, J. A. \"Portsmouth 1905.\" Journal of Peace Research 6, no. 4 (January 1969): 359–366."
            ),
            Some("1969-01".into())
        );
        assert_eq!(
            d("Esthus, R. A. Double Eagle and Rising Sun. Durham: Duke University Press, 1988."),
            None
        );
        let r = parse("Smith, J. (2005, September 5). Peace at last. The Times.", None);
        assert_eq!(r.date_parts(), Some(vec![2005, 9, 5]));
    }

    #[test]
    fn unlabelled_page_ranges() {
        let p = |s: &str| page_range(s);
        assert_eq!(p("\"Peace or Truce?,\" Journal of Peace Research, 359-366, 1969."), s("359-366"));
        assert_eq!(p("Russian Review 17 (1958): 124–55"), s("124-55"));
        assert_eq!(p("The Russo-Japanese War 1904-1905. Oxford: Osprey."), None, "years");
        assert_eq!(p("War of 1904–05. Boston."), None, "a short span of years");
        assert_eq!(p("Annals, pp. 1901-1910."), s("1901-1910"), "labelled pages");
        assert_eq!(p("Vol. 3, 10-20 and 45 - 50."), s("45-50"), "the last range");
        assert_eq!(p("Room 12-B, 1999."), None);
    }

    #[test]
    fn imprint_years() {
        let y = |s: &str| imprint_year(s);
        assert_eq!(y("Double Eagle and Rising Sun. Durham: Duke University Press, 1988."), Some(1988));
        assert_eq!(y("Journal of Peace Research 6, no. 4 (January 1969): 359–366"), Some(1969));
        assert_eq!(
            y("\"Portsmouth 1905: Peace or Truce?,\" Journal of Peace Research, 359-366, 1969."),
            Some(1969)
        );
        assert_eq!(y("\"Portsmouth 1905\", Journal of Peace Research, 359-366."), None, "a year in a title");
        assert_eq!(y("The Treaty, Lexington, 1988a."), Some(1988));
        assert_eq!(y("pp. 1234-1240, 12345, 3000, 1066."), None);
        assert_eq!(y("Title. London, 1890; repr. 1975."), Some(1975));
        assert_eq!(y("The Russo-Japanese War 1904-1905. Oxford: Osprey."), None, "a span in a title");
        assert_eq!(y("The War of 1812–15. Boston, 1901."), Some(1901));
    }

    pub(super) fn name(family: &str, given: &str) -> Name {
        Name { family: family.to_string(), given: given.to_string() }
    }

    pub(super) fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    /// The bullet lines of the `==References==` section of a wiki-style corpus file.
    fn reference_lines(text: &str) -> Vec<&str> {
        text.lines()
            .skip_while(|l| l.trim() != "==References==")
            .skip(1)
            .take_while(|l| !l.trim_start().starts_with("=="))
            .map(|l| l.trim().trim_start_matches('*').trim())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The seed's reference lines and the records the fixture expects for them.
    fn seed_fixture() -> (Vec<&'static str>, Vec<Reference>) {
        let lines = reference_lines(include_str!("../../../corpus/treaty-of-portsmouth.txt"));
        let expected: Vec<Reference> =
            serde_json::from_str(include_str!("../../../tests/fixtures/seed-references.json"))
                .expect("fixture parses");
        assert_eq!(lines.len(), expected.len());
        (lines, expected)
    }

    #[test]
    fn seed_references_by_the_rules_match_the_fixture() {
        let (lines, expected) = seed_fixture();
        let mut previous: Option<Reference> = None;
        for (line, want) in lines.iter().zip(&expected) {
            let got = parse_rules(line, previous.as_ref());
            assert_eq!(&got, want, "\n  line: {line}");
            previous = Some(got);
        }
    }

    /// The labeller on the seed: authors, years, titles and identifiers as the fixture has
    /// them, and at most two other fields off. Today two are: place and publisher of `… Koho
    /// gaiko no kenkyu. Shinyudo.` (a bare publisher read as a place). A better model should
    /// bring this bound down.
    #[test]
    fn seed_references_with_the_labeller() {
        let (lines, expected) = seed_fixture();
        let mut previous: Option<Reference> = None;
        let mut off = Vec::new();
        for (line, want) in lines.iter().zip(&expected) {
            let got = parse(line, previous.as_ref());
            assert_eq!(
                (&got.authors, got.year, &got.title, &got.isbns, &got.oclc),
                (&want.authors, want.year, &want.title, &want.isbns, &want.oclc),
                "\n  line: {line}"
            );
            for (field, g, w) in [
                ("container", &got.container, &want.container),
                ("publisher", &got.publisher, &want.publisher),
                ("place", &got.place, &want.place),
                ("volume", &got.volume, &want.volume),
                ("issue", &got.issue, &want.issue),
                ("pages", &got.pages, &want.pages),
            ] {
                if g != w {
                    off.push(format!("{field}: {g:?} for {w:?} in {line}"));
                }
            }
            previous = Some(got);
        }
        assert!(off.len() <= 2, "{off:#?}");
    }

    #[test]
    fn odd_inputs_never_panic() {
        let seeds = [
            "",
            " ",
            "*",
            ".",
            "...",
            "(",
            ")",
            "()",
            "(1905",
            "1905)",
            "(1905)",
            "\"",
            "\"\"",
            "『",
            "「」『』«»",
            "ISBN",
            "ISBN ",
            "ISBN -",
            "ISBN X",
            "10-ISBN",
            "OCLC",
            "OCLC:",
            "doi:",
            "doi: 10.",
            "https://",
            "translated by",
            "translated by Ian as",
            "(translator,)",
            "(訳)",
            "In ",
            "In , ed.",
            "pp.",
            ": :",
            "::::",
            "a: b: c: d",
            ", , ,",
            "and & and",
            "______________.",
            "—",
            "\u{E000}\u{E001}",
            "é. ü. ñ.",
            "山田太郎",
            "山",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 (2000). 🦀🦀🦀. 🦀: 🦀.",
            "Z̷̢a̵l̶g̴o̸ (1999). T̸i̷t̵l̶e. P: Q.",
            "\u{200B}\u{FEFF}(2000)\u{200B}.",
            "X, Y (1234, 5678, 9999). \"Q\", J, 1(2):3-4. ISBN 978-0-7656-1422-3 OCLC 1 doi:10.1/x",
        ];
        let seed_lines = reference_lines(include_str!("../../../corpus/treaty-of-portsmouth.txt"));
        let mut inputs: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
        for line in seeds.iter().chain(&seed_lines) {
            // every prefix and suffix on char boundaries
            for (i, _) in line.char_indices() {
                inputs.push(line[..i].to_string());
                inputs.push(line[i..].to_string());
            }
        }
        for unit in ["(", ".", "(1905) ", "ISBN 1", "a. ", "『", "山", "-", ":", "Ab, C. "] {
            inputs.push(unit.repeat(20_000));
        }
        inputs.push(format!("Doe, J. (2000). {}", "Long Title ".repeat(10_000)));
        let previous = parse(seed_lines[3], None);
        for input in &inputs {
            let r = parse(input, Some(&previous));
            assert_eq!(r.raw, input.trim());
            for isbn in &r.isbns {
                if let Some(n) = &isbn.isbn13 {
                    assert_eq!(n.len(), 13);
                }
            }
        }
    }
}
