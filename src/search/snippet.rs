//! Snippets: the part of a passage worth showing, with the query's words highlighted.
//!
//! The window covering the most distinct query words wins (then the most occurrences), placed
//! to give some context before the first match. When the query's words are too far apart for
//! one window, up to three fragments are joined by ` … `. Windows start and end on word
//! boundaries; punctuation attached to the words at either end is kept.

use super::matcher::{Match, Matcher};
use crate::analysis::{Lang, Term};
use serde::Serialize;

/// Separator between fragments, also marking text left out at either end.
pub const ELLIPSIS: &str = "…";

/// Default length of a snippet, in words.
pub const DEFAULT_WORDS: usize = 30;

/// A snippet and its highlighted byte ranges (into `text`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// A window over term indices `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    start: usize,
    end: usize,
}

impl Window {
    /// Whether an occurrence lies wholly inside the window.
    fn holds(&self, m: &Match) -> bool {
        m.first >= self.start && m.last < self.end
    }

    /// Adds the units occurring inside the window to `covered`.
    fn cover(&self, matches: &[Match], covered: &mut Vec<usize>) {
        for m in matches.iter().filter(|m| self.holds(m)) {
            if !covered.contains(&m.unit) {
                covered.push(m.unit);
            }
        }
    }
}

/// Builds the snippet of `text` (of a document in language `lang`) for `matcher`, about
/// `words` words long.
pub fn make(text: &str, lang: Lang, matcher: &Matcher, words: usize) -> Snippet {
    let (terms, matches) = matcher.find_in(text, lang);
    make_from(text, &terms, &matches, window_terms(&terms, words.max(1)))
}

/// Characters of Chinese and Japanese are one term each, and a word is about three of them:
/// a snippet of `words` words spans that many more terms in such text.
fn window_terms(terms: &[Term], words: usize) -> usize {
    let cjk = terms.iter().filter(|t| t.text.chars().next().is_some_and(crate::analysis::is_cjk)).count();
    if cjk * 2 > terms.len() { words.saturating_mul(3) } else { words }
}

fn make_from(text: &str, terms: &[Term], matches: &[Match], words: usize) -> Snippet {
    if terms.len() <= words {
        return render(text, terms, matches, &[Window { start: 0, end: terms.len() }]);
    }
    let all_units: Vec<usize> = {
        let mut u: Vec<usize> = matches.iter().map(|m| m.unit).collect();
        u.sort_unstable();
        u.dedup();
        u
    };
    let sentence_starts = sentence_starts(text, terms);
    let mut windows: Vec<Window> = Vec::new();
    let mut covered: Vec<usize> = Vec::new();
    let mut budget = words;
    while windows.len() < 3 {
        let size = if windows.is_empty() { words } else { budget.max(8) };
        let best = best_window(terms, &sentence_starts, matches, size, &covered);
        let Some((w, new_units)) = best else { break };
        if new_units == 0 && !windows.is_empty() {
            break;
        }
        w.cover(matches, &mut covered);
        windows.push(w);
        if covered.len() == all_units.len() {
            break;
        }
        // Make room for the missing words: shrink the first window and split the budget.
        if windows.len() == 1 {
            let shrunk = best_window(terms, &sentence_starts, matches, words * 2 / 3, &[]).map(|(w, _)| w);
            windows[0] = shrunk.unwrap_or(windows[0]);
            covered.clear();
            windows[0].cover(matches, &mut covered);
            budget = words / 3;
        }
    }
    if windows.is_empty() {
        windows.push(Window { start: 0, end: words });
    }
    windows.sort_by_key(|w| w.start);
    let mut merged: Vec<Window> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    render(text, terms, matches, &merged)
}

/// The best window of `size` terms: most units not yet `covered`, then most matches, then
/// earliest. Returns it with the number of new units it covers.
fn best_window(
    terms: &[Term],
    sentence_starts: &[usize],
    matches: &[Match],
    size: usize,
    covered: &[usize],
) -> Option<(Window, usize)> {
    let size = size.min(terms.len()).max(1);
    // `matches` are in text order: the ones starting in [from, to) are a slice of them.
    let starting = |from: usize, to: usize| {
        let lo = matches.partition_point(|m| m.first < from);
        let hi = matches.partition_point(|m| m.first < to);
        &matches[lo..hi.max(lo)]
    };
    // Sentence starts shortly before a match come first: on equal merit, a window that starts
    // a sentence reads best.
    let mut starts: Vec<usize> =
        sentence_starts.iter().copied().filter(|&s| !starting(s, s + size / 2 + 1).is_empty()).collect();
    starts.push(0);
    for m in matches {
        let lead = size / 4;
        starts.push(m.first.saturating_sub(lead));
        starts.push(m.first.saturating_sub(2));
        starts.push(m.first);
    }
    // Each start once, in the order above (the first of equals wins).
    let mut tried = foldhash::HashSet::with_capacity_and_hasher(starts.len(), Default::default());
    let units = matches.iter().map(|m| m.unit + 1).max().unwrap_or(0);
    let mut is_covered = vec![false; units];
    for &u in covered {
        if u < units {
            is_covered[u] = true;
        }
    }
    let mut stamp = vec![usize::MAX; units];
    let mut best: Option<(Window, usize, (usize, usize))> = None;
    for (n, s) in starts.into_iter().enumerate() {
        let s = s.min(terms.len() - size);
        if !tried.insert(s) {
            continue;
        }
        let w = Window { start: s, end: s + size };
        let (mut inside, mut new_units) = (0, 0);
        for m in starting(w.start, w.end).iter().filter(|m| w.holds(m)) {
            inside += 1;
            if !is_covered[m.unit] && stamp[m.unit] != n {
                stamp[m.unit] = n;
                new_units += 1;
            }
        }
        let key = (new_units, inside);
        if best.as_ref().is_none_or(|(_, _, k)| key > *k) {
            best = Some((w, new_units, key));
        }
    }
    best.map(|(w, n, _)| (w, n))
}

/// Indices of the terms that begin a sentence (UAX #29).
fn sentence_starts(text: &str, terms: &[Term]) -> Vec<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    let mut out = Vec::new();
    let mut t = 0;
    for (at, _) in text.split_sentence_bound_indices() {
        while t < terms.len() && terms[t].from < at {
            t += 1;
        }
        if t < terms.len() && out.last() != Some(&t) {
            out.push(t);
        }
    }
    out
}

/// Byte range of a window, widened to the punctuation attached to its first and last words.
fn byte_range(text: &str, terms: &[Term], w: Window) -> (usize, usize) {
    let mut from = terms[w.start].from;
    let mut to = terms[w.end - 1].to;
    while let Some(c) = text[..from].chars().next_back() {
        if c.is_whitespace() || c.is_alphanumeric() {
            break;
        }
        from -= c.len_utf8();
    }
    while let Some(c) = text[to..].chars().next() {
        if c.is_whitespace() || c.is_alphanumeric() {
            break;
        }
        to += c.len_utf8();
    }
    if w.start == 0 {
        from = 0;
    }
    if w.end == terms.len() {
        to = text.len();
    }
    (from, to)
}

fn render(text: &str, terms: &[Term], matches: &[Match], windows: &[Window]) -> Snippet {
    let mut out = Snippet::default();
    if terms.is_empty() {
        out.text = text.replace(['\n', '\r', '\t'], " ");
        return out;
    }
    for (i, w) in windows.iter().enumerate() {
        let (from, to) = byte_range(text, terms, *w);
        if from > 0 || i > 0 {
            if i > 0 {
                out.text.push(' ');
            }
            out.text.push_str(ELLIPSIS);
            out.text.push(' ');
        }
        let base = out.text.len();
        out.text.push_str(text[from..to].trim());
        let trim_lead = text[from..to].len() - text[from..to].trim_start().len();
        for m in matches.iter().filter(|m| w.holds(m)) {
            let (hs, he) = (terms[m.first].from, terms[m.last].to);
            if hs >= from + trim_lead && he <= to {
                let range = (base + hs - from - trim_lead, base + he - from - trim_lead);
                if out.highlights.last().is_none_or(|l| l.1 <= range.0) {
                    out.highlights.push(range);
                }
            }
        }
    }
    if windows.last().is_some_and(|w| byte_range(text, terms, *w).1 < text.trim_end().len()) {
        out.text.push(' ');
        out.text.push_str(ELLIPSIS);
    }
    // Line breaks of multi-line paragraphs read as spaces (one byte for one: highlights hold).
    out.text = out.text.replace(['\n', '\r', '\t'], " ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn snip(text: &str, q: &str, words: usize) -> Snippet {
        make(text, Lang::default(), &Matcher::new(&parse(q).unwrap(), &[]), words)
    }

    fn marked(s: &Snippet) -> String {
        let mut out = String::new();
        let mut at = 0;
        for &(a, b) in &s.highlights {
            out.push_str(&s.text[at..a]);
            out.push('[');
            out.push_str(&s.text[a..b]);
            out.push(']');
            at = b;
        }
        out.push_str(&s.text[at..]);
        out
    }

    #[test]
    fn short_text_is_whole_with_highlights() {
        let s = snip("The Hibiya riots followed.", "hibiya riot", 30);
        assert_eq!(marked(&s), "The [Hibiya] [riots] followed.");
    }

    #[test]
    fn long_text_is_windowed_around_matches() {
        let text =
            "one two three four five six seven eight nine ten eleven twelve Sakhalin thirteen fourteen.";
        let s = snip(text, "sakhalin", 6);
        assert_eq!(marked(&s), "… ten eleven twelve [Sakhalin] thirteen fourteen.");
    }

    #[test]
    fn far_apart_words_give_several_fragments() {
        let filler = "lorem ipsum dolor sit amet ".repeat(20);
        let text = format!("Alpha {filler}beta {filler}gamma end.");
        let s = snip(&text, "alpha beta gamma", 12);
        assert_eq!(s.text.split(" … ").count(), 3, "{}", s.text);
        assert!(s.text.starts_with("Alpha") && s.text.ends_with("gamma end."));
        assert_eq!(s.highlights.len(), 3);
        for &(a, b) in &s.highlights {
            assert!(["Alpha", "beta", "gamma"].contains(&&s.text[a..b]));
        }
    }

    #[test]
    fn japanese_snippets_span_more_characters() {
        let text = "日比谷焼打事件は、1905年9月5日に東京の日比谷公園で起きた暴動である。".repeat(4);
        let s = snip(&text, "暴動", 10);
        assert!(s.text.chars().filter(|c| crate::analysis::is_cjk(*c)).count() >= 25, "{}", s.text);
    }

    #[test]
    fn line_breaks_read_as_spaces() {
        let s = snip("Line one of a\r\nwrapped paragraph about Sakhalin.", "sakhalin", 30);
        assert_eq!(marked(&s), "Line one of a  wrapped paragraph about [Sakhalin].");
    }

    #[test]
    fn phrase_highlights_only_where_the_phrase_occurs() {
        let s = snip("Building 86 and another building.", "\"building 86\"", 30);
        assert_eq!(marked(&s), "[Building 86] and another building.");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Highlights are ordered, in bounds, on char boundaries, and cover query words.
        #[test]
        fn highlights_are_well_formed(text in "(\\PC{1,8}[ .,\n]){0,80}", words in 1usize..40) {
            let first = text.split_whitespace().next().unwrap_or("x").to_string();
            let Ok(q) = parse(&first) else { return Ok(()) };
            let s = make(&text, Lang::default(), &Matcher::new(&q, &[]), words);
            let mut last = 0;
            for &(a, b) in &s.highlights {
                proptest::prop_assert!(a >= last && a < b && b <= s.text.len());
                proptest::prop_assert!(s.text.is_char_boundary(a) && s.text.is_char_boundary(b));
                last = b;
            }
        }
    }
}
