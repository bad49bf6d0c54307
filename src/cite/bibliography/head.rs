//! Step 1 of `parse`: the head of an entry. The authors are what precedes the first
//! parenthesized year group (`(1905)`, `(1985, 2002)`, `（2003）`); without one, a bare
//! `1999.` sentence or an inverted name (`Smith, John.`) is tried. A run of `_`, `-` or `—`
//! is a ditto. Reading the names themselves is left to `names`.

use super::sentences::segments;
use super::text::{is_capitalized, is_hyphen, is_initials, is_opening_quote, is_particle, word_spans};

/// Authors, years and the rest of an entry.
pub(super) struct Head<'a> {
    pub(super) authors: Option<&'a str>,
    pub(super) years: Vec<u32>,
    pub(super) body: &'a str,
}

impl Head<'_> {
    /// The byte range of the authors in `text`, the string the head was split from.
    pub(super) fn author_range(&self, text: &str) -> Option<(usize, usize)> {
        self.authors.map(|z| {
            let start = z.as_ptr() as usize - text.as_ptr() as usize;
            (start, start + z.len())
        })
    }
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
    if let Some(head) = inverted_names_head(text).or_else(|| initials_first_head(text)) {
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

/// Inverted names read word by word, for heads that end inside a sentence (the splitter does
/// not cut after an initial): `Gray, Edmund R. Readings in…`, `Leser, E. V. Econometric…`,
/// `Woolley, John T. 1986. Monetary…`, `Grandin, Temple, and Richard Panek. The Autistic…`,
/// `Deleers, M., et al., Effect of…`. A name is a family name (capitalized words or
/// particles, then a comma) and given names (capitalized words or initials); it ends at a
/// given name followed by a period, or at an initial followed by something else than an
/// initial or a given name with its period (`Woodworth, G. Walter.`). Further names follow
/// after `,`, `;`, `and`, `&`, inverted or given names first; `et al.` ends the list, and so
/// does anything that does not read as a name (`Lindenberger, Herbert, Georg Trakl (…)`).
/// A bare year sentence may follow (`1986.`).
fn inverted_names_head(text: &str) -> Option<Head<'_>> {
    let words = word_spans(text);
    let mut k = 0;
    let mut end: Option<usize> = None; // byte end of the last name
    let mut names = 0;
    while let Some(&(_, w)) = words.get(k) {
        // `et al.`
        if names > 0 && w == "et" && words.get(k + 1).is_some_and(|(_, n)| n.starts_with("al")) {
            let (at, al) = words[k + 1];
            end = Some(at + al.trim_end_matches([',', '.']).len());
            k += 2;
            break;
        }
        // The first name is inverted; a later one is inverted when its first word ends with
        // `,` or `;` (`Robinson, T.E.`), and given names first otherwise (`Richard Panek.`).
        let name = if names == 0 || w.ends_with([',', ';']) {
            inverted_name(&words, k)
        } else {
            given_first_name(&words, k)
        };
        // A name that does not read ends the list after the names read so far.
        let Some(Name { next, end: name_end, last }) = name else {
            if names > 0 {
                break;
            }
            return None;
        };
        names += 1;
        end = Some(name_end);
        k = next;
        if last {
            break;
        }
        // Between names: `and`, `&`.
        if let Some((_, w)) = words.get(k)
            && matches!(*w, "and" | "&")
        {
            k += 1;
        }
    }
    Some(head_after_names(text, &words, k, end?))
}

/// One name read by [`inverted_names_head`]: the word after it, the byte end of the name, and
/// whether it ends the list.
struct Name {
    next: usize,
    end: usize,
    last: bool,
}

fn bare(w: &str) -> &str {
    w.trim_end_matches([',', '.', ';'])
}

fn is_initial(w: &str) -> bool {
    is_initials(w.trim_end_matches(','))
}

fn is_given(w: &str) -> bool {
    let b = bare(w);
    is_initials(b)
        || is_initial(w)
        || (is_capitalized(b) && b.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\''))
}

/// `Gray, Edmund R.` at word `k`: a family name of up to three words, the last ending with `,`
/// or `;`, then given names.
fn inverted_name(words: &[(usize, &str)], k: usize) -> Option<Name> {
    let mut f = k;
    while f < words.len() && f - k < 3 && !words[f].1.ends_with([',', ';']) {
        let b = bare(words[f].1);
        if !(is_capitalized(b) || is_particle(b)) || b.chars().any(|c| c.is_ascii_digit()) || is_initial(b) {
            return None;
        }
        f += 1;
    }
    let last = words.get(f)?.1;
    let b = bare(last);
    // `CK,` in `Khoury CK, Bjorkman AD`: Vancouver initials, not a family name.
    let vancouver = b.len() <= 3 && b.chars().all(|c| c.is_uppercase());
    if !last.ends_with([',', ';'])
        || !is_capitalized(b)
        || b.chars().any(|c| c.is_ascii_digit())
        || b.len() < 2
        || vancouver
    {
        return None;
    }
    // Given names.
    let mut g = f + 1;
    while g < words.len() && g - f <= 4 {
        let w = words[g].1;
        if !is_given(w) {
            return None;
        }
        let next_initial = words.get(g + 1).is_some_and(|(_, n)| is_initial(n));
        let name_end = words[g].0 + bare(w).len();
        if w.ends_with([',', ';']) {
            return Some(Name { next: g + 1, end: name_end, last: false });
        }
        // `Woodworth, G. Walter.`: a word with a period after an initial is a given name.
        let word_after = words.get(g + 1).is_some_and(|(_, n)| {
            !is_initial(n) && n.ends_with('.') && is_given(n) && words.get(g + 2).is_some()
        });
        if is_initial(w) && word_after {
            g += 1;
            continue;
        }
        if w.ends_with('.') && (!is_initial(w) || !next_initial) {
            // An initial keeps its period in the name zone; a word's period ends it, unless
            // `and` or `&` brings another name.
            let more = words.get(g + 1).is_some_and(|(_, n)| matches!(*n, "and" | "&"));
            let end = if is_initial(w) { words[g].0 + w.len() } else { name_end };
            return Some(Name { next: g + 1, end, last: !more });
        }
        g += 1;
    }
    None
}

/// `Richard Panek.` at word `k`: given names, then the family name ending with `.` (the last
/// name) or `,`.
fn given_first_name(words: &[(usize, &str)], k: usize) -> Option<Name> {
    let mut g = k;
    while g < words.len() && g - k < 5 {
        let w = words[g].1;
        if !is_given(w) {
            return None;
        }
        if g > k && (w.ends_with('.') && !is_initial(w) || w.ends_with(',')) {
            let end = words[g].0 + w.trim_end_matches([',', '.']).len();
            return Some(Name { next: g + 1, end, last: w.ends_with('.') });
        }
        g += 1;
    }
    None
}

/// The head once its names end at byte `end` and the words go on at word `k`: a bare year
/// sentence there (`1986.`) is the year, and the body follows.
fn head_after_names<'a>(text: &'a str, words: &[(usize, &str)], k: usize, end: usize) -> Head<'a> {
    let mut body_at = words.get(k).map_or(text.len(), |(at, _)| *at);
    let mut years = Vec::new();
    if let Some((_, w)) = words.get(k)
        && let Some(y) = year_group(w.trim_end_matches(['.', ',']))
    {
        years = y;
        body_at = words.get(k + 1).map_or(text.len(), |(next, _)| *next);
    }
    Head { authors: Some(&text[..end]), years, body: &text[body_at..] }
}

/// Names with their initials first, as IEEE and many science styles write them: `M. Vollmer,
/// E. J. Mayer, and K. Eberl, “Exciton…”`, `S. Chapman and T. G. Cowling, The Mathematical…`,
/// `Lisa F. Rau. Extracting…`. Each name is given names holding at least one initial, then a
/// family name (capitalized words or particles) ending at `,` or `.`; names are joined by
/// `,`, `and`, `&` (or `et`, `e`, `und`). The list ends after a family name followed by `.`,
/// or by `,` and something that is not another name.
fn initials_first_head(text: &str) -> Option<Head<'_>> {
    let words = word_spans(text);
    let word = |w: &str| {
        let b = w.trim_end_matches([',', '.']);
        is_capitalized(b)
            && b.chars().count() > 1
            && b.chars().all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
    };
    let mut k = 0;
    let mut end;
    loop {
        // Given names: words and initials, at least one initial, then the family name.
        let start = k;
        let mut initials = 0;
        while let Some((_, w)) = words.get(k) {
            if is_initial(w) && !w.ends_with(',') {
                initials += 1;
                k += 1;
            } else if word(w)
                && !w.ends_with([',', '.'])
                && words.get(k + 1).is_some_and(|(_, n)| is_initial(n))
            {
                k += 1; // `Lisa F. Rau`
            } else {
                break;
            }
        }
        if initials == 0 || k == start {
            return None;
        }
        while words.get(k).is_some_and(|(_, w)| is_particle(w)) {
            k += 1;
        }
        let (at, family) = *words.get(k)?;
        if !word(family) || is_initial(family) {
            return None;
        }
        end = Some(at + family.trim_end_matches([',', '.']).len());
        k += 1;
        if family.ends_with('.') {
            break;
        }
        let comma = family.ends_with(',');
        match words.get(k).map(|(_, w)| *w) {
            Some("and" | "&" | "et" | "e" | "und") => k += 1,
            Some(_) if comma => {
                // Another name, or the end of the list (the title follows the comma).
                let next = words.get(k).map(|(_, w)| *w).unwrap_or_default();
                let and_next = matches!(next, "and" | "&");
                if and_next {
                    k += 1;
                } else if !(is_initial(next)
                    || (word(next) && words.get(k + 1).is_some_and(|(_, n)| is_initial(n))))
                {
                    break;
                }
            }
            _ => break,
        }
    }
    Some(head_after_names(text, &words, k, end?))
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

/// The `a` of `2010a` at `i` (a lower-case letter ending the word): the new end and the
/// letter.
pub(crate) fn year_suffix(t: &str, i: usize) -> (usize, Option<String>) {
    let mut cs = t[i..].chars();
    match (cs.next(), cs.next()) {
        (Some(c), next) if c.is_ascii_lowercase() && next.is_none_or(|n| !n.is_alphanumeric()) => {
            (i + 1, Some(c.to_string()))
        }
        _ => (i, None),
    }
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
    use super::{initials_first_head, inverted_names_head};
    use crate::cite::Reference;
    use crate::cite::bibliography::parse_rules as parse;
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
    fn inverted_names_end_inside_a_sentence() {
        let families = |r: &Reference| r.authors.iter().map(|n| n.family.clone()).collect::<Vec<_>>();
        let r = parse("Gray, Edmund R. Readings in Business Policy. New York: Appleton, 1968.", None);
        assert_eq!(families(&r), vec!["Gray"]);
        assert_eq!(r.authors[0].given, "Edmund R.");
        assert_eq!(r.title.as_deref(), Some("Readings in Business Policy"));
        assert_eq!(
            (r.place.as_deref(), r.publisher.as_deref(), r.year),
            (Some("New York"), Some("Appleton"), Some(1968))
        );
        let r = parse("Woolley, John T. 1986. Monetary Politics. Cambridge University Press.", None);
        assert_eq!(
            (families(&r), r.year, r.title.as_deref()),
            (vec!["Woolley".to_string()], Some(1986), Some("Monetary Politics"))
        );
        let r = parse(
            "Grandin, Temple, and Richard Panek. The Autistic Brain. New York: Houghton Mifflin, 2014.",
            None,
        );
        assert_eq!(families(&r), vec!["Grandin", "Panek"]);
        assert_eq!(r.title.as_deref(), Some("The Autistic Brain"));
        let r = parse("Burton, Robert P. and Sutherland, Ivan E. \"Twinkle Box\". Proceedings, 1974.", None);
        assert_eq!(families(&r), vec!["Burton", "Sutherland"]);
        let r = parse(
            "Deleers, M., et al., Effect of lipid composition. Biochem Biophys Res Commun, 1984.",
            None,
        );
        assert_eq!(families(&r), vec!["Deleers"]);
        let r = parse(
            "M. Vollmer, E. J. Mayer, W. W. Rühle, and K. Eberl, “Exciton relaxation,” Physical Review B 54 (1996).",
            None,
        );
        assert_eq!(families(&r), vec!["Vollmer", "Mayer", "Rühle", "Eberl"]);
        assert_eq!(r.title.as_deref(), Some("Exciton relaxation"));
        let r = parse(
            "S. Chapman and T. G. Cowling, The Mathematical Theory of Gases, Cambridge University Press, 1970.",
            None,
        );
        assert_eq!(families(&r), vec!["Chapman", "Cowling"]);
        let r = parse("Lisa F. Rau. Extracting company names from text. In Proceedings, 1991.", None);
        assert_eq!(
            (families(&r), r.title.as_deref()),
            (vec!["Rau".to_string()], Some("Extracting company names from text"))
        );
        assert!(initials_first_head("War and Peace. Moscow, 1869.").is_none());
        assert!(initials_first_head("The Russo-Japanese War 1904-1905. Oxford: Osprey.").is_none());
        let r = parse(
            "Sham, Y.; Chu, Z.; Warshel, A. “Consistent Calculations.” J. Phys. Chem. B 1997, 101, 4458–4472.",
            None,
        );
        assert_eq!(families(&r), vec!["Sham", "Chu", "Warshel"]);
        let r = parse(
            "Adamson, Joni, Mei Mei Evans, and Rachel Stein, eds. The Reader. Tucson: UAP, 2002.",
            None,
        );
        assert_eq!(families(&r), vec!["Adamson", "Evans", "Stein"]);
        let r = parse("Woodworth, G. Walter. The Money Market. New York: Harper and Row, 1965.", None);
        assert_eq!(
            (r.authors[0].given.as_str(), r.title.as_deref()),
            ("G. Walter", Some("The Money Market"))
        );
        let r = parse("Lindenberger, Herbert, Georg Trakl (New York, NY: Twayne, 1971).", None);
        assert_eq!(families(&r), vec!["Lindenberger"]);
        // Given names first, or Vancouver initials: not the inverted reader's.
        for line in [
            "M. Vollmer, E. J. Mayer, and K. Eberl, \"Exciton relaxation\", 1996.",
            "Khoury CK, Bjorkman AD. Food supplies. 2014.",
        ] {
            assert!(inverted_names_head(line).is_none(), "{line}");
        }
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
