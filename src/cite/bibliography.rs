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

use serde::{Deserialize, Serialize};

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
    pub title: Option<String>,
    /// Journal, review or newspaper.
    pub container: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub isbns: Vec<Isbn>,
    pub oclc: Option<String>,
    pub roles: Vec<Role>,
    /// The entry as written, without its bullet.
    pub raw: String,
}

impl Reference {
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

/// Only this many bytes of an entry are analysed (`raw` keeps all of it).
pub const MAX_SCAN: usize = 8 * 1024;

/// Stands where a removed span separated two sentences.
const BREAK: char = '\u{E000}';
/// Stands where an identifier (ISBN, OCLC, DOI, URL) was taken out.
const IDENT: char = '\u{E001}';

/// Parses one entry. `previous` is the entry above it, whose authors a ditto line takes.
pub fn parse(raw: &str, previous: Option<&Reference>) -> Reference {
    let raw = raw.trim();
    let mut r = Reference { raw: raw.to_string(), ..Reference::default() };
    let text: String = prefix(raw, MAX_SCAN).chars().map(|c| if is_marker(c) { ' ' } else { c }).collect();
    let head = split_head(&text);
    if let Some(zone) = head.authors {
        if is_ditto(zone) {
            r.ditto = true;
            r.authors = previous.map(|p| p.authors.clone()).unwrap_or_default();
        } else {
            r.authors = parse_names(zone);
        }
    }
    r.year = head.years.first().copied();
    r.years = head.years;
    let body = extract_identifiers(head.body, &mut r);
    let body = extract_roles(&body, &mut r.roles);
    let descriptive = body.split(IDENT).next().unwrap_or_default();
    describe(descriptive, &mut r);
    r
}

/// The 13-digit form of a valid ISBN-10 or ISBN-13 (hyphens and spaces ignored, `X`
/// allowed as an ISBN-10 check digit); `None` when the length or the check digit is wrong.
pub fn normalize_isbn(s: &str) -> Option<String> {
    let mut digits: Vec<u32> = Vec::with_capacity(13);
    let mut chars = s.trim().chars().filter(|c| !is_hyphen(*c) && !c.is_whitespace()).peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => digits.push(c as u32 - '0' as u32),
            'X' | 'x' if chars.peek().is_none() && digits.len() == 9 => digits.push(10),
            _ => return None,
        }
        if digits.len() > 13 {
            return None;
        }
    }
    match digits.len() {
        10 => {
            let sum: u32 = digits.iter().enumerate().map(|(i, d)| (10 - i as u32) * d).sum();
            if !sum.is_multiple_of(11) {
                return None;
            }
            let mut d13 = vec![9, 7, 8];
            d13.extend_from_slice(&digits[..9]);
            d13.push(ean_check(&d13));
            Some(d13.iter().map(|d| char::from(b'0' + *d as u8)).collect())
        }
        13 => {
            let prefix_ok = digits[..3] == [9, 7, 8] || digits[..3] == [9, 7, 9];
            (prefix_ok && ean_check(&digits[..12]) == digits[12])
                .then(|| digits.iter().map(|d| char::from(b'0' + *d as u8)).collect())
        }
        _ => None,
    }
}

/// The EAN-13 check digit of 12 digits.
fn ean_check(d12: &[u32]) -> u32 {
    let sum: u32 = d12.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d }).sum();
    (10 - sum % 10) % 10
}

// ----------------------------------------------------------------------------- head

/// Authors, years and the rest of an entry.
struct Head<'a> {
    authors: Option<&'a str>,
    years: Vec<u32>,
    body: &'a str,
}

/// Splits the authors and the year group off the front of an entry.
fn split_head(text: &str) -> Head<'_> {
    let no_head = Head { authors: None, years: Vec::new(), body: text };
    if text.chars().next().is_some_and(is_opening_quote) {
        return no_head;
    }
    if let Some(head) = parenthesized_year_head(text) {
        return head;
    }
    let segs = segments(text);
    let Some(first) = segs.first() else { return no_head };
    let first_text = &text[first.0..first.1];
    if let Some(second) = segs.get(1) {
        let years = year_group(&text[second.0..second.1]);
        if let Some(years) = years.filter(|_| name_like(first_text)) {
            return Head { authors: Some(first_text), years, body: &text[second.1..] };
        }
        let inverted = first_text.contains(',') && first_text.split_whitespace().count() <= 8;
        if is_ditto(first_text) || (inverted && name_like(first_text)) {
            return Head { authors: Some(first_text), years: Vec::new(), body: &text[first.1..] };
        }
    }
    no_head
}

/// `Authors (1905). Rest`: the first parenthesized year group with name-like text before it.
fn parenthesized_year_head(text: &str) -> Option<Head<'_>> {
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
        }
        if words > 30 || c.is_ascii_digit() || is_opening_quote(c) {
            return None;
        }
        if !matches!(c, '(' | '（' | '[') {
            continue;
        }
        let after = &text[i + c.len_utf8()..];
        let Some(close) = after.char_indices().take(48).find(|(_, c)| matches!(c, ')' | '）' | ']')) else {
            continue;
        };
        let Some(years) = year_group(&after[..close.0]) else { continue };
        let zone = &text[..i];
        if !(name_like(zone) || is_ditto(zone)) || segments(zone).len() > 1 {
            return None;
        }
        let body = after[close.0 + close.1.len_utf8()..]
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ':' | ';'));
        return Some(Head { authors: Some(zone), years, body });
    }
    None
}

/// `1905`, `1985, 2002`, `2001a`, `c. 1900`, `1904–1905` → the years; `None` for anything else.
fn year_group(inner: &str) -> Option<Vec<u32>> {
    let inner = inner.trim();
    let inner = ["c.", "ca."].iter().find_map(|p| inner.strip_prefix(p)).unwrap_or(inner);
    let mut years = Vec::new();
    for tok in inner.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/') || is_hyphen(c)) {
        if tok.is_empty() {
            continue;
        }
        years.push(year_of(tok.trim_end_matches(|c: char| c.is_ascii_lowercase()))?);
    }
    (!years.is_empty()).then_some(years)
}

/// A four-digit year from 1000 to 2999.
fn year_of(tok: &str) -> Option<u32> {
    if tok.len() != 4 || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    tok.parse().ok().filter(|y| (1000..3000).contains(y))
}

/// `______________.`, `---.`, `—.`: "same authors as above".
fn is_ditto(zone: &str) -> bool {
    let z = zone.trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ':' | ';'));
    !z.is_empty() && z.chars().all(|c| c == '_' || is_hyphen(c))
}

/// Could this be a list of names? Capitalized words, initials, particles and conjunctions.
fn name_like(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 30
        && !s.chars().any(|c| c.is_ascii_digit() || c == ':' || is_opening_quote(c))
        && words.iter().all(|w| {
            let bare = w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | '(' | ')'));
            bare.is_empty()
                || is_capitalized(bare)
                || is_particle(bare)
                || is_ditto(bare)
                || matches!(bare, "and" | "&" | "и" | "et" | "al" | "ed" | "eds")
        })
}

// ----------------------------------------------------------------------------- names

/// `Davis, Richard Harding, and Alfred Thayer Mahan`, `White, J. A.`, `Geoffrey Jukes`,
/// `De Martens, F`, `山田太郎`, `Иванов, А. Б.` → names.
fn parse_names(text: &str) -> Vec<Name> {
    let text = author_trim(&without_parens(text));
    let mut names: Vec<Name> = Vec::new();
    for chunk in split_conjunctions(&text) {
        let parts: Vec<&str> =
            chunk.split([',', '，', ';']).map(str::trim).filter(|p| !p.is_empty()).collect();
        let mut i = 0;
        while i < parts.len() {
            let part = parts[i];
            if is_name_suffix(part) {
                if let Some(last) = names.last_mut() {
                    last.given = format!("{}, {}", last.given, part).trim_start_matches(", ").to_string();
                }
                i += 1;
            } else if parts.get(i + 1).is_some_and(|g| is_family_like(part) && is_given_like(g)) {
                names.push(Name { family: collapse(part), given: collapse(parts[i + 1]) });
                i += 2;
            } else {
                names.extend(natural_name(part));
                i += 1;
            }
        }
    }
    names
}

/// Drops parenthesized parts (`(ed.)`) and `et al.`.
fn without_parens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '（' | '[' => depth += 1,
            ')' | '）' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.replace(" et al.", "").replace(" et al", "")
}

/// Trailing punctuation off an author list, keeping the period of a final initial (`J. A.`).
fn author_trim(s: &str) -> String {
    let mut s = s.trim().trim_end_matches([',', ';', ':']).trim_end();
    if s.ends_with("..") {
        s = &s[..s.len() - 1];
    } else if let Some(stem) = s.strip_suffix('.') {
        let last = stem.rsplit([' ', ',']).next().unwrap_or_default();
        if !is_initials(last) && !is_name_suffix(&format!("{last}.")) {
            s = stem;
        }
    }
    s.trim_end_matches([',', ';', ':']).trim().to_string()
}

/// Splits at `and`, `&`, `и` and `、`.
fn split_conjunctions(s: &str) -> Vec<String> {
    let mut chunks = vec![String::new()];
    for word in s.split_whitespace() {
        if matches!(word, "and" | "And" | "AND" | "&" | "и") {
            chunks.push(String::new());
            continue;
        }
        if let Some(cur) = chunks.last_mut() {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    chunks
        .iter()
        .flat_map(|c| c.split('、'))
        .flat_map(split_kanji_list)
        .map(|c| c.trim().trim_matches(',').trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// `佐藤花子・鈴木一郎` lists two people; `リチャード・ブラウン` (katakana) is one name.
fn split_kanji_list(s: &str) -> Vec<&str> {
    let katakana = s.chars().any(|c| matches!(c, '\u{30A0}'..='\u{30FF}') && c != '・');
    if katakana { vec![s] } else { s.split('・').collect() }
}

/// `Davis`, `De Martens`, `van der Berg`, `Kroah-Hartman`: a family name written first.
fn is_family_like(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let Some((last, particles)) = words.split_last() else { return false };
    !part.chars().any(|c| c.is_ascii_digit())
        && is_capitalized(last)
        && !is_initials(last.trim_end_matches('.'))
        && particles.iter().all(|w| is_particle(w))
}

/// `Richard Harding`, `J. A.`, `F`, `Ludwig van`: given names written after the family name.
fn is_given_like(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && !part.chars().any(|c| c.is_ascii_digit())
        && !is_name_suffix(part)
        && words.iter().all(|w| is_capitalized(w) || is_particle(w))
}

/// `Jr.`, `Sr.`, `III`.
fn is_name_suffix(part: &str) -> bool {
    matches!(part.trim(), "Jr." | "Jr" | "Sr." | "Sr" | "II" | "III" | "IV")
}

/// A name written in its natural order: `Alfred Thayer Mahan`, `Charles de Gaulle`,
/// `А. Б. Иванов`; CJK names family first (`山田 太郎`, `山田太郎`), katakana `名・姓`.
fn natural_name(part: &str) -> Option<Name> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let (&last, _) = words.split_last()?;
    if part.chars().any(is_cjk) {
        if words.len() > 1 {
            return Some(Name { family: words[0].to_string(), given: words[1..].join(" ") });
        }
        if let Some((given, family)) = last.rsplit_once(['・', '＝', '=']) {
            return Some(Name { family: family.to_string(), given: given.to_string() });
        }
        return Some(split_cjk_name(last));
    }
    if words.len() == 1 {
        let family = last.trim_end_matches('.');
        return (!family.is_empty()).then(|| Name { family: family.to_string(), given: String::new() });
    }
    let mut start = words.len() - 1;
    while start > 1 && is_particle(words[start - 1]) && words[start - 1].starts_with(char::is_lowercase) {
        start -= 1;
    }
    Some(Name { family: words[start..].join(" "), given: words[..start].join(" ") })
}

/// Splits a CJK name written without a space (`山田太郎` → 山田 / 太郎). A guess by length,
/// helped by short lists of common one- and three-character family names.
fn split_cjk_name(name: &str) -> Name {
    const THREE: &[&str] = &["長谷川", "佐々木", "五十嵐", "久保田", "小野寺", "宇佐美", "長谷部", "東海林"];
    const ONE: &str = "林森原関堀泉辻王李張张劉刘陳陈楊杨趙赵黄周吳吴孫孙";
    let chars: Vec<char> = name.chars().collect();
    let split = if let Some(t) = THREE.iter().find(|t| name.starts_with(**t)) {
        t.chars().count()
    } else {
        match chars.len() {
            0 | 1 => chars.len(),
            2 => 1,
            3 if ONE.contains(chars[0]) => 1,
            _ => 2,
        }
    };
    let split = split.min(chars.len());
    Name { family: chars[..split].iter().collect(), given: chars[split..].iter().collect() }
}

// ----------------------------------------------------------------------------- identifiers

/// Takes ISBNs, OCLC numbers, DOIs and URLs out of `body` (into `r`), leaving [`IDENT`]s.
fn extract_identifiers(body: &str, r: &mut Reference) -> String {
    let low = body.to_ascii_lowercase(); // same byte offsets as `body`
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while let Some(c) = body[i..].chars().next() {
        let boundary = body[..i].chars().next_back().is_none_or(|p| !p.is_alphanumeric() && !is_hyphen(p));
        let found = if boundary { identifier_at(body, &low, i, r) } else { None };
        match found {
            Some(end) => {
                out.push_str(" \u{E001} ");
                i = end;
            }
            None => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// An identifier starting at byte `i`: records it in `r` and returns where it ends.
fn identifier_at(body: &str, low: &str, i: usize, r: &mut Reference) -> Option<usize> {
    let rest = &low[i..];
    const ISBN_LABELS: &[&str] = &["10-isbn", "13-isbn", "isbn-10", "isbn-13", "isbn10", "isbn13", "isbn"];
    if let Some(label) = ISBN_LABELS.iter().find(|l| rest.starts_with(**l)) {
        let after = i + label.len();
        if body[after..].chars().next().is_some_and(char::is_alphabetic) {
            return None;
        }
        let start = skip_while(body, after, |c| c.is_whitespace() || matches!(c, ':' | '#'));
        let (raw, end) = isbn_number(body, start)?;
        r.isbns.push(Isbn { raw: raw.to_string(), isbn13: normalize_isbn(raw) });
        return Some(end);
    }
    if rest.starts_with("oclc") {
        let start = skip_while(body, i + 4, |c| c.is_whitespace() || matches!(c, ':' | '#'));
        let end = skip_while(body, start, |c| c.is_ascii_digit());
        if end == start {
            return None;
        }
        r.oclc.get_or_insert_with(|| body[start..end].to_string());
        return Some(end);
    }
    if rest.starts_with("doi") {
        let start = skip_while(body, i + 3, |c| c.is_whitespace() || c == ':');
        if start == i + 3 || !body[start..].starts_with("10.") {
            return None;
        }
        return Some(skip_while(body, start, |c| !c.is_whitespace()));
    }
    if rest.starts_with("http://") || rest.starts_with("https://") {
        return Some(skip_while(body, i, |c| !c.is_whitespace()));
    }
    bare_isbn(body, i, r)
}

/// A hyphenated ISBN without a label (`0-7656-1422-7`, or 13 digits starting 978/979).
fn bare_isbn(body: &str, i: usize, r: &mut Reference) -> Option<usize> {
    if !body[i..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = skip_while(body, i, |c| c.is_ascii_digit() || is_hyphen(c) || c == 'X' || c == 'x');
    let token = body[i..end].trim_end_matches(is_hyphen);
    let end = i + token.len();
    if body[end..].chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let digits = token.chars().filter(|c| !is_hyphen(*c)).count();
    let hyphens = token.chars().filter(|c| is_hyphen(*c)).count();
    let plain13 = digits == 13 && (token.starts_with("978") || token.starts_with("979"));
    if !((digits == 10 || digits == 13) && (hyphens >= 3 || plain13)) {
        return None;
    }
    r.isbns.push(Isbn { raw: token.to_string(), isbn13: normalize_isbn(token) });
    Some(end)
}

/// The number after an ISBN label: digit groups joined by hyphens or single spaces, as
/// long as they add up to 10 or 13 digits (else only the first group, kept as written).
fn isbn_number(body: &str, start: usize) -> Option<(&str, usize)> {
    let is_isbn_char = |c: char| c.is_ascii_digit() || is_hyphen(c) || c == 'X' || c == 'x';
    let mut j = start;
    let mut digits = 0;
    let mut first_end = None;
    let mut best = None;
    loop {
        let group_end = skip_while(body, j, is_isbn_char);
        if group_end == j {
            break;
        }
        digits += body[j..group_end].chars().filter(|c| !is_hyphen(*c)).count();
        first_end.get_or_insert(group_end);
        if digits == 10 || digits == 13 {
            best = Some(group_end);
        }
        let next_is_digit =
            body[group_end..].strip_prefix(' ').is_some_and(|s| s.starts_with(|c: char| c.is_ascii_digit()));
        if digits >= 13 || !next_is_digit {
            break;
        }
        j = group_end + 1;
    }
    let end = best.or(first_end)?;
    let raw = body[start..end].trim_end_matches(is_hyphen);
    raw.chars().any(|c| c.is_ascii_digit()).then_some((raw, start + raw.len()))
}

// ----------------------------------------------------------------------------- roles

/// Role words and the role they name, longest first.
const ROLE_WORDS: &[(&str, &str)] = &[
    ("translated by", "translator"),
    ("translators", "translator"),
    ("translator", "translator"),
    ("transl.", "translator"),
    ("trans.", "translator"),
    ("tr.", "translator"),
    ("edited by", "editor"),
    ("editors", "editor"),
    ("editor", "editor"),
    ("eds.", "editor"),
    ("ed.", "editor"),
    ("illustrated by", "illustrator"),
    ("illustrator", "illustrator"),
    ("compiled by", "compiler"),
    ("compiler", "compiler"),
];

/// Takes contributor roles out of `body`: `(translator, Sidney Harcave)`, `(佐藤花子訳)`,
/// `translated by Ian Ruxton [as Other Title (2009)]`.
fn extract_roles(body: &str, roles: &mut Vec<Role>) -> String {
    let body = extract_paren_roles(body, roles);
    extract_by_roles(&body, roles)
}

fn extract_paren_roles(body: &str, roles: &mut Vec<Role>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while let Some(c) = body[i..].chars().next() {
        let next = i + c.len_utf8();
        if matches!(c, '(' | '（') {
            let close = body[next..].char_indices().take(300).find(|(_, c)| matches!(c, ')' | '）'));
            if let Some((k, cl)) = close {
                let found = paren_roles(&body[next..next + k]);
                if !found.is_empty() {
                    roles.extend(found);
                    out.push(' ');
                    i = next + k + cl.len_utf8();
                    continue;
                }
            }
        }
        out.push(c);
        i = next;
    }
    out
}

/// The roles in a parenthesis: `translator, Sidney Harcave`, `Sidney Harcave, trans.`,
/// `佐藤花子訳`; empty when it is something else.
fn paren_roles(content: &str) -> Vec<Role> {
    let c = content.trim();
    if c.chars().any(is_cjk) {
        for (suffix, role) in
            [("監訳", "translator"), ("編訳", "translator"), ("訳", "translator"), ("編", "editor")]
        {
            if let Some(names) = c.strip_suffix(suffix) {
                return roles_for(role, names);
            }
        }
        return Vec::new();
    }
    let low = c.to_ascii_lowercase();
    for (word, role) in ROLE_WORDS {
        if let Some(rest) = low.strip_prefix(word)
            && rest.starts_with([',', ':', ' '])
        {
            return roles_for(role, &c[c.len() - rest.len()..]);
        }
        if low.ends_with(word) {
            let names = c[..c.len() - word.len()].trim_end();
            if names.ends_with(',') {
                return roles_for(role, names);
            }
        }
    }
    Vec::new()
}

/// One role per name in `names` (`Sidney Harcave`, `A and B`); none unless they look like names.
fn roles_for(role: &str, names: &str) -> Vec<Role> {
    let names = names.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '.'));
    let names = names.strip_prefix("by ").unwrap_or(names);
    if names.is_empty() || !(name_like(names) || names.chars().any(is_cjk)) {
        return Vec::new();
    }
    parse_names(names).into_iter().map(|name| Role { role: role.to_string(), name }).collect()
}

/// `translated by Ian Ruxton`, `edited by A and B` (and an `as <title of the translation>`
/// clause after it, up to the next identifier or break).
fn extract_by_roles(body: &str, roles: &mut Vec<Role>) -> String {
    let low = body.to_ascii_lowercase();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while let Some(c) = body[i..].chars().next() {
        let boundary = body[..i].chars().next_back().is_none_or(|p| !p.is_alphanumeric());
        let by = ROLE_WORDS.iter().find(|(w, _)| w.ends_with(" by") && low[i..].starts_with(w));
        if let (true, Some((word, role))) = (boundary, by) {
            let start = i + word.len();
            let run = name_run(&body[start..]);
            let found = roles_for(role, &body[start..start + run]);
            if !found.is_empty() {
                roles.extend(found);
                let mut end = start + run;
                let tail = &body[end..];
                if tail.trim_start().starts_with("as ") {
                    end += tail.find(is_marker).unwrap_or(tail.len());
                }
                out.push(BREAK);
                i = end;
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// How many bytes of `s` are a run of names (capitalized words, initials, particles, `and`).
fn name_run(s: &str) -> usize {
    let mut end = 0;
    for (start, word) in word_spans(s) {
        let bare = word.trim_end_matches([',', ';', ':', '.']);
        let ok = is_capitalized(bare) || is_particle(bare) || (end > 0 && matches!(bare, "and" | "&"));
        if !ok || word.contains(is_marker) {
            break;
        }
        let stops = word.ends_with([',', ';', ':']) || (word.ends_with('.') && !is_initials(bare));
        end = start + if stops { bare.len() } else { word.len() };
        if stops {
            break;
        }
    }
    let names = s[..end].trim_end();
    let names = names.strip_suffix(" and").or_else(|| names.strip_suffix(" &")).unwrap_or(names);
    names.len()
}

// ----------------------------------------------------------------------------- description

/// One sentence after the title, by what it looks like.
enum Part<'a> {
    PlacePublisher(&'a str, &'a str),
    Container(Volume<'a>),
    Chapter { editors: Vec<Name>, book: String, pages: Option<&'a str> },
    Pages(&'a str),
    Date(u32),
    Other(&'a str),
}

/// `Journal of Peace Research, 6(4):362-370`.
struct Volume<'a> {
    container: &'a str,
    volume: &'a str,
    issue: Option<&'a str>,
    pages: Option<&'a str>,
}

/// Title, container, publisher, place, pages from the text between the year and the first
/// identifier.
fn describe(desc: &str, r: &mut Reference) {
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
                r.container = clean(&book);
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
                r.container = clean(s);
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
    if let Some(v) = split_volume(seg) {
        return Part::Container(v);
    }
    if let Some((place, publisher)) = place_publisher(seg) {
        return Part::PlacePublisher(place, publisher);
    }
    Part::Other(seg)
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
fn is_page_range(s: &str) -> bool {
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

/// `The North American Review, 181 (558)`, `Journal, 6(4):362-370`, `『情報処理』 12(3): 45–300`,
/// `Nature 412: 33-35`, `Journal, vol. 3, no. 2, pp. 5-9`.
fn split_volume(seg: &str) -> Option<Volume<'_>> {
    let mut s = seg.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let mut pages = None;
    if let Some((head, p)) = s.rsplit_once(':').filter(|(_, p)| is_page_range(p.trim())) {
        pages = Some(p.trim());
        s = head.trim_end();
    } else if let Some((head, p)) = [", pp.", ", p."].iter().find_map(|m| s.rsplit_once(m))
        && is_page_range(p.trim())
    {
        pages = Some(p.trim());
        s = head.trim_end();
    }
    let mut issue = None;
    if let Some((head, inner)) = s.strip_suffix(')').and_then(|x| x.rsplit_once('('))
        && is_page_range(inner.trim())
    {
        issue = Some(inner.trim());
        s = head.trim_end();
    }
    let (mut head, mut volume) = trailing_number(s)?;
    if issue.is_none()
        && let Some(h) = strip_label(head, &["no.", "nr.", "issue"])
    {
        issue = Some(volume);
        (head, volume) = trailing_number(h.trim_end().trim_end_matches(',').trim_end())?;
    }
    let labelled = strip_label(head, &["vol.", "volume"]);
    let head = labelled.unwrap_or(head);
    let prev = head.chars().next_back()?;
    if !(prev.is_whitespace() || prev == ',' || is_closing_quote(prev)) {
        return None;
    }
    let container = unquote(head.trim_end().trim_end_matches(',').trim());
    let separated = head.trim_end().ends_with(',') || labelled.is_some();
    if !container.chars().any(char::is_alphabetic) || (issue.is_none() && pages.is_none() && !separated) {
        return None;
    }
    Some(Volume { container, volume, issue, pages })
}

/// `(text before, digits)` when `s` ends with digits.
fn trailing_number(s: &str) -> Option<(&str, &str)> {
    let head = s.trim_end_matches(|c: char| c.is_ascii_digit());
    (head.len() < s.len()).then(|| (head, &s[head.len()..]))
}

/// `s` without a trailing label such as `vol.` (any case), before the number that followed.
fn strip_label<'a>(s: &'a str, labels: &[&str]) -> Option<&'a str> {
    let t = s.trim_end();
    let low = t.to_ascii_lowercase();
    let label = labels.iter().find(|l| low.ends_with(**l))?;
    let head = &t[..t.len() - label.len()];
    head.chars().next_back().is_none_or(|c| c.is_whitespace() || c == ',').then_some(head)
}

/// `Armonk, New York: M.E. Sharpe`, `М.: Наука`.
fn place_publisher(seg: &str) -> Option<(&str, &str)> {
    let (place, publisher) = seg.split_once([':', '：'])?;
    let (place, publisher) = (place.trim(), publisher.trim());
    let place_ok = place.split_whitespace().count() <= 5
        && place.starts_with(|c: char| c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()))
        && !place.chars().any(|c| c.is_ascii_digit() || is_opening_quote(c));
    let publisher_ok = publisher.starts_with(char::is_alphabetic)
        && publisher.split_whitespace().count() <= 10
        && !publisher.contains(':');
    (place_ok && publisher_ok).then_some((place, publisher))
}

/// A sentence that can stand alone as a publisher: `Shinyudo`, `岩波書店`.
fn publisher_like(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (1..=8).contains(&words)
        && s.starts_with(|c: char| c.is_alphabetic() && !c.is_lowercase())
        && !s.chars().any(|c| c.is_ascii_digit() || matches!(c, '?' | '!' | ':'))
}

/// Publisher words that end a run-on publisher name (`… Portsmouth Marine Society`).
const PUBLISHER_WORDS: &str = "Society Press Publishing Publishers Publisher Limited Ltd Ltd. Inc Inc. \
                               Company Co. Verlag Sons Brothers Bros. Books Institute Institution \
                               Association Foundation";

/// A title that runs on into `Place: Publisher` without a period (`… war correspondents New
/// York: P. F. Collier & Son`): the place is a short capitalized run after a lowercase word.
fn run_on_place(title: &str) -> Option<(usize, &str, &str)> {
    let (left, publisher) = title.rsplit_once(':')?;
    let publisher = publisher.trim();
    if !publisher_like(publisher) {
        return None;
    }
    let words = word_spans(left);
    let mut k = words.len();
    while k > 0 && words.len() - k < 4 && is_capitalized(words[k - 1].1.trim_end_matches(',')) {
        k -= 1;
    }
    if k == words.len() || k == 0 {
        return None;
    }
    let before = words[k - 1].1;
    if !before.starts_with(char::is_lowercase) || is_connector(before) || before.ends_with([',', ';', ':']) {
        return None;
    }
    let at = words[k].0;
    Some((at, left[at..].trim(), publisher))
}

/// A title that ends in a publisher without a period (`… of Portsmouth Portsmouth Marine
/// Society`): where that publisher starts.
fn run_on_publisher(title: &str) -> Option<usize> {
    let words = word_spans(title);
    let (_, last) = *words.last()?;
    if !PUBLISHER_WORDS.split_whitespace().any(|w| w == last) {
        return None;
    }
    let mut k = words.len() - 1;
    while k > 0 && is_capitalized(words[k - 1].1) && !words[k - 1].1.ends_with([',', ';', ':', '.']) {
        k -= 1;
    }
    let (_, before) = *words.get(k.checked_sub(1)?)?;
    if matches!(before, "the" | "a" | "an") {
        return None;
    }
    if is_connector(before) {
        k += 1; // `… Treaty of Portsmouth | Portsmouth Marine Society`
    }
    (words.len().saturating_sub(k) >= 2).then(|| words[k].0)
}

// ----------------------------------------------------------------------------- sentences

/// Byte ranges of the sentences of `text`, trimmed, without empty ones. A sentence ends at
/// `. ` (unless after an initial or an abbreviation), `。`, `? `, `! ` and removed spans.
fn segments(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let cut = match c {
            BREAK | IDENT | '。' => Some((i, i + c.len_utf8())),
            '.' if next.is_none_or(char::is_whitespace) && !abbreviation_before(text, i) => Some((i, i + 1)),
            '?' | '!' if next.is_some_and(char::is_whitespace) => Some((i + 1, i + 1)),
            _ => None,
        };
        if let Some((end, resume)) = cut {
            push_trimmed(&mut out, text, start, end);
            start = resume;
        }
    }
    push_trimmed(&mut out, text, start, text.len());
    out
}

fn push_trimmed(out: &mut Vec<(usize, usize)>, text: &str, start: usize, end: usize) {
    let lead = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':');
    let rest = text[start..end].trim_start_matches(lead);
    let trimmed = rest.trim_end();
    if trimmed.chars().any(char::is_alphanumeric) || is_ditto(trimmed) {
        let s = end - rest.len();
        out.push((s, s + trimmed.len()));
    }
}

/// Is the word before the period at `dot` an initial (`F.`, `M.E.`) or an abbreviation?
fn abbreviation_before(text: &str, dot: usize) -> bool {
    const ABBREVIATIONS: &[&str] = &[
        "etc", "ed", "eds", "trans", "tr", "transl", "vol", "vols", "no", "nos", "pp", "p", "st", "mr",
        "mrs", "dr", "jr", "sr", "co", "inc", "ltd", "vs", "cf", "bros", "repr", "rev", "comp", "ca", "c",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "dept", "univ",
        "corp", "ch", "ser", "pt", "spb", "спб",
    ];
    let mut word: Vec<char> = text[..dot]
        .chars()
        .rev()
        .take_while(|c| {
            !c.is_whitespace() && !matches!(c, '(' | '[' | '"' | '“' | ',' | ';' | ':') && !is_marker(*c)
        })
        .take(25)
        .collect();
    if word.is_empty() || word.len() > 24 {
        return false;
    }
    word.reverse();
    let word: String = word.into_iter().collect();
    is_initials(&word) || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

// ----------------------------------------------------------------------------- small helpers

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn prefix(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The byte offset of the first char at or after `from` that fails `keep`.
fn skip_while(s: &str, from: usize, keep: impl Fn(char) -> bool) -> usize {
    s[from..].char_indices().find(|&(_, c)| !keep(c)).map_or(s.len(), |(i, _)| from + i)
}

/// Whitespace-separated words with their byte offsets.
fn word_spans(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// Whitespace collapsed to single spaces, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A field value: collapsed, without trailing `,;` or wrapping quotes; `None` when empty.
fn clean(s: &str) -> Option<String> {
    let s = collapse(s);
    let s = unquote(s.trim_end_matches([',', ';']).trim());
    s.chars().any(char::is_alphanumeric).then(|| s.to_string())
}

/// `s` without one pair of wrapping quotes (`『情報処理』` → `情報処理`).
fn unquote(s: &str) -> &str {
    let mut chars = s.chars();
    match (chars.next(), chars.next_back()) {
        (Some(o), Some(c)) if is_opening_quote(o) && is_closing_quote(c) && s.len() > o.len_utf8() => {
            &s[o.len_utf8()..s.len() - c.len_utf8()]
        }
        _ => s,
    }
}

fn is_marker(c: char) -> bool {
    c == BREAK || c == IDENT
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–' | '—' | '―')
}

fn is_opening_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '„' | '«' | '「' | '『' | '‘')
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '"' | '”' | '“' | '»' | '」' | '』' | '’')
}

/// Han, hiragana, katakana, hangul.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// Starts with an uppercase letter, or a letter of a script without case (CJK).
fn is_capitalized(word: &str) -> bool {
    word.chars().find(|c| c.is_alphabetic()).is_some_and(|c| c.is_uppercase() || !c.is_lowercase())
        && !word.starts_with(|c: char| c.is_lowercase())
}

/// `F`, `J.A`, `M.E`, `А`: single uppercase letters, possibly joined by periods.
fn is_initials(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    !word.is_empty()
        && word.split('.').all(|p| {
            let mut cs = p.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
        })
}

/// Name particles: `De Martens`, `van der Berg`, `de Gaulle`.
fn is_particle(word: &str) -> bool {
    const PARTICLES: &str = "de van von der den du da di del della des la le ten ter bin ibn al el st. zu";
    let word = word.to_lowercase();
    PARTICLES.split_whitespace().any(|p| p == word)
}

/// Small words after which a capitalized word still belongs to the title (`of Portsmouth`).
fn is_connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "on" | "in" | "at" | "to" | "for" | "from" | "by" | "with" | "and" | "or" | "the" | "a" | "an"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(family: &str, given: &str) -> Name {
        Name { family: family.to_string(), given: given.to_string() }
    }

    fn s(v: &str) -> Option<String> {
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

    #[test]
    fn seed_references_match_the_fixture() {
        let corpus = include_str!("../../corpus/treaty-of-portsmouth.txt");
        let expected: Vec<Reference> =
            serde_json::from_str(include_str!("../../tests/fixtures/seed-references.json"))
                .expect("fixture parses");
        let lines = reference_lines(corpus);
        assert_eq!(lines.len(), expected.len());
        let mut previous: Option<Reference> = None;
        for (line, want) in lines.iter().zip(&expected) {
            let got = parse(line, previous.as_ref());
            assert_eq!(&got, want, "\n  line: {line}");
            previous = Some(got);
        }
    }

    #[test]
    fn normalize_isbn_checks_and_converts() {
        assert_eq!(normalize_isbn("0-7656-1422-7").as_deref(), Some("9780765614223"));
        assert_eq!(normalize_isbn("978-0-7656-1422-3").as_deref(), Some("9780765614223"));
        assert_eq!(normalize_isbn("4-88033-010-8").as_deref(), Some("9784880330105"));
        assert_eq!(normalize_isbn(" 0 8044 2957 X ").as_deref(), Some("9780804429573"));
        assert_eq!(normalize_isbn("043942089x").as_deref(), Some("9780439420891"));
        assert_eq!(normalize_isbn("979-10-90636-07-1").as_deref(), Some("9791090636071"));
        assert_eq!(normalize_isbn("0-7656-1422-8"), None, "bad ISBN-10 check digit");
        assert_eq!(normalize_isbn("978-0-7656-1422-4"), None, "bad ISBN-13 check digit");
        assert_eq!(normalize_isbn("123-4-5678-9012-8"), None, "not 978/979");
        assert_eq!(normalize_isbn("X804429570"), None, "X only as the last ISBN-10 digit");
        assert_eq!(normalize_isbn("978076561422X"), None);
        assert_eq!(normalize_isbn("12345"), None);
        assert_eq!(normalize_isbn(""), None);
        assert_eq!(normalize_isbn("ISBN 0765614227"), None, "labels are not stripped here");
    }

    #[test]
    fn author_forms() {
        let authors = |line: &str| parse(line, None).authors;
        assert_eq!(authors("Geoffrey Jukes, (2002) T."), vec![name("Jukes", "Geoffrey")]);
        assert_eq!(authors("Jukes, Geoffrey (2002) T."), vec![name("Jukes", "Geoffrey")]);
        assert_eq!(authors("White, J. A.(1969): \"T\""), vec![name("White", "J. A.")]);
        assert_eq!(authors("De Martens, F, (1905). T."), vec![name("De Martens", "F")]);
        assert_eq!(
            authors("Davis, Richard Harding, and Alfred Thayer Mahan. (1905). T."),
            vec![name("Davis", "Richard Harding"), name("Mahan", "Alfred Thayer")]
        );
        assert_eq!(
            authors("Smith, J., Jones, K., & Brown, L. (2000). T."),
            vec![name("Smith", "J."), name("Jones", "K."), name("Brown", "L.")]
        );
        assert_eq!(
            authors("Geoffrey Jukes, Alfred Mahan (2000). T."),
            vec![name("Jukes", "Geoffrey"), name("Mahan", "Alfred")]
        );
        assert_eq!(
            authors("Ludwig van Beethoven & Charles de Gaulle (1950). T."),
            vec![name("van Beethoven", "Ludwig"), name("de Gaulle", "Charles")]
        );
        assert_eq!(authors("Schneider, M. M.. (1972). T."), vec![name("Schneider", "M. M.")]);
        assert_eq!(authors("Иванов, А. Б. (2004). Т."), vec![name("Иванов", "А. Б.")]);
        assert_eq!(authors("山田太郎 (2003). 『T』."), vec![name("山田", "太郎")]);
        assert_eq!(authors("長谷川剛 (2008). 『T』."), vec![name("長谷川", "剛")]);
        assert_eq!(authors("林太郎 (2008). 『T』."), vec![name("林", "太郎")]);
        assert_eq!(authors("山田 太郎 (2003). 『T』."), vec![name("山田", "太郎")]);
        assert_eq!(authors("リチャード・ブラウン (2003). 『T』."), vec![name("ブラウン", "リチャード")]);
        assert_eq!(authors("Plato (1900). T."), vec![name("Plato", "")]);
        assert_eq!(authors("Smith, John. 1999. A Book. Chicago: X Press."), vec![name("Smith", "John")]);
        assert_eq!(authors("\"Headline\", The Times. May 1, 1900."), vec![]);
    }

    #[test]
    fn years() {
        let r = parse("Randall, Peter. (1985, 2002) Title Portsmouth Marine Society.", None);
        assert_eq!((r.year, r.years), (Some(1985), vec![1985, 2002]));
        let r = parse("Jukes, G. (2002) The War 1904-1905. Oxford: Osprey Publishing.", None);
        assert_eq!((r.year, r.years), (Some(2002), vec![2002]));
        assert_eq!(parse("山田太郎（2003）. 『T』. 岩波書店.", None).year, Some(2003));
        assert_eq!(parse("Smith, J. (2001a). T.", None).year, Some(2001));
        let r = parse("\"Text of the Treaty\", New York Times. October 17, 1905.", None);
        assert_eq!((r.year, r.years), (Some(1905), vec![1905]), "a newspaper's date");
        let r = parse("The Russo-Japanese War 1904-1905. Oxford: Osprey Publishing.", None);
        assert_eq!((r.year, r.years), (None, vec![]), "years in titles are not publication years");
        assert_eq!(parse("Smith, J. (n.d.). T.", None).year, None);
    }

    #[test]
    fn containers() {
        let r = parse("De Martens, F, (1905). \"T\", The North American Review, 181 (558).", None);
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("The North American Review"), s("181"), s("558"), None)
        );
        let r = parse(
            "Beaumont, B. U. (1988). \"A note on Treaty\", Software: Practice and Experience, \
             44(7):97-533. doi:10.9357/software.1988.3525",
            None,
        );
        assert_eq!(r.title, s("A note on Treaty"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Software: Practice and Experience"), s("44"), s("7"), s("97-533"))
        );
        assert_eq!((r.publisher, r.place), (None, None));
        let r = parse("Turner, M. A. (2004). \"T\", USENIX ;login:, 55(2):294-613.", None);
        assert_eq!((r.container, r.volume), (s("USENIX ;login:"), s("55")));
        let r = parse("Roe, R. (2011). Article title. Journal of Things, vol. 3, no. 2, pp. 5-9.", None);
        assert_eq!(r.title, s("Article title"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Journal of Things"), s("3"), s("2"), s("5-9"))
        );
        let r = parse("Gray, M. (1990). \"Peace\", Nature 412: 33-35. https://doi.org/10.1038/x", None);
        assert_eq!((r.container, r.volume, r.issue, r.pages), (s("Nature"), s("412"), None, s("33-35")));
        let r = parse("\"Treaty Debate Continues\", The Times. April 13, 2009.", None);
        assert_eq!(
            (r.title, r.container, r.year),
            (s("Treaty Debate Continues"), s("The Times"), Some(2009))
        );
        let r = parse("田中真理子 (1990). 「lsに関する考察」. 『Software Design』 14(2): 111–354.", None);
        assert_eq!(r.title, s("lsに関する考察"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Software Design"), s("14"), s("2"), s("111–354"))
        );
        let r = parse("Орлов, В. Н. (2010). «ls: обзор». Системный администратор, 39(1): 90–268.", None);
        assert_eq!(r.title, s("ls: обзор"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Системный администратор"), s("39"), s("1"), s("90–268"))
        );
    }

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

    #[test]
    fn places_and_publishers() {
        let pp = |line: &str| {
            let r = parse(line, None);
            (r.title, r.place, r.publisher)
        };
        assert_eq!(
            pp("Harcave, Sidney. (2004) A Biography. Armonk, New York: M.E. Sharpe."),
            (s("A Biography"), s("Armonk, New York"), s("M.E. Sharpe"))
        );
        assert_eq!(
            pp("Witte, Sergei. (1921). The Memoirs. New York: Doubleday"),
            (s("The Memoirs"), s("New York"), s("Doubleday"))
        );
        assert_eq!(
            pp(
                "White, R. P. (1906). The Treaty Problem. Sebastopol, CA: O'Reilly Media. ISBN 978-4-1586-8344-5"
            ),
            (s("The Treaty Problem"), s("Sebastopol, CA"), s("O'Reilly Media"))
        );
        assert_eq!(
            pp("James, Simon. (2022). Linux Device Drivers. Edinburgh: T. & T. Clark."),
            (s("Linux Device Drivers"), s("Edinburgh"), s("T. & T. Clark"))
        );
        assert_eq!(
            pp("Попов, П. Г. (2021). ls. Теория и практика. Новосибирск: Наука. ISBN 978-5-01-908421-0"),
            (s("ls. Теория и практика"), s("Новосибирск"), s("Наука"))
        );
        assert_eq!(
            pp("Кузнецов, И. Н. (2002). Администрирование: ls. СПб.: БХВ-Петербург."),
            (s("Администрирование: ls"), s("СПб."), s("БХВ-Петербург"))
        );
        assert_eq!(
            pp("池田健一 (1999). 『ls実践ガイド』. ソフトバンククリエイティブ. ISBN 978-4-02858-733-0"),
            (s("ls実践ガイド"), None, s("ソフトバンククリエイティブ"))
        );
        assert_eq!(
            pp("Doe, J. (1990). Freedom of the Press"),
            (s("Freedom of the Press"), None, None),
            "one capitalized word is no run-on publisher"
        );
        assert_eq!(
            pp("Doe, J. (1990). A History of the Royal Society"),
            (s("A History of the Royal Society"), None, None)
        );
        assert_eq!(
            pp("Doe, J. (1990). An Essay: Peace in Our Time"),
            (s("An Essay: Peace in Our Time"), None, None)
        );
    }

    #[test]
    fn identifiers() {
        let r = parse("Doe, J. (2001). Title. London: Macmillan. ISBN 0-7656-1422-8", None);
        assert_eq!(
            r.isbns,
            vec![Isbn { raw: "0-7656-1422-8".into(), isbn13: None }],
            "invalid kept, flagged"
        );
        assert!(r.isbn13().is_empty());
        let r = parse("Doe, J. (2001). Title. London: Macmillan. ISBN-13: 978 0 7656 1422 3 (pbk.)", None);
        assert_eq!(r.isbns, vec![Isbn { raw: "978 0 7656 1422 3".into(), isbn13: s("9780765614223") }]);
        let r = parse("Doe, J. (2001). Title. London: Macmillan. 0-8044-2957-X; isbn:9780765614223", None);
        assert_eq!(r.isbn13(), vec!["9780804429573".to_string(), "9780765614223".to_string()]);
        assert_eq!(r.publisher, s("Macmillan"));
        let r = parse("Doe, J. (2001). Title. OCLC 21581015", None);
        assert_eq!((r.oclc, r.title), (s("21581015"), s("Title")));
        let r = parse("Doe, J. (2001). Title. OCLC:21581015.", None);
        assert_eq!(r.oclc, s("21581015"));
        let r = parse("Doe, J. (2001). Pages 12-345 of 1904-1905. London: X Press.", None);
        assert!(r.isbns.is_empty(), "ranges are not ISBNs");
    }

    #[test]
    fn roles() {
        let tr = |family: &str, given: &str| Role { role: "translator".into(), name: name(family, given) };
        let r = parse(
            "Witte, Sergei. (1921). Memoirs (translator, Abraham Yarmolinsky). New York: Doubleday",
            None,
        );
        assert_eq!((r.title, r.roles), (s("Memoirs"), vec![tr("Yarmolinsky", "Abraham")]));
        let r = parse("Beethoven, L. (1950). Letters (Sidney Harcave, trans.). Paris: Gallimard.", None);
        assert_eq!((r.title, r.roles), (s("Letters"), vec![tr("Harcave", "Sidney")]));
        let r = parse(
            "Poe, E. A. (1845). The Raven, translated by Somebody Else. New York: Wiley & Putnam.",
            None,
        );
        assert_eq!((r.title, r.roles), (s("The Raven"), vec![tr("Else", "Somebody")]));
        assert_eq!(r.publisher, s("Wiley & Putnam"));
        let r = parse("Jennifer Stewart (1988). 『lsの基礎』(渡辺亮訳). 技術評論社.", None);
        assert_eq!(r.authors, vec![name("Stewart", "Jennifer")]);
        assert_eq!((r.title, r.publisher), (s("lsの基礎"), s("技術評論社")));
        assert_eq!(r.roles, vec![tr("渡辺", "亮")]);
        let r = parse("山田 太郎 (2003). 『書名』(佐藤花子・鈴木一郎訳). 岩波書店.", None);
        assert_eq!(r.roles, vec![tr("佐藤", "花子"), tr("鈴木", "一郎")]);
        let r = parse("Doe, J. (2000). Letters (tr. by Ian Ruxton). London: X Press.", None);
        assert_eq!(r.roles, vec![tr("Ruxton", "Ian")]);
        let r = parse("Doe, J. (2000). A Title (Penguin ed.). London: Smith, Elder & Co.", None);
        assert_eq!(
            (r.title, r.roles, r.publisher),
            (s("A Title (Penguin ed.)"), vec![], s("Smith, Elder & Co."))
        );
    }

    #[test]
    fn ditto_takes_the_previous_authors() {
        let first = parse("Harcave, Sidney. (2004) Count Witte. Armonk, New York: M.E. Sharpe.", None);
        for line in
            ["______________. (1990). T.", "---. (1990). T.", "—. (1990). T.", "---. Title. London: X Press."]
        {
            let r = parse(line, Some(&first));
            assert!(r.ditto, "{line}");
            assert_eq!(r.authors, vec![name("Harcave", "Sidney")], "{line}");
        }
        let r = parse("---. (1990). T.", None);
        assert!(r.ditto && r.authors.is_empty());
        assert!(!parse("Doe, J. (1990). T.", Some(&first)).ditto);
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
        let seed_lines = reference_lines(include_str!("../../corpus/treaty-of-portsmouth.txt"));
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
