//! Step 4 of `parse`: the description, between the year group and the first identifier. A
//! quoted title (`"…"`, `“…”`, `«…»`, `「…」`, `『…』`) or the first sentence is the title; each
//! sentence after it is classified as `Place: Publisher`, `Container, Vol(Issue):Pages`,
//! `In Editor, ed. Book`, `pp. 1-2`, a date, or a bare publisher. Volumes are read by
//! `volume`, places and publishers (and a publisher run on into the title) by `publisher`.

use super::head::year_of;
use super::names::parse_names;
use super::publisher::{place_publisher, publisher_like, run_on_place, run_on_publisher};
use super::sentences::segments;
use super::text::{clean, collapse, is_hyphen, is_marker, is_opening_quote};
use super::volume::{Volume, split_volume};
use super::{Name, Reference, Role};

/// One sentence after the title, by what it looks like.
enum Part<'a> {
    PlacePublisher(&'a str, &'a str),
    Container(Volume<'a>),
    Chapter { editors: Vec<Name>, book: String, pages: Option<&'a str> },
    Pages(&'a str),
    Date(u32),
    Other(&'a str),
}

/// Title, container, publisher, place, pages from the text between the year and the first
/// identifier.
pub(super) fn describe(desc: &str, r: &mut Reference) {
    let desc = desc.trim_start_matches(|c: char| {
        c.is_whitespace() || is_marker(c) || matches!(c, '.' | ',' | ':' | ';')
    });
    if let Some((title, rest, book)) = quoted_title(desc) {
        r.title = clean(title.trim().trim_end_matches([',', '.', ':']));
        for (s, e) in segments(rest) {
            apply(classify(&rest[s..e]), !book, r);
        }
        return;
    }
    let segs = segments(desc);
    let Some(&(title_start, _)) = segs.first() else { return };
    let parts: Vec<Part> = segs.iter().skip(1).map(|&(s, e)| classify(&desc[s..e])).collect();
    // The title runs up to the first sentence recognisably something else (`Place: Publisher`,
    // `Journal, 6(4)`, …); without one, it is the first sentence and the others may hold a
    // bare publisher.
    let title_sentences = parts.iter().position(|p| !matches!(p, Part::Other(_))).map_or(1, |k| k + 1);
    let title_end = segs[title_sentences - 1].1;
    let mut title = collapse(desc[title_start..title_end].trim_start_matches(is_opening_quote));
    for part in parts.into_iter().skip(title_sentences - 1) {
        apply(part, false, r);
    }
    if r.publisher.is_none() && r.place.is_none() && r.container.is_none() {
        if let Some((at, place, publisher)) = run_on_place(&title) {
            r.place = clean(place);
            r.publisher = clean(publisher);
            title.truncate(at);
        } else if let Some(at) = run_on_publisher(&title) {
            r.publisher = clean(&title[at..]);
            title.truncate(at);
        }
    }
    r.title = clean(title.trim_end().trim_end_matches(':'));
}

/// Records one classified sentence. `article`: a bare name is a journal or newspaper.
fn apply(part: Part<'_>, article: bool, r: &mut Reference) {
    match part {
        Part::PlacePublisher(place, publisher) => {
            if r.publisher.is_none() {
                r.place = clean(place);
                r.publisher = clean(publisher);
            }
        }
        Part::Container(v) => {
            if r.container.is_none() {
                r.container = clean(v.container);
                r.volume = Some(v.volume.to_string());
                r.issue = v.issue.map(str::to_string);
                r.pages = r.pages.take().or(v.pages.map(str::to_string));
            }
        }
        Part::Chapter { editors, book, pages } => {
            r.roles.extend(editors.into_iter().map(|name| Role { role: "editor".to_string(), name }));
            if r.container.is_none() {
                r.container = clean(without_trailing_year(&book));
            }
            if r.pages.is_none() {
                r.pages = pages.map(str::to_string);
            }
        }
        Part::Pages(p) => {
            r.pages.get_or_insert_with(|| p.to_string());
        }
        Part::Date(y) => {
            if r.year.is_none() {
                r.year = Some(y);
                r.years = vec![y];
            }
        }
        Part::Other(s) => {
            if article && r.container.is_none() && r.publisher.is_none() {
                r.container = clean(without_trailing_year(s));
            } else if r.publisher.is_none() && r.container.is_none() && publisher_like(s) {
                r.publisher = clean(s);
            }
        }
    }
}

fn classify(seg: &str) -> Part<'_> {
    if let Some(p) = pages_of(seg) {
        return Part::Pages(p);
    }
    if let Some(y) = date_year(seg) {
        return Part::Date(y);
    }
    if let Some(chapter) = chapter_of(seg) {
        return chapter;
    }
    // `New York: Harper and Row, 1965`: an imprint with its year (Chicago, MLA), which would
    // otherwise read as a journal `New York: Harper and Row` of volume 1965.
    if let Some((place, publisher)) = imprint_with_year(seg).and_then(place_publisher) {
        return Part::PlacePublisher(place, publisher);
    }
    if let Some(v) = split_volume(seg) {
        return Part::Container(v);
    }
    if let Some((place, publisher)) = place_publisher(seg) {
        return Part::PlacePublisher(place, publisher);
    }
    Part::Other(seg)
}

/// `ICVGIP, 2008` → `ICVGIP`: a container without the year that closes it.
fn without_trailing_year(s: &str) -> &str {
    let t = s.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    match t.rsplit_once(',') {
        Some((head, year)) if year_of(year.trim()).is_some() && !head.trim().is_empty() => head.trim_end(),
        _ => s,
    }
}

/// `Place: Publisher, 1965` or `…, 1995, 1–7` → `Place: Publisher`: the text before trailing
/// comma-separated years and page ranges, when there is at least one year.
fn imprint_with_year(seg: &str) -> Option<&str> {
    let mut head = seg.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ';'));
    let mut year = false;
    while let Some((before, last)) = head.rsplit_once(',') {
        let last = last.trim();
        if year_of(last).is_some() {
            year = true;
        } else if !(last.contains(['-', '–'])
            && last.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '–')))
        {
            break;
        }
        head = before.trim_end();
    }
    year.then_some(head)
}

/// A leading quoted title: `(inside, after, is a book title 『…』)`.
fn quoted_title(s: &str) -> Option<(&str, &str, bool)> {
    let open = s.chars().next()?;
    let closers: &[char] = match open {
        '"' => &['"', '”'],
        '“' => &['”', '"'],
        '„' => &['“', '”'],
        '«' => &['»'],
        '「' => &['」'],
        '『' => &['』'],
        '‘' => &['’'],
        _ => return None,
    };
    let inner = &s[open.len_utf8()..];
    let end = inner.find(closers)?;
    let close_len = inner[end..].chars().next().map_or(1, char::len_utf8);
    let rest = inner[end + close_len..]
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ':' | ';'));
    Some((&inner[..end], rest, open == '『'))
}

/// `pp. 12-345`, `p. 7` → the pages.
fn pages_of(seg: &str) -> Option<&str> {
    let rest = ["pp.", "pp ", "p.", "pages "].iter().find_map(|p| seg.strip_prefix(p))?;
    let rest = rest.trim();
    is_page_range(rest).then_some(rest)
}

/// `12`, `45-300`, `45–300`, `3, 7-9`.
pub(super) fn is_page_range(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || is_hyphen(c) || c == ',' || c == ' ')
}

/// `October 17, 1905`, `17 October 1905`, `1905` → the year.
fn date_year(seg: &str) -> Option<u32> {
    let tokens: Vec<&str> =
        seg.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).collect();
    if tokens.is_empty() || tokens.len() > 4 {
        return None;
    }
    let (mut year, mut month) = (None, false);
    for t in &tokens {
        let t = t.trim_end_matches('.');
        if let Some(y) = year_of(t) {
            year = Some(y);
        } else if is_month(t) {
            month = true;
        } else if !(t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
    }
    if tokens.len() == 1 || month { year } else { None }
}

fn is_month(t: &str) -> bool {
    const MONTHS: &str = "january february march april may june july august september october november \
                          december jan feb mar apr jun jul aug sep sept oct nov dec";
    let t = t.to_lowercase();
    MONTHS.split_whitespace().any(|m| m == t)
}

/// `In Jane Doe, ed. Book Title` → the editors and the book.
fn chapter_of(seg: &str) -> Option<Part<'_>> {
    let rest = seg.strip_prefix("In ").or_else(|| seg.strip_prefix("In: "))?.trim();
    let low = rest.to_ascii_lowercase();
    const MARKERS: &[&str] =
        &[", eds.", ", ed.", " (eds.)", " (ed.)", " (eds)", " (ed)", ", editors", ", editor"];
    let (editors, book) = match MARKERS.iter().find_map(|m| low.find(m).map(|at| (at, m.len()))) {
        Some((at, len)) => (parse_names(&rest[..at]), &rest[at + len..]),
        None => (Vec::new(), rest),
    };
    let book = book.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ':'));
    // APA: `Book (pp. 12-34)`
    let (book, pages) = match book.strip_suffix(')').and_then(|b| b.rsplit_once('(')) {
        Some((b, inner)) if pages_of(inner).is_some() => (b, pages_of(inner)),
        _ => (book, None),
    };
    let book = collapse(book);
    (!book.is_empty()).then_some(Part::Chapter { editors, book, pages })
}

#[cfg(test)]
mod imprint_tests {
    use super::*;

    #[test]
    fn an_imprint_ending_in_its_year_is_place_and_publisher() {
        assert_eq!(imprint_with_year("New York: Harper and Row, 1965."), Some("New York: Harper and Row"));
        assert_eq!(
            imprint_with_year("Washington, D.C.: Counterpoint, 1995, 1–7"),
            Some("Washington, D.C.: Counterpoint")
        );
        assert_eq!(imprint_with_year("Journal of Peace Research, 6(4)"), None);
        assert_eq!(without_trailing_year("ICVGIP, 2008."), "ICVGIP");
        assert_eq!(without_trailing_year("Proceedings of the Congress"), "Proceedings of the Congress");
        assert!(matches!(
            classify("Austin: University of Texas Press, 1969"),
            Part::PlacePublisher("Austin", "University of Texas Press")
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::cite::bibliography::tests::{name, s};
    use crate::cite::bibliography::{Role, parse_rules as parse};

    #[test]
    fn chapters_in_edited_volumes() {
        let r = parse(
            "Moore, J. E. (1901). \"On the Treaty of Genesis\". In Sidney Bruce, ed. Understanding \
             Genesis. London: Routledge. pp. 88-366.",
            None,
        );
        assert_eq!(r.title, s("On the Treaty of Genesis"));
        assert_eq!(r.container, s("Understanding Genesis"));
        assert_eq!(r.roles, vec![Role { role: "editor".into(), name: name("Bruce", "Sidney") }]);
        assert_eq!((r.place, r.publisher, r.pages), (s("London"), s("Routledge"), s("88-366")));
        let r = parse(
            "Doe, Jane (2010). \"A chapter\". In J. Smith (Ed.), The Big Book (pp. 12-34). Oxford: Blackwell.",
            None,
        );
        assert_eq!((r.container, r.pages), (s("The Big Book"), s("12-34")));
        assert_eq!(r.roles, vec![Role { role: "editor".into(), name: name("Smith", "J.") }]);
    }
}
