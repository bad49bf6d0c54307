//! Spelling correction that fixes typos and leaves real words alone.
//!
//! A word of the query is corrected only when all of this holds:
//! - it is found nowhere in the index (text, title, headings, citations, authors);
//! - it is long enough to carry a typo: one edit is allowed from five letters, two from nine
//!   (Meilisearch's thresholds); shorter words, numbers and CJK characters are left as typed;
//! - the query does not already have [`ENOUGH_KNOWN`] other known content words: in a long
//!   query an unknown word is more likely a real word the corpus lacks than a typo, and the
//!   other words carry the search;
//! - an indexed word within those edits starts with the same letter (typos rarely touch the
//!   first one) and occurs in a live passage. Among several, the closest wins, then the most
//!   frequent.
//!
//! The correction is shown as a word of the text (`roosevelt`), never as an index stem.

use super::query::{Atom, Query};
use super::{SearchError, is_stopword_text, load};
use crate::analysis::{Lang, analyze, analyze_in, fold};
use crate::index::Fields;
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{FuzzyTermQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

/// Words of a query that may be corrected (the first ones): each scans the term dictionary.
const MAX_CORRECTED_WORDS: usize = 16;

/// With this many other known content words, an unknown word is left alone.
pub const ENOUGH_KNOWN: usize = 4;

/// A misspelled word and the word of the text searched instead.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Correction {
    pub from: String,
    pub to: String,
}

/// One word of the query as typed, and its index term.
struct Word {
    atom: usize,
    surface: String,
    term: String,
    known: bool,
}

/// Corrects the typos of `q` in place (an atom's word becomes the indexed term) and returns
/// what was changed.
/// A word is known when any of `langs` (the languages the index stems otherwise than by
/// script) or stemming by script gives a term the index holds.
pub fn correct(
    searcher: &Searcher,
    f: &Fields,
    langs: &[Lang],
    q: &mut Query,
) -> Result<Vec<Correction>, SearchError> {
    let mut atoms = q.atoms_mut();
    let mut words = Vec::new();
    let mut known_content = 0;
    for (i, atom) in atoms.iter().enumerate() {
        let text = match &**atom {
            Atom::Word(w) | Atom::Phrase(w) => w,
            _ => continue,
        };
        for t in analyze(text) {
            let surface = text[t.from..t.to].to_string();
            let mut known = is_known(searcher, f, &t.text)?;
            for &lang in langs.iter().filter(|l| !l.by_script()) {
                if known {
                    break;
                }
                let other = crate::analysis::term(&surface, lang);
                known = other != t.text && is_known(searcher, f, &other)?;
            }
            known_content += usize::from(known && !is_stopword_text(&surface.to_lowercase()));
            // Enough known words: nothing will be corrected, so the rest need no look-up.
            if known_content >= ENOUGH_KNOWN {
                return Ok(Vec::new());
            }
            words.push(Word { atom: i, surface, term: t.text, known });
        }
    }
    let mut out = Vec::new();
    let mut fixed: HashMap<usize, Vec<(String, String)>> = HashMap::new();
    for w in words.iter().filter(|w| !w.known).take(MAX_CORRECTED_WORDS) {
        if let Some((term, shown)) = nearest(searcher, f, &w.surface, &w.term)? {
            out.push(Correction { from: w.surface.clone(), to: shown });
            fixed.entry(w.atom).or_default().push((w.term.clone(), term));
        }
    }
    for (i, atom) in atoms.iter_mut().enumerate() {
        let Some(changes) = fixed.get(&i) else { continue };
        let replaced = match &**atom {
            Atom::Word(w) if analyze(w).len() == 1 => Atom::Term(changes[0].1.clone()),
            Atom::Word(w) | Atom::Phrase(w) => {
                // Each word of a phrase is corrected on its own; the phrase stays a phrase.
                let mut terms: Vec<String> = analyze(w).into_iter().map(|t| t.text).collect();
                for (from, to) in changes {
                    if let Some(t) = terms.iter_mut().find(|t| *t == from) {
                        *t = to.clone();
                    }
                }
                Atom::Terms(terms)
            }
            other => other.clone(),
        };
        **atom = replaced;
    }
    Ok(out)
}

/// Whether a term occurs in any searchable field, looked up segment by segment and stopping
/// at the first that holds it: a known word is found in the first segment of an index of
/// several (2 GB bench corpus, ten segments), where adding up its passages in every segment
/// looked it up ten times per field.
fn is_known(searcher: &Searcher, f: &Fields, term: &str) -> Result<bool, SearchError> {
    for reader in searcher.segment_readers() {
        for field in [f.text, f.title, f.section, f.citation, f.author] {
            let passages = reader.inverted_index(field)?.doc_freq(&Term::from_field_text(field, term));
            if passages.map_err(tantivy::TantivyError::from)? > 0 {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Edits allowed in a word of `letters` letters.
pub fn allowed_edits(letters: usize) -> u8 {
    match letters {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The indexed term to search for an unknown word, with the word of the text to show for it.
fn nearest(
    searcher: &Searcher,
    f: &Fields,
    surface: &str,
    term: &str,
) -> Result<Option<(String, String)>, SearchError> {
    let folded = fold(surface.trim_matches(|c: char| !c.is_alphanumeric()));
    if folded.chars().any(|c| c.is_numeric() || crate::analysis::is_cjk(c)) {
        return Ok(None);
    }
    let edits = allowed_edits(folded.chars().count());
    if edits == 0 {
        return Ok(None);
    }
    let first = folded.chars().next();
    // The stem, and the word unstemmed when that differs: each scan walks the dictionary.
    let mut from = vec![term.to_string()];
    if folded != term {
        from.push(folded.clone());
    }
    let mut candidates: Vec<(u32, u64, String)> = Vec::new();
    for c in &from {
        for (t, df) in nearby_terms(searcher, f.text, c, edits)? {
            if t.chars().next() != first {
                continue;
            }
            let d = levenshtein(c, &t);
            candidates.push((d, df, t));
        }
    }
    candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    candidates.dedup_by(|a, b| a.2 == b.2);
    for (_, _, t) in candidates.into_iter().take(3) {
        // Terms of deleted passages linger in the dictionary: take only one with a live passage.
        if let Some(shown) = surface_of(searcher, f, &t)? {
            return Ok(Some((t, shown)));
        }
    }
    Ok(None)
}

/// A word of the text that analyzes to `term`, from a live passage holding it.
fn surface_of(searcher: &Searcher, f: &Fields, term: &str) -> Result<Option<String>, SearchError> {
    let q = TermQuery::new(Term::from_field_text(f.text, term), IndexRecordOption::Basic);
    let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
    let Some((_, address)) = top.first() else { return Ok(None) };
    let passage = load(searcher, f, *address)?;
    let word = analyze_in(&passage.text, Lang::of(&passage.language))
        .into_iter()
        .find(|t| t.text == term)
        .map(|t| passage.text[t.from..t.to].to_lowercase());
    Ok(Some(word.unwrap_or_else(|| term.to_string())))
}

/// Indexed terms of `field` within `distance` edits of `word`, with their document counts.
fn nearby_terms(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> tantivy::Result<Vec<(String, u64)>> {
    let automaton = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
    let mut found: HashMap<String, u64> = HashMap::new();
    for reader in searcher.segment_readers() {
        let inverted = reader.inverted_index(field)?;
        let mut stream = inverted.terms().search(&automaton).into_stream()?;
        while stream.advance() {
            if let Ok(t) = std::str::from_utf8(stream.key()) {
                *found.entry(t.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    Ok(found.into_iter().collect())
}

/// Edit distance (insertions, deletions, substitutions and adjacent transpositions).
pub fn levenshtein(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i as u32;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j as u32;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("roosevelt", "rooseveldt"), 1);
        assert_eq!(levenshtein("sakhalin", "skahalin"), 1);
        assert_eq!(levenshtein("abc", "abc"), 0);
        assert_eq!(levenshtein("", "ab"), 2);
    }

    #[test]
    fn short_words_get_no_edit() {
        assert_eq!(allowed_edits(4), 0);
        assert_eq!(allowed_edits(5), 1);
        assert_eq!(allowed_edits(8), 1);
        assert_eq!(allowed_edits(9), 2);
    }
}
