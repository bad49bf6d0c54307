//! A [`Reference`] from named fields, as a citation template gives them: MediaWiki's
//! `{{cite book |last=Jukes |first=Geoffrey |title=… |year=2002 |isbn=…}}`,
//! `{{cite journal}}`, `{{cite news}}`, `{{cite web}}` and `{{citation}}` (the CS1 field
//! names). Nothing is guessed: each field says what it is. The reader hands over the values
//! as plain text (links and emphasis already rendered).

use super::head::year_of;
use super::identifiers::normalize_issn;
use super::{Isbn, Name, Reference, Role, date, normalize_isbn};

/// Up to how many numbered authors (`last1` … `last9`) and editors are read.
const MAX_PEOPLE: usize = 9;

/// The reference a citation template describes. `fields` are `(name, value)` pairs, names
/// lowercase; positional and empty values are left out by the caller.
pub fn from_fields(fields: &[(String, String)]) -> Reference {
    let get = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| fields.iter().find(|(k, v)| k == n && !v.is_empty()))
            .map(|(_, v)| v.clone())
    };
    let mut r =
        Reference { authors: people(fields, "", &["author", "authors", "vauthors"]), ..Reference::default() };
    for (role, prefix) in [("editor", "editor"), ("translator", "translator")] {
        for name in people(fields, prefix, &[prefix, &format!("{prefix}s")]) {
            r.roles.push(Role { role: role.to_string(), name });
        }
    }
    let container = get(&[
        "journal",
        "newspaper",
        "magazine",
        "periodical",
        "work",
        "website",
        "encyclopedia",
        "encyclopaedia",
        "dictionary",
    ]);
    match get(&["chapter", "contribution", "entry", "section"]) {
        // A chapter: its book is the container.
        Some(chapter) => {
            r.title = Some(chapter);
            r.container = get(&["title", "book-title"]).or(container);
        }
        None => {
            r.title = get(&["title", "script-title", "trans-title"]);
            r.container = container;
        }
    }
    let date = get(&["date", "year", "publication-date"]);
    for y in [date.as_deref(), get(&["orig-date", "orig-year", "origyear"]).as_deref()].into_iter().flatten()
    {
        for year in years_in(y) {
            if !r.years.contains(&year) {
                r.years.push(year);
            }
        }
    }
    r.year = r.years.first().copied();
    if let (Some(d), Some(y)) = (date.as_deref(), r.year) {
        r.year_suffix = super::year_suffix_in(d, y);
        if let Some(md) = date::month_day(d, y) {
            (r.month, r.day) = (Some(md.month), md.day);
        }
    }
    r.volume = get(&["volume"]);
    r.issue = get(&["issue", "number"]);
    r.pages = get(&["pages", "page", "pp", "p", "at"]);
    r.publisher = get(&["publisher", "agency", "institution"]);
    r.place = get(&["location", "place", "publication-place"]);
    r.edition =
        get(&["edition"]).map(|e| e.trim_end_matches(" ed.").trim_end_matches(" edition").to_string());
    r.series = get(&["series"]);
    for isbn in [get(&["isbn", "isbn13"]), get(&["isbn10"])].into_iter().flatten() {
        r.isbns.push(Isbn { isbn13: normalize_isbn(&isbn), raw: isbn });
    }
    r.oclc = get(&["oclc"]);
    r.issn = get(&["issn", "eissn"]).and_then(|i| normalize_issn(&i));
    r.doi = get(&["doi"]);
    r.url = get(&["url", "archive-url"]);
    r.raw = rendered(&r);
    r
}

/// The people a template names under `prefix` (`` for authors, `editor`, `translator`):
/// `last1`/`first1` pairs (also `surname`/`given`, `prefix-last`, `prefix1-last`), whole
/// names (`author2=`), or a list in one field (`authors=`, `vauthors=`).
fn people(fields: &[(String, String)], prefix: &str, lists: &[&str]) -> Vec<Name> {
    let mut found: Vec<(usize, Name)> = Vec::new();
    for (key, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        let Some((n, part)) = person_field(key, prefix) else { continue };
        if n == 0 || n > MAX_PEOPLE {
            continue;
        }
        let i = found.iter().position(|(m, _)| *m == n).unwrap_or_else(|| {
            found.push((n, Name::default()));
            found.len() - 1
        });
        let name = &mut found[i].1;
        match part {
            Part::Family => name.family = value.clone(),
            Part::Given => name.given = value.clone(),
            Part::Whole if name.family.is_empty() => *name = whole_name(value),
            Part::Whole => {}
        }
    }
    found.sort_by_key(|(n, _)| *n);
    let mut names: Vec<Name> = found.into_iter().map(|(_, n)| n).filter(|n| !n.family.is_empty()).collect();
    if names.is_empty()
        && let Some((key, list)) =
            fields.iter().find(|(k, v)| lists[1..].contains(&k.as_str()) && !v.is_empty())
    {
        // Vancouver style (`vauthors=Trani EP, Esthus RA`) writes the family name first.
        let vancouver = key == "vauthors";
        let split = |s: &str| match s.rsplit_once(' ') {
            Some((family, initials)) if vancouver && initials.chars().all(|c| c.is_uppercase()) => {
                Name { family: family.trim().to_string(), given: initials.to_string() }
            }
            _ => whole_name(s),
        };
        names = list.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).map(split).collect();
        names.truncate(MAX_PEOPLE);
    }
    names
}

#[derive(Clone, Copy)]
enum Part {
    Family,
    Given,
    Whole,
}

/// `last2` → (2, Family), `first` → (1, Given), `author3` → (3, Whole), `editor1-last` →
/// (1, Family) under `editor`.
fn person_field(key: &str, prefix: &str) -> Option<(usize, Part)> {
    let rest = key.strip_prefix(prefix)?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let digits_at = |s: &str| s.find(|c: char| c.is_ascii_digit());
    // The number may come after the word (`last2`) or after the prefix (`editor2-last`).
    let (number, word) = match rest.split_once('-') {
        Some((n, w)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => (n, w),
        _ => match digits_at(rest) {
            Some(i) => (&rest[i..], &rest[..i]),
            None => ("1", rest),
        },
    };
    let n: usize = if number.is_empty() { 1 } else { number.parse().ok()? };
    let part = match (prefix, word) {
        ("", "last" | "surname" | "author-last" | "author-surname") => Part::Family,
        ("", "first" | "given" | "author-first" | "author-given") => Part::Given,
        ("", "author") => Part::Whole,
        (_, "last" | "surname") => Part::Family,
        (_, "first" | "given") => Part::Given,
        (_, "") => Part::Whole,
        _ => return None,
    };
    Some((n, part))
}

/// `Jukes, Geoffrey` or `Geoffrey Jukes` → family `Jukes`, given `Geoffrey`; a single word
/// or an organization's name is all family.
fn whole_name(s: &str) -> Name {
    let s = s.trim();
    if let Some((family, given)) = s.split_once(',') {
        return Name { family: family.trim().to_string(), given: given.trim().to_string() };
    }
    match s.rsplit_once(' ') {
        Some((given, family)) if s.split_whitespace().count() <= 4 => {
            Name { family: family.to_string(), given: given.trim().to_string() }
        }
        _ => Name { family: s.to_string(), given: String::new() },
    }
}

/// The years written in a date field, in order (`5 September 1905`, `1985, 2002`, `1905a`).
fn years_in(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_lowercase());
        if let Some(y) = year_of(digits).filter(|y| !out.contains(y)) {
            out.push(y);
        }
    }
    out
}

/// The entry as a reader sees it in a list (the passage text): `Jukes, Geoffrey (2002). The
/// Russo-Japanese War 1904–1905. Oxford: Osprey. ISBN 1-84176-446-9.`
fn rendered(r: &Reference) -> String {
    let mut parts: Vec<String> = Vec::new();
    let names: Vec<String> = r
        .authors
        .iter()
        .map(|a| if a.given.is_empty() { a.family.clone() } else { format!("{}, {}", a.family, a.given) })
        .collect();
    // As CS1 renders it: the date follows the authors, or without authors the publisher.
    let mut head = names.join("; ");
    if !head.is_empty() && !r.years.is_empty() {
        head.push_str(&format!(" ({})", years_list(r)));
    }
    parts.extend((!head.is_empty()).then_some(head));
    let quoted = r.container.is_some() && r.title.is_some();
    if let Some(t) = &r.title {
        parts.push(if quoted { format!("\"{t}\"") } else { t.clone() });
    }
    if let Some(c) = &r.container {
        let mut s = if r.title.is_some() && r.publisher.is_some() { format!("In {c}") } else { c.clone() };
        if let Some(v) = &r.volume {
            s.push_str(&format!(", {v}"));
        }
        if let Some(i) = &r.issue {
            s.push_str(&format!("({i})"));
        }
        parts.push(s);
    }
    for role in &r.roles {
        parts.push(format!("{} {} {}", role.role, role.name.given, role.name.family).replace("  ", " "));
    }
    if let Some(e) = &r.edition {
        parts.push(format!("{e} ed"));
    }
    match (&r.place, &r.publisher) {
        (Some(pl), Some(pb)) => parts.push(format!("{pl}: {pb}")),
        (None, Some(pb)) => parts.push(pb.clone()),
        (Some(pl), None) => parts.push(pl.clone()),
        (None, None) => {}
    }
    if names.is_empty() && !r.years.is_empty() {
        parts.push(years_list(r));
    }
    if let Some(p) = &r.pages {
        parts.push(if p.contains(['-', '–', ',']) { format!("pp. {p}") } else { format!("p. {p}") });
    }
    parts.extend(r.isbns.iter().map(|i| format!("ISBN {}", i.raw)));
    parts.extend(r.oclc.iter().map(|o| format!("OCLC {o}")));
    parts.extend(r.doi.iter().map(|d| format!("doi:{d}")));
    if parts.is_empty()
        && let Some(u) = &r.url
    {
        parts.push(u.clone());
    }
    let mut out = String::new();
    for p in parts {
        out.push_str(p.trim_end_matches('.'));
        out.push_str(". ");
    }
    out.trim_end().to_string()
}

fn years_list(r: &Reference) -> String {
    let mut ys: Vec<String> = r.years.iter().map(u32::to_string).collect();
    if let (Some(first), Some(s)) = (ys.first_mut(), &r.year_suffix) {
        first.push_str(s);
    }
    ys.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_book_with_numbered_authors_and_an_isbn() {
        let r = from_fields(&fields(&[
            ("last1", "Jukes"),
            ("first1", "Geoffrey"),
            ("last2", "Kowner"),
            ("first2", "Rotem"),
            ("title", "The Russo-Japanese War 1904–1905"),
            ("publisher", "Osprey"),
            ("location", "Oxford"),
            ("year", "2002"),
            ("isbn", "978-1-84176-446-7"),
        ]));
        assert_eq!(
            r.authors,
            vec![
                Name { family: "Jukes".into(), given: "Geoffrey".into() },
                Name { family: "Kowner".into(), given: "Rotem".into() }
            ]
        );
        assert_eq!(r.year, Some(2002));
        assert_eq!(r.isbns[0].isbn13.as_deref(), Some("9781841764467"));
        assert_eq!(
            r.raw,
            "Jukes, Geoffrey; Kowner, Rotem (2002). The Russo-Japanese War 1904–1905. Oxford: Osprey. ISBN 978-1-84176-446-7."
        );
    }

    #[test]
    fn a_journal_article_with_a_date_and_editors() {
        let r = from_fields(&fields(&[
            ("author", "J. A. White"),
            ("title", "Portsmouth 1905: Peace or Truce?"),
            ("journal", "Journal of Peace Research"),
            ("volume", "6"),
            ("issue", "4"),
            ("pages", "359–366"),
            ("date", "December 1969"),
            ("editor-last", "Smith"),
            ("editor-first", "Ann"),
        ]));
        assert_eq!(r.authors, vec![Name { family: "White".into(), given: "J. A.".into() }]);
        assert_eq!(r.container.as_deref(), Some("Journal of Peace Research"));
        assert_eq!((r.year, r.month), (Some(1969), Some(12)));
        assert_eq!(r.roles[0].role, "editor");
        assert_eq!(r.roles[0].name.family, "Smith");
        assert!(r.raw.starts_with(
            "White, J. A. (1969). \"Portsmouth 1905: Peace or Truce?\". Journal of Peace Research, 6(4)."
        ));
    }

    #[test]
    fn a_chapter_has_its_book_as_container_and_lists_split() {
        let r = from_fields(&fields(&[
            ("chapter", "The Conference"),
            ("title", "Peace at Portsmouth"),
            ("vauthors", "Trani EP, Esthus RA"),
        ]));
        assert_eq!(r.title.as_deref(), Some("The Conference"));
        assert_eq!(r.container.as_deref(), Some("Peace at Portsmouth"));
        assert_eq!(r.authors.len(), 2);
        assert_eq!(r.authors[1], Name { family: "Esthus".into(), given: "RA".into() });
        assert!(from_fields(&[]).raw.is_empty());
    }

    #[test]
    fn without_authors_the_title_comes_first() {
        let r = from_fields(&fields(&[
            ("title", "Peace Envoys Arrive"),
            ("newspaper", "The New York Times"),
            ("date", "August 5, 1905"),
            ("page", "1"),
        ]));
        assert_eq!(r.raw, "\"Peace Envoys Arrive\". The New York Times. 1905. p. 1.");
        assert_eq!((r.year, r.month, r.day), (Some(1905), Some(8), Some(5)));
    }
}
