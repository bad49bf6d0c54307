//! Fields of an entry from the labeller: the tokens given each label are gathered into the
//! [`Reference`]'s fields, cleaned of the punctuation and words around them (`pp.`, `vol.`,
//! `eds.`, quotes), names split by `names`.

use super::labeller::label::*;
use super::labeller::{Model, tokens, zone_hints};
use super::names::parse_names;
use super::text::{clean, is_closing_quote, is_opening_quote};
use super::{Name, Role, head};

/// The fields the labeller found in an entry.
#[derive(Debug, Default)]
pub(super) struct Labelled {
    pub authors: Vec<Name>,
    pub editors: Vec<Name>,
    pub translators: Vec<Name>,
    pub years: Vec<u32>,
    pub title: Option<String>,
    pub container: Option<String>,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub edition: Option<String>,
    pub series: Option<String>,
}

impl Labelled {
    pub fn roles(&self) -> Vec<Role> {
        let role = |r: &str, names: &[Name]| {
            names.iter().map(|n| Role { role: r.to_string(), name: n.clone() }).collect::<Vec<_>>()
        };
        let mut out = role("editor", &self.editors);
        out.extend(role("translator", &self.translators));
        out
    }
}

/// Labels `text` with the shipped model; `None` when no model is shipped or the text has no
/// tokens. `zone` is the byte range of `text` where the rules' head splitter put the
/// authors (a feature of the model); with `trust_zone` its tokens are labelled `author`.
pub(super) fn label(text: &str, zone: Option<(usize, usize)>, trust_zone: bool) -> Option<Labelled> {
    let model = Model::shipped();
    if !model.is_trained() {
        return None;
    }
    let mut spans = tokens(text);
    // Identifiers are the rules' (`identifiers`), and what follows the first one is a
    // trailer (`10-ISBN …; 13-ISBN … (paper)`): the labeller reads the description before it.
    let all: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
    let mut ident = identifier_tokens(&all);
    if let Some(first) = ident.iter().position(|&i| i).filter(|&i| i > 0) {
        spans.truncate(first);
        ident.truncate(first);
    }
    if spans.is_empty() {
        return None;
    }
    let toks = &all[..spans.len()];
    let hints = zone_hints(&spans, zone);
    let fixed = |i: usize, l: usize| {
        if trust_zone && hints[i] == 1 {
            l == AUTHOR
        } else if ident[i] {
            l == IDENTIFIER
        } else {
            true
        }
    };
    let scores = model.score(toks, &hints);
    let mut labels = model.decode(&scores, fixed);
    // An editor or translator is named so (`ed.`, `edited by`, `trans.`); a run of names
    // without such a word near it is no person of the entry (`P. F. Collier & Son`, a
    // publisher).
    let unnamed = role_runs_without_role_words(toks, &labels, &[EDITOR, TRANSLATOR]);
    if unnamed.iter().any(|&u| u) {
        let name = |l: usize| l == EDITOR || l == TRANSLATOR || l == AUTHOR;
        labels = model.decode(&scores, |i, l| fixed(i, l) && !(unnamed[i] && name(l)));
    }
    Some(gather(text, &spans, &labels))
}

/// Tokens that are identifiers: `ISBN`, `10-ISBN`, `OCLC`, `doi:` and the number after
/// them, URLs, DOIs.
fn identifier_tokens(toks: &[&str]) -> Vec<bool> {
    let mut out = vec![false; toks.len()];
    let mut after_label = false;
    for (i, t) in toks.iter().enumerate() {
        let low = t.to_lowercase();
        let label = ["isbn", "10-isbn", "13-isbn", "isbn-10", "isbn-13", "oclc", "issn", "doi"]
            .iter()
            .any(|p| low.trim_end_matches([':', ',']) == *p);
        let url = low.starts_with("http://")
            || low.starts_with("https://")
            || low.starts_with("doi:")
            || low.starts_with("10.") && low.contains('/');
        let number = after_label && t.chars().filter(char::is_ascii_digit).count() >= 4;
        out[i] = label || url || number;
        after_label = label || (number && !t.ends_with([';', '.']));
    }
    out
}

/// For each token, whether it is in a run of one of `roles` with no role word (`ed.`,
/// `eds.`, `edited`, `hrsg.`, `trans.`, …) within two tokens of the run.
fn role_runs_without_role_words(toks: &[&str], labels: &[usize], roles: &[usize]) -> Vec<bool> {
    let role_word = |t: &str| {
        let w: String = t.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect();
        matches!(
            w.as_str(),
            "ed" | "eds"
                | "edited"
                | "editor"
                | "editors"
                | "hrsg"
                | "hg"
                | "herausgegeben"
                | "éd"
                | "éds"
                | "dir"
                | "trans"
                | "translated"
                | "translator"
                | "transl"
                | "tr"
                | "coord"
                | "comp"
                | "compiled"
                | "red"
                | "übers"
                | "trad"
                | "traduit"
                | "a cura di"
                | "cura"
        )
    };
    let mut out = vec![false; toks.len()];
    for (l, a, b) in runs(labels) {
        if !roles.contains(&l) {
            continue;
        }
        let near = toks[a.saturating_sub(2)..(b + 2).min(toks.len())].iter().any(|t| role_word(t));
        if !near {
            out[a..b].iter_mut().for_each(|u| *u = true);
        }
    }
    out
}

/// The runs of tokens of each label: (label, first token, one past the last).
fn runs(labels: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (i, &l) in labels.iter().enumerate() {
        match out.last_mut() {
            Some(run) if run.0 == l && run.2 == i => run.2 = i + 1,
            _ => out.push((l, i, i + 1)),
        }
    }
    out
}

/// Every style puts punctuation between a title and the date after it, so a year that runs on
/// from the title without it belongs to the title (`… Peace Treaty 1905`, `… at Portsmouth in
/// 1905.`), as does a year inside the title's quotation marks (`"Portsmouth 1905: …"`).
fn years_in_titles(text: &str, spans: &[(usize, usize)], labels: &mut [usize]) {
    let word = |k: usize| &text[spans[k].0..spans[k].1];
    let runs_on = |k: usize| word(k).ends_with(char::is_alphanumeric);
    // Whether a token starts inside quotation marks (`"Portsmouth 1905: Peace …"`).
    let mut quoted = Vec::with_capacity(labels.len());
    let mut open = false;
    for k in 0..labels.len() {
        let w = word(k);
        quoted.push(open || w.starts_with(['"', '“', '«', '„']));
        for c in w.chars() {
            match c {
                '“' | '«' | '„' => open = true,
                '”' | '»' => open = false,
                '"' => open = !open,
                _ => {}
            }
        }
    }
    for i in 1..labels.len() {
        if labels[i] != DATE {
            continue;
        }
        let next_is_title = labels.get(i + 1) == Some(&TITLE);
        if (quoted[i] && (labels[i - 1] == TITLE || next_is_title))
            || (labels[i - 1] == TITLE && runs_on(i - 1))
        {
            labels[i] = TITLE;
        } else if i >= 2
            && labels[i - 2] == TITLE
            && runs_on(i - 2)
            && labels[i - 1] == OTHER
            && matches!(
                word(i - 1),
                "in" | "of" | "since" | "from" | "to" | "until" | "en" | "de" | "im" | "von"
            )
        {
            labels[i - 1] = TITLE;
            labels[i] = TITLE;
        }
    }
}

/// A book (a publisher, no volume, issue or pages) has no container unless it is in one
/// (`In …`): a container right after the title is the rest of a long title (`…, etc., of
/// Collier's war correspondents New York: …`).
fn books_have_no_container(text: &str, spans: &[(usize, usize)], labels: &mut [usize]) {
    let has = |l: usize| labels.contains(&l);
    if !has(PUBLISHER) || has(VOLUME) || has(ISSUE) || has(PAGES) || has(EDITOR) {
        return;
    }
    let Some(first) = labels.iter().position(|&l| l == CONTAINER) else { return };
    // The title may end in words labelled nothing (`etc.,`) before the container.
    let gap = |l: usize| l == OTHER || l == EDITION || l == NOTE;
    let mut k = first;
    while k > 0 && first - k < 2 && gap(labels[k - 1]) {
        k -= 1;
    }
    if k == 0 || labels[k - 1] != TITLE {
        return;
    }
    let word = &text[spans[first].0..spans[first].1];
    if word.eq_ignore_ascii_case("in") || word.eq_ignore_ascii_case("in:") {
        return;
    }
    for l in labels[k..].iter_mut().take_while(|l| **l == CONTAINER || gap(**l)) {
        *l = TITLE;
    }
}

/// `Place: Publisher`: the words before a place ending in `:` that end in a comma are the
/// place too (`Armonk, New York:`), and words after it that the labeller left unlabelled are
/// the publisher (`M.E. Sharpe.`).
fn imprints(text: &str, spans: &[(usize, usize)], labels: &mut [usize]) {
    let word = |k: usize| &text[spans[k].0..spans[k].1];
    let Some(colon) = (0..labels.len()).find(|&k| labels[k] == LOCATION && word(k).ends_with(':')) else {
        return;
    };
    let mut k = colon;
    while k > 0 && labels[k - 1] == LOCATION {
        k -= 1;
    }
    if k > 0 && labels[k - 1] == PUBLISHER && word(k - 1).ends_with(',') {
        let mut j = k - 1;
        while j > 0 && labels[j - 1] == PUBLISHER {
            j -= 1;
        }
        labels[j..k].iter_mut().for_each(|l| *l = LOCATION);
    }
    if labels.contains(&PUBLISHER) {
        return;
    }
    for (j, l) in labels.iter_mut().enumerate().skip(colon + 1) {
        if *l != OTHER {
            break;
        }
        *l = PUBLISHER;
        if word(j).ends_with(['.', ',', ';']) {
            break;
        }
    }
}

fn gather(text: &str, spans: &[(usize, usize)], labels: &[usize]) -> Labelled {
    let mut labels = labels.to_vec();
    years_in_titles(text, spans, &mut labels);
    books_have_no_container(text, spans, &mut labels);
    imprints(text, spans, &mut labels);
    let runs = runs(&labels);
    let span_text = |a: usize, b: usize| &text[spans[a].0..spans[b - 1].1];
    let first = |label: usize| runs.iter().find(|r| r.0 == label).map(|r| span_text(r.1, r.2));
    let mut out = Labelled::default();
    // Authors: the first run; editors that open the entry stand for its authors.
    if let Some(a) = first(AUTHOR) {
        out.authors = names_of(a);
    }
    for r in runs.iter().filter(|r| r.0 == EDITOR) {
        out.editors.extend(names_of(span_text(r.1, r.2)));
    }
    if out.authors.is_empty() && runs.first().is_some_and(|r| r.0 == EDITOR) {
        out.authors = std::mem::take(&mut out.editors);
    }
    if let Some(t) = first(TRANSLATOR) {
        out.translators = names_of(t);
    }
    for r in runs.iter().filter(|r| r.0 == DATE) {
        for &(s, e) in &spans[r.1..r.2] {
            let digits: String = text[s..e]
                .trim_matches(|c: char| !c.is_alphanumeric())
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Some(y) = head::year_of(&digits).filter(|y| (1400..2100).contains(y))
                && !out.years.contains(&y)
            {
                out.years.push(y);
            }
        }
    }
    out.title = first(TITLE).and_then(field);
    out.container = first(CONTAINER).and_then(field);
    out.publisher = first(PUBLISHER).and_then(field);
    out.place = first(LOCATION).and_then(field);
    // `Chicago: University of Chicago Press` labelled as one field is an imprint.
    let imprint = |s: &str| {
        let (place, publisher) = s.split_once(": ")?;
        let words = place.split_whitespace().count();
        ((1..=4).contains(&words) && place.starts_with(char::is_uppercase) && !publisher.trim().is_empty())
            .then(|| (clean(place), clean(publisher)))
    };
    if out.place.is_none()
        && let Some((place, publisher)) = out.publisher.as_deref().and_then(imprint)
    {
        (out.place, out.publisher) = (place, publisher);
    } else if out.publisher.is_none()
        && let Some((place, publisher)) = out.place.as_deref().and_then(imprint)
    {
        (out.place, out.publisher) = (place, publisher);
    }
    out.volume = first(VOLUME).and_then(|v| number(v, &["vol.", "vols.", "vol", "v.", "bd.", "t.", "tome"]));
    out.issue = first(ISSUE).and_then(|v| number(v, &["no.", "nr.", "n°", "no", "issue", "heft", "h."]));
    out.pages = first(PAGES).and_then(pages);
    out.series = first(COLLECTION).and_then(field);
    out.edition = first(EDITION).and_then(|e| {
        let words: Vec<&str> = e
            .split_whitespace()
            .filter(|w| {
                !matches!(
                    w.to_lowercase().trim_end_matches([',', '.', ')']),
                    "ed" | "edn" | "edition" | "éd" | "aufl" | "auflage" | "(ed"
                )
            })
            .collect();
        field(&words.join(" "))
    });
    // Pages have no parentheses: `181 (558).` labelled pages is a volume and its issue.
    if out.volume.is_none() && out.pages.as_deref().is_some_and(|p| p.contains('(')) {
        out.volume = out.pages.take();
    }
    // `6(4).` labelled issue is the volume with its issue.
    if out.volume.is_none() && out.issue.as_deref().is_some_and(|i| i.contains('(')) {
        out.volume = out.issue.take();
    }
    // `26(3):` is one token: the volume with its issue.
    if let Some(v) = out.volume.take() {
        match v.split_once('(') {
            Some((vol, iss)) if !vol.trim().is_empty() && !iss.contains('(') => {
                out.volume = Some(vol.trim().to_string());
                let iss = iss.trim_matches(|c: char| !c.is_alphanumeric());
                if out.issue.is_none() && !iss.is_empty() {
                    out.issue = Some(iss.to_string());
                }
            }
            _ => out.volume = Some(v),
        }
    }
    out
}

/// A name list without its role words (`J. Smith and K. Doe (eds.)`, `edited by …`).
fn names_of(s: &str) -> Vec<Name> {
    const ROLE: &[&str] = &[
        "ed",
        "eds",
        "ed.",
        "eds.",
        "edited",
        "by",
        "editor",
        "editors",
        "(ed.)",
        "(eds.)",
        "(ed)",
        "(eds)",
        "hrsg.",
        "(hrsg.)",
        "hg.",
        "(hg.)",
        "éd.",
        "(éd.)",
        "éds.",
        "(éds.)",
        "dir.",
        "(dir.)",
        "trans.",
        "translated",
        "tr.",
        "in",
        "in:",
    ];
    let kept: Vec<&str> =
        s.split_whitespace().filter(|w| !ROLE.contains(&w.to_lowercase().trim_end_matches(','))).collect();
    parse_names(&kept.join(" "))
}

/// A text field without wrapping quotes, brackets and trailing punctuation.
fn field(s: &str) -> Option<String> {
    let quote = |c: char| is_opening_quote(c) || is_closing_quote(c) || c == '\'';
    let mut s = s.trim();
    loop {
        let before = s.len();
        s = s.trim_end_matches([',', ';', ':', '.', ')', ']', ' ']).trim();
        s = s.trim_start_matches(['(', '[', ' ']).trim();
        let first = s.chars().next().filter(|&c| quote(c));
        let last = s.chars().last().filter(|&c| quote(c));
        let inner_has = |from: usize, to: usize| s.get(from..to).is_some_and(|m| m.contains(quote));
        match (first, last) {
            (Some(a), Some(b)) if s.len() > a.len_utf8() + b.len_utf8() => {
                s = &s[a.len_utf8()..s.len() - b.len_utf8()];
            }
            (Some(a), None) if !inner_has(a.len_utf8(), s.len()) => s = &s[a.len_utf8()..],
            (None, Some(b)) if !inner_has(0, s.len() - b.len_utf8()) => s = &s[..s.len() - b.len_utf8()],
            _ => {}
        }
        if s.len() == before {
            break;
        }
    }
    let s = s.strip_prefix("In: ").or_else(|| s.strip_prefix("in: ")).unwrap_or(s);
    clean(s)
}

/// A volume or issue number without its label (`vol. 12,` → `12`, `(4):` → `4`).
fn number(s: &str, labels: &[&str]) -> Option<String> {
    let words: Vec<&str> =
        s.split_whitespace().filter(|w| !labels.contains(&w.to_lowercase().trim_end_matches(','))).collect();
    let s = words.join(" ");
    let s = s
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != ')');
    let s = if s.ends_with(')') && !s.contains('(') { s.trim_end_matches(')') } else { s };
    (!s.is_empty()).then(|| s.to_string())
}

/// Pages without their label (`pp. 139–58.` → `139-58`).
fn pages(s: &str) -> Option<String> {
    let words: Vec<&str> = s
        .split_whitespace()
        .filter(|w| {
            let w = w.to_lowercase();
            !matches!(
                w.trim_end_matches([',', ':']),
                "p." | "pp." | "p" | "pp" | "s." | "pages" | "page" | "S."
            )
        })
        .collect();
    let s = words.join(" ");
    let s = s.trim_matches(|c: char| !c.is_alphanumeric());
    (!s.is_empty()).then(|| s.replace(['–', '—', '‐'], "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning() {
        assert_eq!(
            field("“Portsmouth 1905: Peace or Truce?,”").as_deref(),
            Some("Portsmouth 1905: Peace or Truce?")
        );
        assert_eq!(field("Double Eagle.").as_deref(), Some("Double Eagle"));
        assert_eq!(field("(Durham:").as_deref(), Some("Durham"));
        assert_eq!(number("vol. 12,", &["vol."]).as_deref(), Some("12"));
        assert_eq!(number("(4):", &[]).as_deref(), Some("4"));
        assert_eq!(number("26(3):", &[]).as_deref(), Some("26(3)"));
        assert_eq!(pages("pp. 139–58.").as_deref(), Some("139-58"));
        assert_eq!(names_of("John W. Steinberg (ed.),")[0].family, "Steinberg");
    }

    #[test]
    fn runs_group_labels() {
        assert_eq!(runs(&[0, 0, 3, 13, 13]), vec![(0, 0, 2), (3, 2, 3), (13, 3, 5)]);
    }
}
