//! An entry split into sentences, which every step reads: the head is a sentence or two, the
//! description a title and the sentences after it.

use super::head::is_ditto;
use super::text::{is_initials, is_marker};
use super::{BREAK, IDENT};

/// Byte ranges of the sentences of `text`, trimmed, without empty ones. A sentence ends at
/// `. ` (unless after an initial or an abbreviation), `。`, `? `, `! ` and removed spans.
pub(super) fn segments(text: &str) -> Vec<(usize, usize)> {
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
