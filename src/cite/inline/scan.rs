//! The pieces every shape reads: a paragraph's sentence and clause starts ([`Scan`]), and
//! small probes that each take the text and an offset and return where a piece (a char, a
//! word, digits, a page range, a year, a citation's end) ends, or `None`. All offsets stay
//! on char boundaries.

use super::MAX_WORD;

/// A paragraph with where its sentences and clauses start.
pub(super) struct Scan<'a> {
    pub(super) text: &'a str,
    /// Starts of the text after `.` `!` `?` `;` `:` (and any closing quotes) and a space.
    pub(super) sentences: Vec<usize>,
    /// The same, and starts after a comma and a space.
    pub(super) clauses: Vec<usize>,
    /// Offset of the first letter or digit: a citation must start after it.
    prose: usize,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str) -> Scan<'a> {
        // Room for a clause every 48 bytes and a sentence every 96 (English prose has about
        // half as many): the vectors grown from empty were 0.5% of a build.
        let mut starts = Starts {
            sentences: Vec::with_capacity(text.len() / 96 + 1),
            clauses: Vec::with_capacity(text.len() / 48 + 1),
            ..Starts::default()
        };
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if starts.pending.is_none() {
                // Nothing starts before the next punctuation mark (all ASCII, so never a byte
                // inside another character): skipped to it ([`next_punctuation`]), which is
                // most of the text read many times faster. `spaced` is false here already.
                match next_punctuation(&b[i..]) {
                    Some(skip) => i += skip,
                    None => break,
                }
            }
            let c = text[i..].chars().next().expect("i is on a char boundary");
            starts.read(i, c);
            i += c.len_utf8();
        }
        let prose = text.find(char::is_alphanumeric).unwrap_or(text.len());
        Scan { text, sentences: starts.sentences, clauses: starts.clauses, prose }
    }

    pub(super) fn after_prose(&self, start: usize) -> bool {
        start > self.prose
    }
}

/// Where the first of `.` `!` `?` `;` `:` `,` is in `b`. Two vectorized searches for three
/// bytes each, the second only as far as the first found: most text is read once, 16 or 32
/// bytes at a time, where a loop over each byte was 11% of the splitter's time.
fn next_punctuation(b: &[u8]) -> Option<usize> {
    let common = memchr::memchr3(b'.', b',', b';', b);
    let rare = memchr::memchr3(b'!', b'?', b':', &b[..common.unwrap_or(b.len())]);
    rare.or(common)
}

/// The sentence and clause starts of a text, read a char at a time ([`Starts::read`]).
#[derive(Default)]
struct Starts {
    sentences: Vec<usize>,
    clauses: Vec<usize>,
    /// After punctuation: Some(true) for a sentence end, Some(false) for a comma.
    pending: Option<bool>,
    /// Whether whitespace came after the pending punctuation.
    spaced: bool,
}

impl Starts {
    /// Reads the char `c` at `i`.
    fn read(&mut self, i: usize, c: char) {
        if c.is_whitespace() {
            self.spaced |= self.pending.is_some();
            return;
        }
        if let Some(sentence) = self.pending.filter(|_| self.spaced) {
            self.clauses.push(i);
            if sentence {
                self.sentences.push(i);
            }
        }
        self.pending = match c {
            '.' | '!' | '?' | ';' | ':' => Some(true),
            ',' => Some(false),
            c if is_closing_quote(c) && !self.spaced => self.pending,
            _ => None,
        };
        self.spaced = false;
    }
}

/// Sentence or clause starts before `pos` (nearest first), no further back than `window`.
pub(super) fn starts_before(starts: &[usize], pos: usize, window: usize) -> impl Iterator<Item = usize> + '_ {
    let below = starts.partition_point(|&s| s < pos);
    let lowest = pos.saturating_sub(window);
    starts[..below].iter().rev().take_while(move |&&s| s >= lowest).copied()
}

pub(super) fn char_at(t: &str, i: usize) -> Option<char> {
    t.get(i..)?.chars().next()
}

pub(super) fn char_before(t: &str, i: usize) -> Option<char> {
    t.get(..i)?.chars().next_back()
}

/// The offset after `expected` if the text has it at `i`.
pub(super) fn after(t: &str, i: usize, expected: &str) -> Option<usize> {
    t.get(i..)?.starts_with(expected).then_some(i + expected.len())
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']')
}

/// Offset of the `close` char ending a parenthesis whose content starts at `i`, if it comes
/// within `limit` bytes and no other parenthesis opens first.
pub(super) fn closing(t: &str, i: usize, close: char, limit: usize) -> Option<usize> {
    t.get(i..)?
        .char_indices()
        .take_while(|&(off, _)| off <= limit)
        .find(|&(_, c)| c == close || c == '(' || c == '（')
        .filter(|&(_, c)| c == close)
        .map(|(off, _)| i + off)
}

/// End of one word at `i`: letters and digits, joined by `-` `'` `’` `.` `&` (`Kroah-Hartman`,
/// `LWN.net`). `i` itself when there is no word, or it is longer than [`MAX_WORD`].
pub(super) fn word_end(t: &str, i: usize) -> usize {
    let Some(rest) = t.get(i..) else { return i };
    let mut end = 0;
    let mut chars = rest.char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if off > MAX_WORD {
            return i;
        }
        if c.is_alphanumeric() {
            end = off + c.len_utf8();
            continue;
        }
        let joins = matches!(c, '-' | '\'' | '’' | '.' | '&')
            && end > 0
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if !joins {
            break;
        }
    }
    i + end
}

/// A word that starts with a capital and has more than one letter (`Kowner`, `USENIX`).
pub(super) fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.next().is_some()
}

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// End of a run of one to `max` ASCII digits at `i`.
pub(super) fn digits_end(t: &str, i: usize, max: usize) -> Option<usize> {
    let count = t.get(i..)?.bytes().take(max + 1).take_while(u8::is_ascii_digit).count();
    (1..=max).contains(&count).then_some(i + count)
}

/// End of `86`, `86-90`, `12–15`.
pub(super) fn page_range_end(t: &str, i: usize) -> Option<usize> {
    let first = digits_end(t, i, 5)?;
    let dash = char_at(t, first).filter(|c| matches!(c, '-' | '–' | '—'));
    Some(dash.and_then(|d| digits_end(t, first + d.len_utf8(), 5)).unwrap_or(first))
}

/// After `p. ` `pp. ` `с. ` at `i`: the range of the pages.
pub(super) fn page_marker(t: &str, i: usize) -> Option<(usize, usize)> {
    let marked = ["pp.", "p.", "с.", "стр."].iter().find_map(|m| after(t, i, m))?;
    let start = after(t, marked, " ").unwrap_or(marked);
    Some((start, page_range_end(t, start)?))
}

/// Where a citation ending at `i` ends, with its final `.`: it must close the paragraph or be
/// followed by a space.
pub(super) fn ending(t: &str, i: usize) -> Option<usize> {
    let end = after(t, i, ".").unwrap_or(i);
    char_at(t, end).is_none_or(char::is_whitespace).then_some(end)
}

/// End and value of a four-digit year at `i`.
pub(super) fn year_at(t: &str, i: usize) -> Option<(usize, u32)> {
    let end = digits_end(t, i, 4).filter(|&e| e - i == 4)?;
    Some((end, t[i..end].parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starts found reading every char, as `Scan::new` did before it skipped to the
    /// punctuation.
    fn starts_read_char_by_char(text: &str) -> (Vec<usize>, Vec<usize>) {
        let mut starts = Starts::default();
        for (i, c) in text.char_indices() {
            starts.read(i, c);
        }
        (starts.sentences, starts.clauses)
    }

    const PIECES: &[&str] = &[
        ".", ",", ";", ":", "!", "?", " ", "\u{a0}", "\u{3000}", "\n", "\"", "”", "’", "»", ")", "]", "a",
        "Б", "日", "é",
    ];

    #[test]
    fn sentence_and_clause_starts() {
        let s = Scan::new("One. Two, three: “four.” Five");
        assert_eq!((s.sentences, s.clauses), (vec![5, 17, 29], vec![5, 10, 17, 29]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn skipping_to_punctuation_finds_what_reading_every_char_does(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
        ) {
            let text = pieces.concat();
            let s = Scan::new(&text);
            proptest::prop_assert_eq!((s.sentences, s.clauses), starts_read_char_by_char(&text));
        }
    }
}
