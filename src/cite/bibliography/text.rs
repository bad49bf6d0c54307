//! Small string scanners and character classes the steps share: bounded prefixes, word
//! spans, field cleaning, quotes, hyphens, CJK, capitals, initials and name particles.

use super::{BREAK, IDENT};

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The byte offset of the first char at or after `from` that fails `keep`.
pub(super) fn skip_while(s: &str, from: usize, keep: impl Fn(char) -> bool) -> usize {
    s[from..].char_indices().find(|&(_, c)| !keep(c)).map_or(s.len(), |(i, _)| from + i)
}

/// Whitespace-separated words with their byte offsets.
pub(super) fn word_spans(s: &str) -> Vec<(usize, &str)> {
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
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A field value: collapsed, without trailing `,;` or wrapping quotes; `None` when empty.
pub(super) fn clean(s: &str) -> Option<String> {
    let s = collapse(s);
    let s = unquote(s.trim_end_matches([',', ';']).trim());
    s.chars().any(char::is_alphanumeric).then(|| s.to_string())
}

/// `s` without one pair of wrapping quotes (`『情報処理』` → `情報処理`).
pub(super) fn unquote(s: &str) -> &str {
    let mut chars = s.chars();
    match (chars.next(), chars.next_back()) {
        (Some(o), Some(c)) if is_opening_quote(o) && is_closing_quote(c) && s.len() > o.len_utf8() => {
            &s[o.len_utf8()..s.len() - c.len_utf8()]
        }
        _ => s,
    }
}

pub(super) fn is_marker(c: char) -> bool {
    c == BREAK || c == IDENT
}

pub(super) fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–' | '—' | '―')
}

pub(super) fn is_opening_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '„' | '«' | '「' | '『' | '‘')
}

pub(super) fn is_closing_quote(c: char) -> bool {
    matches!(c, '"' | '”' | '“' | '»' | '」' | '』' | '’')
}

/// Han, hiragana, katakana, hangul.
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// Starts with an uppercase letter, or a letter of a script without case (CJK).
pub(super) fn is_capitalized(word: &str) -> bool {
    word.chars().find(|c| c.is_alphabetic()).is_some_and(|c| c.is_uppercase() || !c.is_lowercase())
        && !word.starts_with(|c: char| c.is_lowercase())
}

/// `F`, `J.A`, `M.E`, `А`: single uppercase letters, possibly joined by periods.
pub(super) fn is_initials(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    !word.is_empty()
        && word.split('.').all(|p| {
            let mut cs = p.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
        })
}

/// Name particles: `De Martens`, `van der Berg`, `de Gaulle`.
pub(super) fn is_particle(word: &str) -> bool {
    const PARTICLES: &str = "de van von der den du da di del della des la le ten ter bin ibn al el st. zu";
    let word = word.to_lowercase();
    PARTICLES.split_whitespace().any(|p| p == word)
}

/// Small words after which a capitalized word still belongs to the title (`of Portsmouth`).
pub(super) fn is_connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "on" | "in" | "at" | "to" | "for" | "from" | "by" | "with" | "and" | "or" | "the" | "a" | "an"
    )
}
