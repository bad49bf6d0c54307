//! Step 1 of `parse`: the head of an entry. The authors are what precedes the first
//! parenthesized year group (`(1905)`, `(1985, 2002)`, `（2003）`); without one, a bare
//! `1999.` sentence or an inverted name (`Smith, John.`) is tried. A run of `_`, `-` or `—`
//! is a ditto. Reading the names themselves is left to `names`.

use super::sentences::segments;
use super::text::{is_capitalized, is_hyphen, is_opening_quote, is_particle};

/// Authors, years and the rest of an entry.
pub(super) struct Head<'a> {
    pub(super) authors: Option<&'a str>,
    pub(super) years: Vec<u32>,
    pub(super) body: &'a str,
}

/// Splits the authors and the year group off the front of an entry.
pub(super) fn split_head(text: &str) -> Head<'_> {
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
pub(crate) fn year_of(tok: &str) -> Option<u32> {
    if tok.len() != 4 || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    tok.parse().ok().filter(|y| (1000..3000).contains(y))
}

/// `______________.`, `---.`, `—.`: "same authors as above".
pub(super) fn is_ditto(zone: &str) -> bool {
    let z = zone.trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ':' | ';'));
    !z.is_empty() && z.chars().all(|c| c == '_' || is_hyphen(c))
}

/// Could this be a list of names? Capitalized words, initials, particles and conjunctions.
pub(super) fn name_like(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use crate::cite::bibliography::parse;
    use crate::cite::bibliography::tests::name;

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
}
