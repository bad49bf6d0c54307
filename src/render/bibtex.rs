//! BibTeX output for parsed bibliography entries: citation keys ([`key`]), one entry
//! ([`entry`]) and a whole `.bib` file ([`write()`]).
//!
//! Entries are `@article` (there is a journal), `@book` (a publisher or an ISBN) or `@misc`.
//! Field values are escaped so that BibTeX reads them back as written: the specials
//! `& % $ # _` take a backslash, while `{ } \ ~ ^` become text commands, so braces in a value
//! are always balanced (BibTeX counts `\{` as a brace). Capitalized words in titles are
//! wrapped in braces so that styles do not lowercase them. The `translator` field is
//! biblatex's; plain BibTeX ignores it.

use crate::cite::bibliography::{Genre, Name, Reference};
use std::collections::HashSet;
use std::io::{self, Write};
use unicode_normalization::UnicodeNormalization;

/// Renders one entry, e.g. `@book{jukes2002, author = {Jukes, Geoffrey}, …}`, without a
/// trailing newline.
pub fn entry(key: &str, r: &Reference) -> String {
    let genre = r.genre();
    let body: Vec<String> =
        fields(r, genre).into_iter().map(|(name, value)| format!("  {name} = {{{value}}}")).collect();
    if body.is_empty() {
        return format!("@{}{{{key}}}", entry_type(genre));
    }
    format!("@{}{{{key},\n{}\n}}", entry_type(genre), body.join(",\n"))
}

/// Writes `items` as a `.bib` file: the entries in order, separated by blank lines.
pub fn write(w: &mut impl Write, items: &[(&str, &Reference)]) -> io::Result<()> {
    for (i, (key, r)) in items.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        writeln!(w, "{}", entry(key, r))?;
    }
    Ok(())
}

/// A citation key not yet in `used`, which it joins: the first author's family name folded to
/// lowercase ASCII, then the year or `nd` (`jukes2002`), then `a`, `b`, … if already taken.
pub fn key(r: &Reference, used: &mut HashSet<String>) -> String {
    let base = key_base(r);
    let key = (0..)
        .map(|n| match n {
            0 => base.clone(),
            n => format!("{base}{}", letters(n)),
        })
        .find(|k| !used.contains(k))
        .expect("the suffixes never run out");
    used.insert(key.clone());
    key
}

/// `jukes2002`: the folded stem and the year (or `nd`).
pub fn key_base(r: &Reference) -> String {
    let year = r.year.map_or_else(|| "nd".to_string(), |y| y.to_string());
    format!("{}{year}", key_stem(r))
}

/// What a work's citation key is made of: its base (`jukes2002`), its title folded, and the
/// letter its entry gives (`2010a`). [`keys_of`] needs only these, so a caller can gather
/// them for every work without keeping the works.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyParts {
    base: String,
    title: String,
    suffix: Option<String>,
}

impl KeyParts {
    /// The key's base (`jukes2002`): works of one base take letters among themselves.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn of(r: &Reference) -> KeyParts {
        KeyParts {
            base: key_base(r),
            title: r.title.as_deref().map(fold).unwrap_or_default(),
            suffix: r.year_suffix.clone(),
        }
    }
}

/// One key per work, the same whatever is exported with it: works sharing a base
/// (`jukes2002`) take the letters their entries give (`(2010a)`) when those tell them all
/// apart, else `a`, `b`, … in the order of their titles (then ids), so adding a work changes
/// no key but those of works with its own base. `works` are (id, reference); the
/// result maps ids to keys.
pub fn keys<'a>(
    works: impl IntoIterator<Item = (&'a str, &'a Reference)>,
) -> std::collections::HashMap<String, String> {
    keys_of(works.into_iter().map(|(id, r)| (id.to_string(), KeyParts::of(r))))
}

/// [`keys`] from each work's id and [`KeyParts`].
pub fn keys_of(
    works: impl IntoIterator<Item = (String, KeyParts)>,
) -> std::collections::HashMap<String, String> {
    // By base: (title, id, suffix), sorted below.
    type Group = Vec<(String, String, Option<String>)>;
    let mut by_base: std::collections::BTreeMap<String, Group> = Default::default();
    for (id, KeyParts { base, title, suffix }) in works {
        by_base.entry(base).or_default().push((title, id, suffix));
    }
    let mut out = std::collections::HashMap::new();
    for (base, mut group) in by_base {
        group.sort();
        // The letters the entries give (`2010a`, `2010b`) when they tell them all apart.
        let mut given: Vec<Option<&str>> = group.iter().map(|g| g.2.as_deref()).collect();
        given.sort();
        given.dedup();
        let own = given.len() == group.len() && given.iter().all(Option::is_some);
        let single = group.len() == 1;
        for (n, (_, id, suffix)) in group.into_iter().enumerate() {
            let key = match suffix {
                Some(letter) if own => format!("{base}{letter}"),
                _ if single => base.clone(),
                _ => format!("{base}{}", letters(n + 1)),
            };
            out.insert(id, key);
        }
    }
    out
}

/// The BibTeX entry type of a work's [`Genre`].
fn entry_type(genre: Genre) -> &'static str {
    match genre {
        Genre::Article => "article",
        Genre::Chapter => "incollection",
        Genre::Newspaper => "article",
        Genre::Thesis => "phdthesis",
        Genre::WebPage => "misc",
        Genre::Archival => "unpublished",
        Genre::Book => "book",
        Genre::Other => "misc",
    }
}

/// The field that names where a work appeared: a chapter's book, an archival record's archive
/// (`note`, which `@unpublished` requires: BibTeX has no archive field), else the journal.
fn container_field(genre: Genre) -> &'static str {
    match genre {
        Genre::Chapter => "booktitle",
        Genre::Archival => "note",
        _ => "journal",
    }
}

/// The entry's fields, escaped, in output order; absent ones left out. `genre` is
/// `r.genre()`, which names some fields (`booktitle`, `school`).
fn fields(r: &Reference, genre: Genre) -> Vec<(&'static str, String)> {
    let text = |v: &Option<String>| v.as_deref().map(escape);
    [
        ("author", names(r.authors.iter())),
        ("editor", names(r.with_role("editor"))),
        ("title", r.title.as_deref().map(protect)),
        (container_field(genre), text(&r.container)),
        ("volume", text(&r.volume)),
        ("number", text(&r.issue)),
        ("pages", r.pages.as_deref().map(|p| escape(&page_range(p)))),
        ("year", r.year.map(|y| y.to_string())),
        ("month", r.month.filter(|_| r.year.is_some()).map(|m| m.to_string())),
        ("date", r.iso_date().filter(|_| r.day.is_some())),
        (if genre == Genre::Thesis { "school" } else { "publisher" }, text(&r.publisher)),
        ("address", text(&r.place)),
        ("edition", text(&r.edition)),
        ("series", text(&r.series)),
        ("isbn", r.isbn13().into_iter().next()),
        ("issn", r.issn.clone()),
        ("doi", r.doi.as_deref().map(verbatim)),
        ("url", r.url.as_deref().map(verbatim)),
        ("translator", names(r.with_role("translator"))),
        (
            "note",
            r.oclc.as_deref().filter(|_| genre != Genre::Archival).map(|o| escape(&format!("OCLC {o}"))),
        ),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name, value?)))
    .collect()
}

/// `Family, Given and Family, Given`; `None` when there are no names. Blank names are skipped.
fn names<'a>(names: impl Iterator<Item = &'a Name>) -> Option<String> {
    let blank = |n: &Name| n.family.trim().is_empty() && n.given.trim().is_empty();
    let names: Vec<String> = names.filter(|n| !blank(n)).map(name).collect();
    (!names.is_empty()).then(|| names.join(" and "))
}

/// One name as `Family, Given`. A name without a given part (an institution) and parts holding
/// a comma or the word `and` are braced, so BibTeX keeps them whole.
fn name(n: &Name) -> String {
    let family = n.family.split_whitespace().collect::<Vec<_>>().join(" ");
    let given = n.given.split_whitespace().collect::<Vec<_>>().join(" ");
    let must_brace = |s: &str| s.contains(',') || s.split(' ').any(|w| w.eq_ignore_ascii_case("and"));
    let family = if given.is_empty() || must_brace(&family) {
        format!("{{{}}}", escape(&family))
    } else {
        escape(&family)
    };
    match given.as_str() {
        "" => family,
        g if must_brace(g) => format!("{family}, {{{}}}", escape(g)),
        g => format!("{family}, {}", escape(g)),
    }
}

/// Escapes BibTeX/LaTeX specials and collapses runs of whitespace (a blank line would end a
/// paragraph) to single spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        word.chars().for_each(|c| push_escaped(&mut out, c));
    }
    out
}

/// A verbatim field (`url`, `doi`: BibTeX styles print them as they are): only the braces and
/// backslashes that would unbalance the entry are left out.
fn verbatim(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '{' | '}' | '\\') && !c.is_whitespace()).collect()
}

/// Like [`escape`], but also braces every run of ordinary characters that holds a capital
/// (`{AT}\&{T}`), so styles that change case leave it alone. A braced run never starts with
/// a backslash, which would make it a BibTeX "special character" whose letters change case.
fn protect(title: &str) -> String {
    let mut out = String::with_capacity(title.len() + 8);
    for (i, word) in title.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut run = String::new();
        for c in word.chars() {
            if special(c).is_some() {
                flush_run(&mut out, &mut run);
                push_escaped(&mut out, c);
            } else {
                run.push(c);
            }
        }
        flush_run(&mut out, &mut run);
    }
    out
}

/// Appends `run`, braced if it holds an uppercase letter, and empties it.
fn flush_run(out: &mut String, run: &mut String) {
    if run.chars().any(char::is_uppercase) {
        out.push('{');
        out.push_str(run);
        out.push('}');
    } else {
        out.push_str(run);
    }
    run.clear();
}

fn push_escaped(out: &mut String, c: char) {
    match special(c) {
        Some(e) => out.push_str(e),
        None => out.push(c),
    }
}

/// The escape for a character BibTeX or LaTeX treats specially.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        '{' => r"\textbraceleft{}",
        '}' => r"\textbraceright{}",
        '\\' => r"\textbackslash{}",
        '~' => r"\textasciitilde{}",
        '^' => r"\textasciicircum{}",
        '&' => r"\&",
        '%' => r"\%",
        '$' => r"\$",
        '#' => r"\#",
        '_' => r"\_",
        _ => return None,
    })
}

/// `123-45` or `123–45` → `123--45`, BibTeX's page range; anything else as written.
fn page_range(pages: &str) -> String {
    let parts: Vec<&str> = pages.split(['-', '–', '—']).map(str::trim).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [from, to] => format!("{from}--{to}"),
        _ => pages.to_string(),
    }
}

/// The key's name part: the first author's family name, else the title's first word, folded.
fn key_stem(r: &Reference) -> String {
    let author = r.authors.first().map(|a| fold(&a.family));
    let title = || {
        let title = r.title.as_deref().unwrap_or_default();
        title.split_whitespace().map(fold).find(|w| !w.is_empty())
    };
    match author.filter(|a| !a.is_empty()).or_else(title) {
        Some(stem) => stem,
        None => "anon".to_string(),
    }
}

/// Lowercase ASCII letters and digits only: accents dropped (`Müller` → `muller`), a few
/// letters that do not decompose spelled out (`ß` → `ss`), other scripts transliterated by
/// `deunicode` (`Иванов` → `ivanov`, `山田` → `shantian`), everything else removed.
fn fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.nfkd().flat_map(char::to_lowercase) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'ı' => out.push('i'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_alphabetic() && !c.is_ascii() => {
                let t = deunicode::deunicode_char(c).unwrap_or_default();
                out.extend(t.chars().filter(char::is_ascii_alphanumeric).flat_map(|c| c.to_lowercase()));
            }
            _ => {}
        }
    }
    out
}

/// The `n`th disambiguation suffix, counting from 1: `a` … `z`, `aa`, `ab`, …
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::bibliography::{Isbn, Role};
    use biblatex::{Bibliography, ChunksExt, EntryType, Person};

    fn name(family: &str, given: &str) -> Name {
        Name { family: family.into(), given: given.into() }
    }

    fn isbn(raw: &str, isbn13: Option<&str>) -> Isbn {
        Isbn { raw: raw.into(), isbn13: isbn13.map(Into::into) }
    }

    fn book() -> Reference {
        Reference {
            authors: vec![name("Jukes", "Geoffrey")],
            year: Some(2002),
            years: vec![2002],
            title: Some("The Russo-Japanese War 1904-1905".into()),
            publisher: Some("Osprey".into()),
            place: Some("Oxford".into()),
            isbns: vec![isbn("0-7656-1422-X", None), isbn("1-84176-446-9", Some("9781841764467"))],
            oclc: Some("21581015".into()),
            roles: vec![Role { role: "translator".into(), name: name("Harcave", "Sidney") }],
            ..Reference::default()
        }
    }

    fn article() -> Reference {
        Reference {
            authors: vec![name("Müller", "J. A."), name("O'Brien", "Pat")],
            year: Some(1985),
            title: Some("On Footnotes".into()),
            container: Some("Journal of Things & Stuff".into()),
            volume: Some("12".into()),
            issue: Some("3".into()),
            pages: Some("101–117".into()),
            ..Reference::default()
        }
    }

    #[test]
    fn editions_and_series_are_exported() {
        let mut r = book();
        r.edition = Some("2nd".into());
        r.series = Some("Essential Histories".into());
        let e = parse(&entry("k", &r), "k");
        assert_eq!(field(&e, "edition"), "2nd");
        assert_eq!(field(&e, "series"), "Essential Histories");
        let item = crate::render::csl::item("k", &r);
        assert_eq!(
            (item["edition"].as_str(), item["collection-title"].as_str()),
            (Some("2nd"), Some("Essential Histories"))
        );
    }

    #[test]
    fn dois_and_urls_are_verbatim() {
        let mut r = article();
        r.doi = Some("10.5555/x_1".into());
        r.url = Some("https://example.org/a_b?c=1&d=%20".into());
        let e = parse(&entry("k", &r), "k");
        assert_eq!(e.doi().unwrap(), "10.5555/x_1");
        assert_eq!(e.url().unwrap(), "https://example.org/a_b?c=1&d=%20");
    }

    #[test]
    fn chapters_are_incollection_with_a_booktitle() {
        let mut r = article();
        r.publisher = Some("Brill".into());
        r.roles = vec![Role { role: "editor".into(), name: name("Steinberg", "John W.") }];
        let bib = entry("k", &r);
        assert!(bib.starts_with("@incollection{k,"), "{bib}");
        let e = parse(&bib, "k");
        assert_eq!(e.book_title().unwrap().format_verbatim(), "Journal of Things & Stuff");
        assert_eq!(people(&e.editors().unwrap()[0].0), [("Steinberg".to_string(), "John W.".to_string())]);
    }

    /// Parses `bib` with the `biblatex` crate and returns the entry `key`.
    fn parse(bib: &str, key: &str) -> biblatex::Entry {
        let parsed = Bibliography::parse(bib).unwrap_or_else(|e| panic!("{e:?} in\n{bib}"));
        parsed.get(key).expect("entry present").clone()
    }

    fn field(e: &biblatex::Entry, name: &str) -> String {
        e.get(name).unwrap_or_else(|| panic!("no field {name}")).format_verbatim()
    }

    fn people(persons: &[Person]) -> Vec<(String, String)> {
        persons.iter().map(|p| (p.name.clone(), p.given_name.clone())).collect()
    }

    /// The parser's own check: no required field missing, none malformed or out of place.
    fn assert_complete(e: &biblatex::Entry) {
        let report = e.verify();
        let malformed: Vec<_> = report.malformed.iter().map(|(f, _)| f).collect();
        assert!(
            report.is_ok(),
            "missing {:?}, superfluous {:?}, malformed {malformed:?}",
            report.missing,
            report.superfluous,
        );
    }

    /// No LaTeX special is left bare: `& % $ # _` only after a backslash, `~ ^` not at all,
    /// and a backslash only before those or a text command taking `{}`. (The `biblatex`
    /// crate reads a bare `%` or `_` back as itself, so the round trip alone would not tell.)
    fn assert_escaped(bib: &str) {
        const COMMANDS: [&str; 5] =
            ["textbraceleft", "textbraceright", "textbackslash", "textasciitilde", "textasciicircum"];
        let mut rest = bib;
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            assert!(!"&%$#_~^".contains(c), "bare {c} before {rest:?}");
            if c != '\\' {
                continue;
            }
            if rest.starts_with(['&', '%', '$', '#', '_']) {
                rest = &rest[1..];
                continue;
            }
            let command = COMMANDS.iter().find(|&&cmd| rest.starts_with(&format!("{cmd}{{}}")));
            let command = command.unwrap_or_else(|| panic!("unknown command before {rest:?}"));
            rest = &rest[command.len() + 2..];
        }
    }

    /// Braces balance as BibTeX counts them: every brace, escaped or not.
    fn assert_balanced(bib: &str) {
        let mut depth = 0i32;
        for c in bib.chars() {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            assert!(depth >= 0, "unbalanced braces in {bib}");
        }
        assert_eq!(depth, 0, "unbalanced braces in {bib}");
    }

    #[test]
    fn book_round_trips_through_a_bibtex_parser() {
        let bib = entry("jukes2002", &book());
        assert_balanced(&bib);
        assert_escaped(&bib);
        let e = parse(&bib, "jukes2002");
        assert_eq!(e.entry_type, EntryType::Book);
        assert_complete(&e);
        let authors = people(&e.author().unwrap());
        assert_eq!(authors, [("Jukes".to_string(), "Geoffrey".to_string())]);
        assert_eq!(e.title().unwrap().format_verbatim(), "The Russo-Japanese War 1904-1905");
        assert_eq!(field(&e, "year"), "2002");
        assert_eq!(e.isbn().unwrap().format_verbatim(), "9781841764467");
        assert_eq!(field(&e, "publisher"), "Osprey");
        assert_eq!(e.address().unwrap().format_verbatim(), "Oxford");
        assert_eq!(e.note().unwrap().format_verbatim(), "OCLC 21581015");
        let translators = people(&e.translator().unwrap());
        assert_eq!(translators, [("Harcave".to_string(), "Sidney".to_string())]);
    }

    #[test]
    fn article_round_trips_through_a_bibtex_parser() {
        let bib = entry("muller1985", &article());
        assert_escaped(&bib);
        let e = parse(&bib, "muller1985");
        assert_eq!(e.entry_type, EntryType::Article);
        let authors = people(&e.author().unwrap());
        assert_eq!(authors[0], ("Müller".to_string(), "J. A.".to_string()));
        assert_eq!(authors[1], ("O'Brien".to_string(), "Pat".to_string()));
        assert_eq!(e.journal().unwrap().format_verbatim(), "Journal of Things & Stuff");
        assert_eq!(field(&e, "volume"), "12");
        assert_eq!(field(&e, "number"), "3");
        assert_eq!(field(&e, "pages"), "101–117");
        let biblatex::PermissiveType::Typed(pages) = e.pages().unwrap() else {
            panic!("pages are not a range");
        };
        assert_eq!((pages.len(), &pages[0]), (1, &(101..117)));
        assert_complete(&e);
    }

    #[test]
    fn specials_in_a_title_round_trip() {
        let title = r#"Braces {x} & 100% of $5 #1: a_b \path ~tilde ^caret "quoted" @at AT&T"#;
        let r = Reference { title: Some(title.into()), ..book() };
        let bib = entry("k", &r);
        assert_balanced(&bib);
        assert_escaped(&bib);
        assert!(bib.contains(r"{AT}\&{T}"), "{bib}");
        let e = parse(&bib, "k");
        assert_eq!(e.title().unwrap().format_verbatim(), title);
    }

    #[test]
    fn capitals_in_titles_are_protected() {
        let e = parse(&entry("k", &book()), "k");
        let title = e.title().unwrap();
        // Sentence-casing (what styles do) keeps braced words as written.
        assert_eq!(title.format_sentence(), "The Russo-Japanese War 1904-1905");
        let unprotected = parse("@misc{k, title = {The Russo-Japanese War}}", "k");
        let sentence = unprotected.title().unwrap().format_sentence();
        assert_eq!(sentence, "The russo-japanese war");
    }

    #[test]
    fn the_parser_rejects_unescaped_specials() {
        // What `entry` would produce if it copied a stray `}` as is.
        assert!(Bibliography::parse("@misc{k, title = {a } b}}").is_err());
        assert!(Bibliography::parse(&entry("k", &book())).is_ok());
    }

    #[test]
    fn names_without_a_given_part_and_awkward_names_stay_whole() {
        let r = Reference {
            authors: vec![name("World Health Organization", ""), name("Marks and Spencer", "Ltd")],
            ..Reference::default()
        };
        let e = parse(&entry("who", &r), "who");
        assert_eq!(e.entry_type, EntryType::Misc);
        let authors = people(&e.author().unwrap());
        assert_eq!(authors.len(), 2);
        assert_eq!(authors[0].0, "World Health Organization");
        assert_eq!(authors[1], ("Marks and Spencer".into(), "Ltd".into()));
    }

    #[test]
    fn entry_types_follow_container_publisher_and_isbn() {
        let isbn_only = Reference { isbns: vec![isbn("0", None)], ..Reference::default() };
        assert!(entry("a", &article()).starts_with("@article{a,"));
        assert!(entry("b", &book()).starts_with("@book{b,"));
        assert!(entry("c", &isbn_only).starts_with("@book{c}"));
        assert_eq!(entry("d", &Reference::default()), "@misc{d}");
    }

    #[test]
    fn full_dates_issns_and_archival_records() {
        let telegram = Reference {
            authors: vec![Name { family: "Komura".into(), given: "Jutaro".into() }],
            year: Some(1905),
            month: Some(9),
            day: Some(5),
            title: Some("Telegram to Katsura".into()),
            container: Some("Diplomatic Archives of Japan".into()),
            raw:
                "Komura, Jutaro. Telegram to Katsura, 5 September 1905. Diplomatic Archives of Japan, box 3."
                    .into(),
            ..Reference::default()
        };
        let bib = entry("komura1905", &telegram);
        assert!(bib.starts_with("@unpublished{komura1905,"), "{bib}");
        let e = parse(&bib, "komura1905");
        assert_complete(&e);
        assert_eq!((field(&e, "month"), field(&e, "date")), ("9".to_string(), "1905-09-05".to_string()));
        assert_eq!(field(&e, "note"), "Diplomatic Archives of Japan");
        let journal = Reference { month: Some(1), issn: Some("0022-3433".into()), ..article() };
        let e = parse(&entry("a", &journal), "a");
        assert_eq!((field(&e, "month"), field(&e, "issn")), ("1".to_string(), "0022-3433".to_string()));
        assert!(e.get("date").is_none(), "a date without its day stays year + month");
    }

    #[test]
    fn keys_are_stable_and_transliterated() {
        let mut other = book();
        other.title = Some("Another Book".into());
        let mut russian = book();
        russian.authors = vec![Name { family: "Иванов".into(), given: "А. Б.".into() }];
        let first = keys([("b", &book()), ("r", &russian)]);
        assert_eq!((first["b"].as_str(), first["r"].as_str()), ("jukes2002", "ivanov2002"));
        // An unrelated work changes nothing; one with the same base takes a letter in title order.
        let mut unrelated = book();
        unrelated.authors = vec![Name { family: "White".into(), given: String::new() }];
        let more = keys([("b", &book()), ("r", &russian), ("u", &unrelated)]);
        assert_eq!(
            (more["b"].as_str(), more["r"].as_str(), more["u"].as_str()),
            ("jukes2002", "ivanov2002", "white2002")
        );
        let clash = keys([("b", &book()), ("o", &other)]);
        assert_eq!((clash["o"].as_str(), clash["b"].as_str()), ("jukes2002a", "jukes2002b"));
        // Letters the entries give win over title order.
        let (mut a, mut b) = (book(), other.clone());
        (a.year_suffix, b.year_suffix) = (Some("b".into()), Some("a".into()));
        let given = keys([("x", &a), ("y", &b)]);
        assert_eq!((given["x"].as_str(), given["y"].as_str()), ("jukes2002b", "jukes2002a"));
    }

    #[test]
    fn keys_are_folded_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(key(&book(), &mut used), "jukes2002");
        assert_eq!(key(&book(), &mut used), "jukes2002a");
        assert_eq!(key(&book(), &mut used), "jukes2002b");
        assert_eq!(key(&article(), &mut used), "muller1985");
        let undated =
            Reference { authors: vec![name("Łukasiewicz-Straße", "Jan")], ..Reference::default() };
        assert_eq!(key(&undated, &mut used), "lukasiewiczstrassend");
        assert_eq!(key(&Reference::default(), &mut used), "anonnd");
        assert_eq!(letters(26), "z");
        assert_eq!(letters(27), "aa");
    }

    #[test]
    fn write_produces_a_parseable_file() {
        let (b, a) = (book(), article());
        let mut out = Vec::new();
        write(&mut out, &[("jukes2002", &b), ("muller1985", &a)]).unwrap();
        let bib = String::from_utf8(out).unwrap();
        let parsed = Bibliography::parse(&bib).unwrap();
        assert_eq!(parsed.keys().collect::<Vec<_>>(), ["jukes2002", "muller1985"]);
    }
}
