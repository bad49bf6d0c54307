//! An author's name as a citation opens with it: one to four capitalized words (`Kowner`,
//! `Kroah-Hartman`, `van der Berg`), optionally followed by initials (`White, J. A.`), then
//! the separator before the title. Words that open ordinary sentences are no names.

use super::scan::{MONTHS, after, char_at, is_capitalized, word_end};

/// Capitalized words that open sentences far more often than they name an author.
const SENTENCE_WORDS: &[&str] = &[
    "A",
    "An",
    "In",
    "On",
    "At",
    "As",
    "By",
    "For",
    "From",
    "To",
    "Of",
    "With",
    "Without",
    "Within",
    "Into",
    "Under",
    "Over",
    "After",
    "Before",
    "During",
    "Since",
    "Until",
    "Upon",
    "Between",
    "Among",
    "Through",
    "Despite",
    "According",
    "Following",
    "See",
    "Cf",
    "If",
    "When",
    "While",
    "Whereas",
    "Where",
    "Why",
    "What",
    "Who",
    "Whom",
    "Which",
    "How",
    "But",
    "And",
    "Or",
    "Nor",
    "So",
    "Yet",
    "Thus",
    "Hence",
    "However",
    "Therefore",
    "Moreover",
    "Furthermore",
    "Meanwhile",
    "Nevertheless",
    "Indeed",
    "Instead",
    "Also",
    "Although",
    "Though",
    "Because",
    "Unlike",
    "Like",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Your",
    "There",
    "Here",
    "Then",
    "Now",
    "Today",
    "Later",
    "Finally",
    "First",
    "Second",
    "Third",
    "Each",
    "Every",
    "Some",
    "Many",
    "Most",
    "All",
    "Both",
    "Such",
    "Other",
    "Another",
    "No",
    "Not",
    "Yes",
    "Once",
    "Even",
    "Only",
    "Still",
    "Again",
    "Chapter",
    "Page",
    "Part",
    "Section",
    "Volume",
    "Vol",
    "Figure",
    "Fig",
    "Table",
    "Note",
    "Notes",
];

/// Lowercase words inside a name (`van der Berg`, `Leonardo da Vinci`).
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "di", "del", "della", "der", "den", "van", "von", "du", "la", "le", "ten", "ter", "bin",
    "ibn", "al", "zu", "dos", "das",
];

/// End of an author's name at `i`: one to four capitalized words (`Kowner`, `The Times`,
/// `Kroah-Hartman`), optionally followed by initials (`White, J. A.`).
pub(super) fn name_end(t: &str, i: usize) -> Option<usize> {
    let mut end = None;
    let mut at = i;
    for n in 0..4 {
        let word_stop = word_end(t, at);
        let word = &t[at..word_stop];
        let capital = is_capitalized(word);
        if n == 0 && (!capital || SENTENCE_WORDS.contains(&word) || MONTHS.contains(&word)) {
            return None;
        }
        if !capital && !NAME_PARTICLES.contains(&word) {
            break;
        }
        if capital {
            end = Some(word_stop);
        }
        match after(t, word_stop, " ") {
            Some(next) => at = next,
            None => break,
        }
    }
    let end = end?;
    Some(initials_end(t, end).unwrap_or(end))
}

/// End of one name, or of two joined by `and`/`&`/`und`/`et` (`Nilsback and Zisserman`,
/// `Smith & Jones`): the authors of a citation.
pub(super) fn names_end(t: &str, i: usize) -> Option<usize> {
    let first = name_end(t, i)?;
    for joint in [" and ", " & ", " und ", " et "] {
        if let Some(next) = after(t, first, joint)
            && let Some(second) = name_end(t, next)
        {
            return Some(second);
        }
    }
    Some(first)
}

/// End of `, J. A.` (or `, J.A.`, `, J.-P.`) after a family name ending at `i`.
fn initials_end(t: &str, i: usize) -> Option<usize> {
    let mut at = after(t, i, ", ")?;
    let mut end = None;
    while let Some(c) = char_at(t, at).filter(|c| c.is_uppercase()) {
        let dot = at + c.len_utf8();
        if char_at(t, dot) != Some('.') {
            break;
        }
        end = Some(dot + 1);
        at = dot + 1;
        let joined = matches!(char_at(t, at), Some(' ' | '-'))
            && char_at(t, at + 1).is_some_and(char::is_uppercase)
            && t.get(at + 1..).and_then(|r| r.chars().nth(1)) == Some('.');
        if joined {
            at += 1;
        } else if !char_at(t, at).is_some_and(char::is_uppercase) {
            break;
        }
    }
    end
}

/// After an author's name ending at `i`: `, ` `: ` `. ` (or just a space after initials).
pub(super) fn author_sep_end(t: &str, i: usize) -> Option<usize> {
    match char_at(t, i)? {
        ',' | ':' | '.' => after(t, i + 1, " "),
        ' ' if t[..i].ends_with('.') => Some(i + 1),
        _ => None,
    }
}

/// The author in `White, J. A.: ` (the text from the author to the title).
pub(super) fn author_part(s: &str) -> &str {
    let s = s.trim_end();
    let s = s.strip_suffix([',', ':']).unwrap_or(s);
    // A final `.` belongs to initials (`J. A.`), not after a plain name (`Иванов.`).
    match s.strip_suffix('.') {
        Some(name) if !name.ends_with(|c: char| c.is_uppercase()) => name,
        _ => s,
    }
}
