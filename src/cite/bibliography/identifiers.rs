//! Step 2 of `parse`: identifiers (`ISBN`, `10-ISBN`, `ISBN-13:`, bare hyphenated ISBNs,
//! `OCLC`, DOIs, URLs) taken out of an entry into its [`Reference`], and [`normalize_isbn`],
//! which checks an ISBN and gives its 13-digit form.

use super::text::{is_hyphen, skip_while};
use super::{Isbn, Reference};

/// The digits of a number written with digits and hyphens only (an OCLC number, an ISBN
/// as typed), as identifiers are indexed; `None` for anything else.
pub fn identifier_digits(word: &str) -> Option<String> {
    let digits: String = word.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty() && word.chars().all(|c| c.is_ascii_digit() || c == '-')).then_some(digits)
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
/// `NNNN-NNNX` when `s` is an ISSN with a right check digit (hyphen optional).
pub fn normalize_issn(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().filter(|c| !is_hyphen(*c)).map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() != 8 || !chars[..7].iter().all(char::is_ascii_digit) {
        return None;
    }
    let sum: u32 = chars[..7].iter().zip((2..=8).rev()).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    let check = match (11 - sum % 11) % 11 {
        10 => 'X',
        d => char::from_digit(d, 10)?,
    };
    (chars[7] == check).then(|| {
        format!("{}-{}", chars[..4].iter().collect::<String>(), chars[4..].iter().collect::<String>())
    })
}

fn ean_check(d12: &[u32]) -> u32 {
    let sum: u32 = d12.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d }).sum();
    (10 - sum % 10) % 10
}

/// Takes ISBNs, OCLC numbers, DOIs and URLs out of `body` (into `r`), leaving [`IDENT`](super::IDENT)s.
pub(super) fn extract_identifiers(body: &str, r: &mut Reference) -> String {
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
    if rest.starts_with("issn") {
        let start = skip_while(body, i + 4, |c| c.is_whitespace() || matches!(c, ':' | '#'));
        let end = skip_while(body, start, |c| c.is_ascii_digit() || is_hyphen(c) || c == 'X' || c == 'x');
        let issn = normalize_issn(&body[start..end])?;
        r.issn.get_or_insert(issn);
        return Some(end);
    }
    if rest.starts_with("doi") {
        let start = skip_while(body, i + 3, |c| c.is_whitespace() || c == ':');
        if start == i + 3 || !body[start..].starts_with("10.") {
            return None;
        }
        let end = skip_while(body, start, |c| !c.is_whitespace());
        r.doi.get_or_insert_with(|| trailing_off(&body[start..end]).to_string());
        return Some(end);
    }
    if rest.starts_with("http://") || rest.starts_with("https://") {
        let end = skip_while(body, i, |c| !c.is_whitespace());
        let url = trailing_off(&body[i..end]);
        // `https://doi.org/10.…` is a DOI.
        match url.split_once("doi.org/").filter(|(_, d)| d.starts_with("10.")) {
            Some((_, d)) => r.doi.get_or_insert_with(|| d.to_string()),
            None => r.url.get_or_insert_with(|| url.to_string()),
        };
        return Some(end);
    }
    bare_isbn(body, i, r)
}

/// An identifier without the punctuation that ends the sentence it closes (`…/x).` → `…/x`).
fn trailing_off(s: &str) -> &str {
    let s = s.trim_end_matches(['.', ',', ';', ']']);
    if s.ends_with(')') && !s.contains('(') { s.trim_end_matches(')') } else { s }
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

#[cfg(test)]
mod tests {
    use super::{normalize_isbn, normalize_issn};
    use crate::cite::bibliography::tests::s;
    use crate::cite::bibliography::{Isbn, parse_rules as parse};

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
    fn dois_and_urls() {
        let r =
            parse("Brown, M. (1999). Title. Journal of X, 12(3):45-300. doi:10.1234/journal.1999.42.", None);
        assert_eq!((r.doi.as_deref(), r.url.as_deref()), (Some("10.1234/journal.1999.42"), None));
        let r = parse("Brown, M. (1999). Title. https://doi.org/10.5555/x_1 (accessed 2020)", None);
        assert_eq!((r.doi.as_deref(), r.url.as_deref()), (Some("10.5555/x_1"), None));
        let r = parse("Brown, M. (1999). Title. Available at https://example.org/a_b?c=1.", None);
        assert_eq!((r.doi.as_deref(), r.url.as_deref()), (None, Some("https://example.org/a_b?c=1")));
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
        let r = parse("Doe, J. (2001). Title. Journal of Peace Research 6(4). ISSN 0022-3433", None);
        assert_eq!(
            (r.issn.as_deref(), r.container.as_deref()),
            (Some("0022-3433"), Some("Journal of Peace Research"))
        );
        assert_eq!(normalize_issn("0022-3434"), None, "wrong check digit");
        assert_eq!(normalize_issn("2434561x"), Some("2434-561X".to_string()));
        let r = parse("Doe, J. (2001). Pages 12-345 of 1904-1905. London: X Press.", None);
        assert!(r.isbns.is_empty(), "ranges are not ISBNs");
    }
}
