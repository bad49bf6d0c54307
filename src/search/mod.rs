//! Search: from a query string to ranked [`Hit`]s. Returns data; printing is [`crate::render`]'s.
//!
//! 1. [`query`] parses the query language;
//! 2. words absent from the index are corrected to the nearest indexed term (unless exact);
//! 3. tantivy scores candidates with BM25 over text, title and section (title and section
//!    boosted), with an extra boost for passages holding every word;
//! 4. candidates are re-ranked here: more query words first, then BM25 raised by how close
//!    together the words are; near-identical passages collapse into one hit;
//! 5. [`snippet`] cuts the fragment to show.

pub mod matcher;
pub mod query;
pub mod snippet;
pub mod works;

use crate::analysis::{analyze, fold, terms};
use crate::index::{CitedexIndex, Fields};
use crate::passage::{Passage, slug};
use matcher::{Matcher, distinct_units, min_span};
use query::{Atom, Filter, Query, QueryError};
use serde::Serialize;
use snippet::Snippet;
use std::collections::HashMap;
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery, Query as TQuery,
    RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// Boost of a match in the document title and in the section heading, against 1 for text.
const TITLE_BOOST: f32 = 1.5;
const SECTION_BOOST: f32 = 1.5;
/// Boost of a match in the inline citations a passage carries.
const CITATION_BOOST: f32 = 0.5;
/// Boost of an exact ISBN or OCLC number.
const ID_BOOST: f32 = 3.0;

/// Words of a query that may be corrected (the first ones).
const MAX_CORRECTED_WORDS: usize = 16;

/// How to search.
#[derive(Clone, Debug)]
pub struct Options {
    pub limit: usize,
    pub offset: usize,
    pub snippet_words: usize,
    /// No spelling correction.
    pub exact: bool,
    /// Keep the parts of each score.
    pub explain: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { limit: 10, offset: 0, snippet_words: snippet::DEFAULT_WORDS, exact: false, explain: false }
    }
}

/// The parts of a hit's score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Explanation {
    /// tantivy's BM25 score (with boosts).
    pub bm25: f32,
    /// Query words (units) found in the passage, and in the query.
    pub words_matched: usize,
    pub words: usize,
    /// Fewest terms spanning one occurrence of each word found in the text.
    pub span: Option<usize>,
    /// Closeness bonus in [0, 1]: 1 when the words stand side by side.
    pub proximity: f32,
    /// bm25 × (1 + proximity).
    pub score: f32,
}

/// One result.
#[derive(Clone, Debug)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub passage: Passage,
    pub snippet: Snippet,
    /// Ids of near-identical passages folded into this hit.
    pub duplicates: Vec<String>,
    pub explanation: Option<Explanation>,
}

/// A misspelled word and the indexed word searched instead.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Correction {
    pub from: String,
    pub to: String,
}

/// What a search found.
#[derive(Clone, Debug)]
pub struct Results {
    pub query: String,
    pub total_hits: u64,
    pub hits: Vec<Hit>,
    pub corrections: Vec<Correction>,
}

/// Errors of a search.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Displayed with its cause by the caller's error chain: `bad query: unclosed quote …`.
    #[error("bad query")]
    Query(#[from] QueryError),
    #[error("search failed")]
    Index(#[from] tantivy::TantivyError),
    #[error("the index holds a damaged record ({0}): run `citedex index --rebuild`")]
    Record(String),
}

/// Runs a query.
pub fn run(ci: &CitedexIndex, input: &str, opts: &Options) -> Result<Results, SearchError> {
    let mut parsed = query::parse(input)?;
    let searcher = ci.searcher();
    let f = &ci.fields;
    let corrections = if opts.exact { Vec::new() } else { correct(&searcher, f, &mut parsed)? };
    let tq = to_tantivy(f, &parsed);
    let docs = (searcher.num_docs() as usize).max(1);
    let wanted = opts.offset.saturating_add(opts.limit).min(docs);
    let matcher = Matcher::new(&parsed);
    // Candidates to re-rank: with one word there is nothing to re-rank but duplicates. When
    // folding duplicates leaves too few hits, fetch more.
    let mut pool = if parsed.units.len() <= 1 { wanted * 2 + 10 } else { (wanted * 5).max(50) }.min(docs);
    let (mut hits, total) = loop {
        let (top, total) = searcher.search(&*tq, &(TopDocs::with_limit(pool).order_by_score(), Count))?;
        let exhausted = top.len() < pool || pool >= docs;
        let hits = collapse(rank(&searcher, f, &parsed, &matcher, top)?, opts.explain);
        if hits.len() >= wanted || exhausted {
            break (hits, total);
        }
        pool = pool.saturating_mul(4).min(docs);
    };
    let mut hits: Vec<Hit> = hits.drain(..).skip(opts.offset).take(opts.limit).collect();
    for h in &mut hits {
        h.snippet = snippet::make(&h.passage.text, &matcher, opts.snippet_words);
    }
    let corrections = surface_forms(corrections, &hits);
    Ok(Results { query: input.to_string(), total_hits: total as u64, hits, corrections })
}

/// A scored candidate, with the key under which near-identical passages fold together.
struct Ranked {
    passage: Passage,
    explanation: Explanation,
    key: String,
}

/// Scores candidates: more query words first, then BM25 raised by closeness.
fn rank(
    searcher: &Searcher,
    f: &Fields,
    parsed: &Query,
    matcher: &Matcher,
    top: Vec<(f32, DocAddress)>,
) -> Result<Vec<Ranked>, SearchError> {
    // Function words (`of`, `the`) count for BM25 and phrases, not for "how many words".
    let content: Vec<bool> = parsed.units.iter().map(|u| !u.alternatives.iter().all(is_stopword)).collect();
    let counted = |u: &usize| content[*u] || !content.contains(&true);
    let words = (0..content.len()).filter(counted).count();
    let mut ranked = Vec::with_capacity(top.len());
    for (bm25, address) in top {
        let passage = load(searcher, f, address)?;
        let (text_terms, in_text) = matcher.find_in(&passage.text);
        // Near-identical passages share this key: same kind, same analyzed text.
        let terms: Vec<&str> = text_terms.iter().map(|t| t.text.as_str()).collect();
        let key = format!("{}\u{0}{}", passage.kind, terms.join(" "));
        let (_, in_title) = matcher.find_in(&passage.document);
        let (_, in_section) = matcher.find_in(&passage.section.join(" "));
        let mut all = in_text.clone();
        all.extend(in_title);
        all.extend(in_section);
        for c in &passage.citations {
            all.extend(matcher.find_in(&c.raw).1);
        }
        let mut units: Vec<usize> = all.iter().map(|m| m.unit).filter(counted).collect();
        units.sort_unstable();
        units.dedup();
        let words_matched = units.len();
        // Closeness of the counted words only: `the` next to anything says nothing.
        let near: Vec<_> = in_text.iter().copied().filter(|m| counted(&m.unit)).collect();
        let span = if distinct_units(&near) > 1 { min_span(&near) } else { None };
        let proximity = span.map_or(0.0, |s| distinct_units(&near) as f32 / s as f32);
        let score = bm25 * (1.0 + proximity);
        let explanation = Explanation { bm25, words_matched, words, span, proximity, score };
        ranked.push(Ranked { passage, explanation, key });
    }
    ranked.sort_by(|a, b| {
        let (a, b) = (&a.explanation, &b.explanation);
        b.words_matched.cmp(&a.words_matched).then(b.score.total_cmp(&a.score))
    });
    Ok(ranked)
}

/// Folds near-identical passages (same kind, same analyzed text) into the first of them.
fn collapse(ranked: Vec<Ranked>, explain: bool) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for Ranked { passage, explanation, key } in ranked {
        if let Some(&i) = seen.get(&key) {
            hits[i].duplicates.push(passage.id.clone());
            continue;
        }
        seen.insert(key, hits.len());
        hits.push(Hit {
            rank: hits.len() + 1,
            score: explanation.score,
            snippet: Snippet::default(),
            passage,
            duplicates: Vec::new(),
            explanation: explain.then_some(explanation),
        });
    }
    hits
}

/// Words too common to say whether a passage is about the query.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "had", "has",
    "have", "how", "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to",
    "was", "were", "what", "when", "where", "which", "who", "why", "with", "и", "в", "на", "с", "по", "не",
    "что",
];

fn is_stopword(atom: &Atom) -> bool {
    match atom {
        Atom::Word(w) => STOPWORDS.contains(&w.to_lowercase().as_str()),
        _ => false,
    }
}

/// Reads a passage's stored record.
pub fn load(searcher: &Searcher, f: &Fields, address: DocAddress) -> Result<Passage, SearchError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let json = doc
        .get_first(f.record)
        .and_then(|v| v.as_str())
        .ok_or_else(|| SearchError::Record("no record".into()))?;
    serde_json::from_str(json).map_err(|e| SearchError::Record(e.to_string()))
}

/// Replaces words found nowhere in the index by their nearest indexed term.
fn correct(searcher: &Searcher, f: &Fields, q: &mut Query) -> Result<Vec<Correction>, SearchError> {
    let mut out = Vec::new();
    // Each correction scans the term dictionary with an automaton: bound the work a very long
    // query can ask for.
    for unit in q.units.iter_mut().take(MAX_CORRECTED_WORDS) {
        for atom in &mut unit.alternatives {
            match atom {
                Atom::Word(word) => {
                    let terms = analyze(word);
                    if terms.len() != 1 {
                        continue;
                    }
                    if let Some(t) = nearest(searcher, f, word, &terms[0].text)? {
                        out.push(Correction { from: word.clone(), to: t.clone() });
                        *atom = Atom::Term(t);
                    }
                }
                Atom::Phrase(phrase) => {
                    // Each word of a phrase is corrected on its own; the phrase stays a phrase.
                    let terms = analyze(phrase);
                    let mut fixed = Vec::with_capacity(terms.len());
                    let mut changed = false;
                    for t in &terms {
                        let surface = &phrase[t.from..t.to];
                        match nearest(searcher, f, surface, &t.text)? {
                            Some(c) => {
                                out.push(Correction { from: surface.to_string(), to: c.clone() });
                                fixed.push(c);
                                changed = true;
                            }
                            None => fixed.push(t.text.clone()),
                        }
                    }
                    if changed {
                        *atom = Atom::Terms(fixed);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The indexed term nearest to a word found nowhere in the index (one edit for words of up to
/// five letters, two for longer ones); `None` when the word is known, numeric, a single CJK
/// character, or has no near neighbour.
fn nearest(searcher: &Searcher, f: &Fields, word: &str, term: &str) -> Result<Option<String>, SearchError> {
    if term.chars().any(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let mut known = 0;
    for field in [f.text, f.title, f.section, f.citation, f.author] {
        known += searcher.doc_freq(&Term::from_field_text(field, term))?;
    }
    if known > 0 {
        return Ok(None);
    }
    let folded = fold(word.trim_matches(|c: char| !c.is_alphanumeric()));
    let mut best: Option<(u32, u64, String)> = None;
    // The stem, and the word unstemmed when that differs: each scan walks the dictionary.
    let candidates = if folded == term { vec![folded] } else { vec![term.to_string(), folded] };
    for candidate in candidates {
        let distance = match candidate.chars().count() {
            0..=2 => continue,
            3..=5 => 1,
            _ => 2,
        };
        for (t, df) in nearby_terms(searcher, f.text, &candidate, distance)? {
            let d = levenshtein(&candidate, &t);
            let key = (d, std::cmp::Reverse(df));
            if best.as_ref().is_none_or(|(bd, bdf, _)| key < (*bd, std::cmp::Reverse(*bdf))) {
                best = Some((d, df, t));
            }
        }
    }
    Ok(best.map(|(_, _, t)| t))
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

/// Shows corrections as words of the text (`roosevelt`), not as stems, where a hit has one.
fn surface_forms(corrections: Vec<Correction>, hits: &[Hit]) -> Vec<Correction> {
    corrections
        .into_iter()
        .map(|c| {
            let word = hits.iter().find_map(|h| {
                analyze(&h.passage.text)
                    .into_iter()
                    .find(|t| t.text == c.to)
                    .map(|t| h.passage.text[t.from..t.to].to_lowercase())
            });
            Correction { to: word.unwrap_or(c.to), from: c.from }
        })
        .collect()
}

/// The tantivy query of a parsed query.
fn to_tantivy(f: &Fields, q: &Query) -> Box<dyn TQuery> {
    let fields =
        [(f.text, 1.0), (f.title, TITLE_BOOST), (f.section, SECTION_BOOST), (f.citation, CITATION_BOOST)];
    let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    // Function words are searched only when the query has nothing else: otherwise a rare
    // `where` in a passage would outweigh the words that matter.
    let content = q.units.iter().any(|u| !u.alternatives.iter().all(is_stopword));
    let units: Vec<Box<dyn TQuery>> = q
        .units
        .iter()
        .filter(|u| !content || !u.alternatives.iter().all(is_stopword))
        .map(|u| {
            let mut alternatives: Vec<Box<dyn TQuery>> = Vec::new();
            for a in &u.alternatives {
                alternatives.push(atom_query(a, &fields));
                alternatives.extend(id_query(f, a));
            }
            union(alternatives)
        })
        .collect();
    // At least one unit must match; passages matching all of them get a second helping of
    // their score.
    if !units.is_empty() {
        let mut any: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        if units.len() > 1 {
            let all: Vec<(Occur, Box<dyn TQuery>)> =
                units.iter().map(|u| (Occur::Must, u.box_clone())).collect();
            any.push((Occur::Should, Box::new(BooleanQuery::new(all))));
        }
        any.extend(units.into_iter().map(|u| (Occur::Should, u)));
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    } else {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    for filter in &q.filters {
        clauses.push((Occur::Must, filter_query(f, filter)));
    }
    for atom in &q.exclude {
        clauses.push((Occur::MustNot, atom_query(atom, &[(f.text, 1.0)])));
    }
    for filter in &q.exclude_filters {
        clauses.push((Occur::MustNot, filter_query(f, filter)));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// An ISBN (any form) or an OCLC number, looked up among reference identifiers.
fn id_query(f: &Fields, atom: &Atom) -> Option<Box<dyn TQuery>> {
    let Atom::Word(w) = atom else { return None };
    use crate::cite::bibliography::{identifier_digits, normalize_isbn};
    let id = normalize_isbn(w).or_else(|| identifier_digits(w).filter(|d| d.len() >= 5))?;
    let q = TermQuery::new(Term::from_field_text(f.ids, &id), IndexRecordOption::Basic);
    Some(Box::new(BoostQuery::new(Box::new(q), ID_BOOST)))
}

fn union(mut qs: Vec<Box<dyn TQuery>>) -> Box<dyn TQuery> {
    if qs.len() == 1 {
        return qs.pop().expect("one query");
    }
    Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Should, q)).collect()))
}

/// An atom searched in several fields, each with its boost.
fn atom_query(atom: &Atom, fields: &[(Field, f32)]) -> Box<dyn TQuery> {
    union(
        fields
            .iter()
            .map(|&(field, boost)| {
                let q = atom_in(atom, field);
                if boost == 1.0 { q } else { Box::new(BoostQuery::new(q, boost)) as Box<dyn TQuery> }
            })
            .collect(),
    )
}

fn atom_in(atom: &Atom, field: Field) -> Box<dyn TQuery> {
    match atom {
        Atom::Word(w) | Atom::Phrase(w) => terms_query(field, &terms(w), true),
        Atom::Term(t) => terms_query(field, std::slice::from_ref(t), true),
        Atom::Terms(ts) => terms_query(field, ts, true),
        Atom::Prefix(p) => {
            let pattern = format!("{}.*", regex_escape(p));
            match RegexQuery::from_pattern(&pattern, field) {
                Ok(q) => Box::new(q),
                Err(_) => Box::new(EmptyQuery),
            }
        }
    }
}

/// One term, a phrase of several, or (`phrase == false`) all of several in any order.
fn terms_query(field: Field, terms: &[String], phrase: bool) -> Box<dyn TQuery> {
    let mut ts: Vec<Term> = terms.iter().map(|t| Term::from_field_text(field, t)).collect();
    match ts.len() {
        0 => Box::new(EmptyQuery),
        1 => Box::new(TermQuery::new(ts.pop().expect("one term"), IndexRecordOption::WithFreqs)),
        _ if phrase => Box::new(PhraseQuery::new(ts)),
        _ => Box::new(BooleanQuery::new(
            ts.into_iter()
                .map(|t| {
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn TQuery>,
                    )
                })
                .collect(),
        )),
    }
}

fn filter_query(f: &Fields, filter: &Filter) -> Box<dyn TQuery> {
    match filter {
        Filter::Doc(v) => Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(TermQuery::new(Term::from_field_text(f.doc, &slug(v)), IndexRecordOption::Basic)),
            ),
            (Occur::Should, terms_query(f.title, &terms(v), false)),
        ])),
        Filter::Section(v) => terms_query(f.section, &terms(v), false),
        Filter::Kind(k) => {
            Box::new(TermQuery::new(Term::from_field_text(f.kind, k.as_str()), IndexRecordOption::Basic))
        }
        Filter::Author(v) => terms_query(f.author, &terms(v), false),
        Filter::Year { from, to } => Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(f.year, *from)),
            Bound::Included(Term::from_field_u64(f.year, *to)),
        )),
    }
}

/// Escapes the regular-expression meta characters; every other character
/// stand for themselves.
fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
}
