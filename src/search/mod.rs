//! Search: from a query string to ranked [`Hit`]s. Returns data; printing is [`crate::render`]'s.
//!
//! 1. [`query`] parses the query language;
//! 2. [`spell`] corrects typos (words absent from the index that are close to an indexed one);
//! 3. tantivy finds the candidates and scores them with BM25 over each passage's text, title,
//!    section and citations;
//! 4. [`rank`] adds the BM25 of each candidate's whole document and spreads the first hits
//!    over documents; near-identical passages collapse into one hit;
//! 5. [`snippet`] cuts the fragment to show.

pub mod documents;
pub mod expand;
pub mod matcher;
pub mod query;
pub mod rank;
pub mod snippet;
pub mod spell;
pub mod union;
pub mod works;

use crate::analysis::{Lang, is_lone_cjk, terms, variants};
use crate::index::documents::DocumentTable;
use crate::index::{CitedexIndex, Fields};
use crate::passage::{DocumentPart, Passage, slug};
use foldhash::{HashMap, HashMapExt};
use matcher::Matcher;
use query::{Atom, Clause, Filter, Node, Occur as QOccur, Query, QueryError};
use rank::{CITATION_WEIGHT, Candidate, SECTION_WEIGHT, TITLE_WEIGHT};
use serde::Serialize;
use snippet::Snippet;
pub use spell::Correction;
use std::ops::Bound;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query as TQuery, RangeQuery,
    RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use union::FieldsUnion;

/// Boost of an exact ISBN or OCLC number.
const ID_BOOST: f32 = 3.0;

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
    /// Expand the query with pseudo-relevance feedback ([`expand`]).
    pub expand: bool,
    /// The most ids of folded near-identical passages a hit lists ([`Hit::duplicates`]; all
    /// by default); the others are counted ([`Hit::folded`]).
    pub duplicates: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            limit: 10,
            offset: 0,
            snippet_words: snippet::DEFAULT_WORDS,
            exact: false,
            explain: false,
            expand: false,
            duplicates: usize::MAX,
        }
    }
}

/// Ids of folded passages the text output lists for a hit by default (JSON lists them all).
pub const DUPLICATES_LISTED: usize = 10;

/// The most candidates a search orders to fill its page when near-identical passages fold
/// away: it starts from twice the hits wanted (at least [`rank::RERANK_DEPTH`]) and looks
/// four times deeper while the candidates fold into fewer hits than wanted.
pub const FOLD_DEPTH: usize = 10_000;

/// The parts of a hit's score (see [`rank`]).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Explanation {
    /// BM25 of the passage: text, title, section and citations.
    pub passage: f32,
    /// BM25 of the passage's whole document.
    pub document: f32,
    /// Factor for the passages of the same document ranked above this one.
    pub crowding: f32,
    /// (passage + document weight × document) × crowding.
    pub score: f32,
}

/// One result.
#[derive(Clone, Debug)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub passage: Passage,
    pub snippet: Snippet,
    /// Ids of near-identical passages folded into this hit, in rank order: those among the
    /// first candidates (twice the hits wanted, at least [`rank::RERANK_DEPTH`]: each id is a
    /// stored record to read), at most [`Options::duplicates`] of them.
    pub duplicates: Vec<String>,
    /// How many near-identical passages were folded into this hit (listed or not), among the
    /// candidates the search read: all of them when `folded_exact`, else a lower bound (the
    /// search reads more candidates for a deeper page, so the bound may grow with the page).
    pub folded: usize,
    pub folded_exact: bool,
    pub explanation: Option<Explanation>,
}

/// What a search found.
#[derive(Clone, Debug)]
pub struct Results {
    pub query: String,
    /// Matching passages, exactly up to [`COUNT_UP_TO`], a lower bound from there on.
    pub total_hits: u64,
    /// Whether `total_hits` is exact (or only a lower bound).
    pub total_exact: bool,
    pub hits: Vec<Hit>,
    pub corrections: Vec<Correction>,
    /// With `expand`: the terms added to the query, with their weights.
    pub expansion: Vec<expand::Weighted>,
    /// How long each stage of the search took (`search --timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Results {
    /// `total_hits` as a reader takes it: `12`, or `at least 10000` past [`COUNT_UP_TO`].
    pub fn total_shown(&self) -> String {
        if self.total_exact { self.total_hits.to_string() } else { format!("at least {}", self.total_hits) }
    }
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

/// A query as [`run`] and [`matching`] search it: parsed, its spelling corrected (unless
/// `exact`), and made a tantivy query, with the searcher it was checked against.
struct Prepared {
    parsed: Query,
    /// The languages the index stems otherwise than by script: a word is looked for as each stems it.
    langs: Vec<Lang>,
    searcher: Searcher,
    corrections: Vec<Correction>,
    tq: Box<dyn TQuery>,
    /// The title's part of `tq` (see [`title_query`]).
    title: Box<dyn TQuery>,
}

fn prepare(ci: &CitedexIndex, input: &str, exact: bool) -> Result<Prepared, SearchError> {
    let mut parsed = query::parse(input)?;
    let searcher = ci.searcher();
    let langs = ci.meta.stemming_langs();
    let corrections =
        if exact { Vec::new() } else { spell::correct(&searcher, &ci.fields, &langs, &mut parsed)? };
    let scored = scored_atoms(&parsed);
    let tq = to_tantivy(&ci.fields, &langs, &parsed, &scored, 1.0);
    let title = title_query(&ci.fields, &langs, &parsed, &scored, 1.0);
    Ok(Prepared { parsed, langs, searcher, corrections, tq, title })
}

/// Runs a query.
pub fn run(ci: &CitedexIndex, input: &str, opts: &Options) -> Result<Results, SearchError> {
    let mut clock = Clock::default();
    let Prepared { parsed, langs, searcher, corrections, tq, title } = prepare(ci, input, opts.exact)?;
    let f = &ci.fields;
    clock.lap("spelling");
    let wanted = opts.offset.saturating_add(opts.limit);
    let words: Vec<(String, f32)> = document_terms(&parsed, &langs).into_iter().map(|t| (t, 1.0)).collect();
    let expanding = opts.expand && !words.is_empty();
    let (mut ordered, mut total) = if expanding {
        // Only the best candidates feed the expansion: the same at any page.
        ranked(ci, &searcher, (&*tq, &*title), &words, first_depth(wanted), &mut clock)?
    } else {
        ranked_to_fill(ci, &searcher, (&*tq, &*title), &words, wanted, &mut clock)?
    };
    let mut expansion = Vec::new();
    if expanding {
        let best = &ordered[..ordered.len().min(rank::RERANK_DEPTH)];
        expansion = expand::feedback(&searcher, f, best)?;
        clock.lap("expansion");
        // The query as typed keeps its share, spread over its words; its constraints hold.
        let share = expand::ORIGINAL_WEIGHT / words.len() as f32;
        let constrained = parsed.clauses.iter().any(|c| c.occur != QOccur::Should);
        // Weights go into each term's boost, not around a union (see `atom_query`): an
        // unconstrained query and its expansion are then one flat union of terms, which
        // tantivy can prune (`water --expand` on the 200 MB bench: both searches 27.0 -> 8.0 ms).
        let scored = scored_atoms(&parsed);
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = vec![(
            if constrained { Occur::Must } else { Occur::Should },
            to_tantivy(f, &langs, &parsed, &scored, share),
        )];
        let mut titles = vec![(Occur::Should, title_query(f, &langs, &parsed, &scored, share))];
        let mut all: Vec<(String, f32)> = words.iter().map(|(t, _)| (t.clone(), share)).collect();
        for w in &expansion {
            let fields = scored_fields(f, w.weight);
            let term = Atom::Term(w.term.clone());
            clauses.push((Occur::Should, atom_query(&term, &fields, &langs)));
            titles.push((Occur::Should, atom_query(&term, &[(f.title, TITLE_WEIGHT * w.weight)], &langs)));
            match all.iter_mut().find(|(t, _)| *t == w.term) {
                Some(e) => e.1 += w.weight,
                None => all.push((w.term.clone(), w.weight)),
            }
        }
        let (expanded, titles) = (flat(clauses), flat(titles));
        (ordered, total) = ranked_to_fill(ci, &searcher, (&*expanded, &*titles), &all, wanted, &mut clock)?;
    }
    let matcher = Matcher::new(&parsed, &langs);
    let listed = first_depth(wanted);
    // Every matching passage was read: the folded passages' counts are exact.
    let every = total.exact && ordered.len() as u64 >= total.n;
    let mut hits = collapse(&searcher, f, ci.documents.as_ref(), ordered, listed, every, opts)?;
    clock.lap("reading the hits");
    for h in &mut hits {
        let lang = Lang::of(&h.passage.language);
        h.snippet = snippet::make(&h.passage.text, lang, &matcher, opts.snippet_words);
    }
    clock.lap("snippets");
    Ok(Results {
        query: input.to_string(),
        total_hits: total.n,
        total_exact: total.exact,
        hits,
        corrections,
        expansion,
        timings: clock.laps,
    })
}

/// [`ranked`] with candidates enough for `wanted` hits once near-identical passages fold
/// (see [`FOLD_DEPTH`]): twice as many, then four times deeper while they fold into fewer.
/// A search for a word of a line repeated in thousands of files (`gutenberg` on the 200 MB
/// bench corpus: 2,785 matches, the first 200 one text) fills its page instead of giving
/// one hit. The first [`rank::RERANK_DEPTH`] candidates, and so the first hits, are the same
/// at any depth.
fn ranked_to_fill(
    ci: &CitedexIndex,
    searcher: &Searcher,
    tq: (&dyn TQuery, &dyn TQuery),
    words: &[(String, f32)],
    wanted: usize,
    clock: &mut Clock,
) -> Result<(Vec<Candidate>, Total), SearchError> {
    let mut depth = first_depth(wanted);
    loop {
        let (ordered, total) = ranked(ci, searcher, tq, words, depth, clock)?;
        let more = total.n > ordered.len() as u64 && depth < FOLD_DEPTH;
        if !more || distinct_texts(&ordered, wanted) >= wanted {
            return Ok((ordered, total));
        }
        depth = depth.saturating_mul(4).min(FOLD_DEPTH);
    }
}

/// The candidates a search for `wanted` hits reads first: twice as many, so that duplicates
/// can fold, and at least those ordered by the full model.
fn first_depth(wanted: usize) -> usize {
    rank::RERANK_DEPTH.max(wanted.saturating_mul(2))
}

/// How many hits the candidates fold into, counted up to `up_to`.
fn distinct_texts(ordered: &[Candidate], up_to: usize) -> usize {
    let mut seen = foldhash::HashSet::default();
    ordered.iter().filter(|c| seen.insert(c.dup_key)).take(up_to).count()
}

/// The first `depth` candidates of a tantivy query in the model's order, and how many
/// passages match. The first RERANK_DEPTH candidates are ordered by the full model, always
/// that many, so the order never depends on the page; deeper pages follow by BM25 with their
/// title ([`rank::with_titles`]). `tq` is the query and its title part ([`title_query`]);
/// `words` are the terms of document-level evidence, with weights.
fn ranked(
    ci: &CitedexIndex,
    searcher: &Searcher,
    (tq, title): (&dyn TQuery, &dyn TQuery),
    words: &[(String, f32)],
    depth: usize,
    clock: &mut Clock,
) -> Result<(Vec<Candidate>, Total), SearchError> {
    let f = &ci.fields;
    let depth = depth.min(searcher.num_docs() as usize).max(1);
    let keys = rank::Keys::open(searcher)?;
    let statistics = rank::TitleStatistics::new(searcher, &keys, f.title, ci.meta.documents)
        .with_title_tokens(ci.meta.title_passage_tokens);
    let scoring = || tantivy::query::EnableScoring::enabled_from_statistics_provider(&statistics, searcher);
    let weight = tq.weight(scoring())?;
    let (top, total) = if scores_every_match(tq) {
        // A phrase or a required union: tantivy scores every match to find the best
        // (block-max WAND prunes unions and intersections of terms only), so the same pass
        // counts them, exactly.
        let executor = search_executor(searcher, tq)?;
        let (top, n) = rank::best_counted(searcher, weight.as_ref(), depth, executor.as_ref())?;
        clock.lap("search");
        (top, Total { n, exact: true })
    } else {
        // Apart, not as one collector: the top passages alone let tantivy skip blocks that
        // cannot reach them (block-max WAND), and the count alone needs no scores.
        let top = rank::best(searcher, weight.as_ref(), depth)?;
        clock.lap("search");
        let total =
            if top.len() < depth { Total::exact(top.len()) } else { count(searcher, tq, COUNT_UP_TO)? };
        (top, total)
    };
    clock.lap("count");
    let top =
        rank::with_titles(searcher, &keys, (weight.as_ref(), title.weight(scoring())?.as_ref()), top, depth)?;
    let mut candidates = rank::keys(&keys, &top);
    let tail = candidates.split_off(rank::RERANK_DEPTH.min(candidates.len()));
    let documents = ci.meta.documents;
    rank::document_scores(searcher, f, &keys, words, documents, &mut candidates)?;
    let mut ordered = rank::order(candidates);
    ordered.extend(tail);
    clock.lap("ranking");
    Ok((ordered, total))
}

/// Whether tantivy scores every passage `tq` matches when it looks for the best. Block-max
/// WAND prunes a union of terms and an intersection of terms only; it cannot prune
/// - a query holding a phrase (a term that needs positions): for `オプション` (a phrase of four
///   bigrams, 43,569 matches on the 200 MB bench corpus) counting in a second pass cost 1.3 ms
///   of 10;
/// - a required clause other than a term (`king AND egypt`: each word is a union over the
///   fields; a filter), whose intersection is scored passage by passage.
fn scores_every_match(tq: &dyn TQuery) -> bool {
    let mut phrase = false;
    tq.query_terms(&mut |_, positions| phrase |= positions);
    let required_union = tq.downcast_ref::<BooleanQuery>().is_some_and(|b| {
        b.clauses().iter().any(|(o, q)| *o == Occur::Must && q.downcast_ref::<TermQuery>().is_none())
    });
    phrase || required_union
}

/// An estimate of the passages a query that scores every match looks at: for each field, the
/// passages holding the rarest of its terms in that field (a phrase or an intersection is
/// driven by its rarest term, and checks positions in each passage holding them all),
/// added up over the fields. A lower bound where words are alternatives (a union, a word's
/// stemmings in several languages): such a query may stay on one thread when two would help.
fn phrase_work(searcher: &Searcher, tq: &dyn TQuery) -> tantivy::Result<u64> {
    let mut rarest: Vec<(Field, u64)> = Vec::new();
    let mut failed = None;
    tq.query_terms(&mut |term, _| {
        let n = match searcher.doc_freq(term) {
            Ok(n) => n,
            Err(e) => return failed = Some(e),
        };
        match rarest.iter_mut().find(|(f, _)| *f == term.field()) {
            Some((_, least)) => *least = (*least).min(n),
            None => rarest.push((term.field(), n)),
        }
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(rarest.iter().map(|(_, n)| n).sum()),
    }
}

/// The threads to search a query that scores every match with (see [`rank::best_counted`]):
/// as many as there are cores, in one pool per process, made the first time it is wanted
/// (`serve` reuses it), for an index of several segments (2 GB bench corpus, ten segments,
/// two cores: `オプション` 77 -> 43 ms) or a query past [`PARALLEL_WORK`] ([`phrase_work`]).
/// None (this thread alone) otherwise, on one core, or where the pool cannot be made.
fn search_executor(searcher: &Searcher, tq: &dyn TQuery) -> tantivy::Result<Option<tantivy::Executor>> {
    static POOL: std::sync::OnceLock<Option<tantivy::Executor>> = std::sync::OnceLock::new();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || (searcher.segment_readers().len() < 2 && phrase_work(searcher, tq)? < PARALLEL_WORK) {
        return Ok(None);
    }
    Ok(POOL.get_or_init(|| tantivy::Executor::multi_thread(cores, "citedex-search-").ok()).clone())
}

/// Below this estimate of the passages a query looks at ([`phrase_work`]), a query that
/// scores every match on an index of one segment is searched on one thread: starting a
/// pool and a scorer for each range of doc ids costs more than a small search takes (200
/// MB bench corpus: `"son of man"`, 9,865, 0.83 ms on one thread, 1.5 on two; `オプション`,
/// 49,476, 7.5 ms on one, 4.4 on two).
const PARALLEL_WORK: u64 = 20_000;

/// Matching passages are counted up to this many; past it, the count is a lower bound (as
/// Elasticsearch's `track_total_hits` does by default): counting all of a very common word's
/// or a long phrase's matches cost more than finding the best of them.
pub const COUNT_UP_TO: u64 = 10_000;

/// How many passages match a query: `n` exactly, or at least `n` when not `exact`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Total {
    pub n: u64,
    pub exact: bool,
}

impl Total {
    fn exact(n: usize) -> Total {
        Total { n: n as u64, exact: true }
    }
}

/// Counts the live passages matching `tq`, stopping at `limit` (then not exact).
fn count(searcher: &Searcher, tq: &dyn TQuery, limit: u64) -> tantivy::Result<Total> {
    let mut n = 0u64;
    let done = for_each_match(searcher, tq, |_| {
        n += 1;
        n <= limit
    })?;
    Ok(if done { Total { n, exact: true } } else { Total { n: limit, exact: false } })
}

/// Calls `f` with every live passage matching `tq`, in doc-id order, without computing scores,
/// until it returns false; returns whether it saw them all.
fn for_each_match(
    searcher: &Searcher,
    tq: &dyn TQuery,
    mut f: impl FnMut(DocAddress) -> bool,
) -> tantivy::Result<bool> {
    use tantivy::{DocSet, TERMINATED};
    let weight = tq.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?;
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) && !f(DocAddress::new(segment as u32, doc)) {
                return Ok(false);
            }
            doc = scorer.advance();
        }
    }
    Ok(true)
}

/// Every passage matching a query, counted exactly, with the documents they belong to
/// (`search --count`, `search --files-with-matches`).
#[derive(Clone, Debug)]
pub struct Matching {
    pub query: String,
    pub passages: u64,
    /// The documents holding a matching passage, in corpus order (when asked for).
    pub documents: Vec<DocumentPart>,
    pub corrections: Vec<Correction>,
}

/// Finds every passage matching `input` (spelling corrected unless `exact`, as [`run`] does);
/// with `documents`, also the documents they belong to.
pub fn matching(
    ci: &CitedexIndex,
    input: &str,
    exact: bool,
    documents: bool,
) -> Result<Matching, SearchError> {
    let Prepared { searcher, corrections, tq, .. } = prepare(ci, input, exact)?;
    let f = &ci.fields;
    let keys = if documents { Some(rank::Keys::open(&searcher)?) } else { None };
    let mut passages = 0u64;
    // Each document's number (its place in the corpus) → one of its matching passages.
    let mut firsts: std::collections::BTreeMap<u64, DocAddress> = std::collections::BTreeMap::new();
    for_each_match(&searcher, &*tq, |address| {
        passages += 1;
        if let Some(keys) = &keys {
            firsts.entry(keys.doc_key(address)).or_insert(address);
        }
        true
    })?;
    let mut parts = Vec::with_capacity(firsts.len());
    for (key, address) in firsts {
        let listed = ci.documents.as_ref().and_then(|t| t.get(key).ok().flatten());
        let part = match listed {
            Some(part) => part,
            None => match load(&searcher, f, address)?.without_document() {
                part if part.document_slug.is_empty() => continue,
                part => part,
            },
        };
        parts.push(part);
    }
    Ok(Matching { query: input.to_string(), passages, documents: parts, corrections })
}

/// Stage timings: each lap is the time since the previous one (a stage run twice, as with
/// `--expand`, adds up).
struct Clock {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock { last: std::time::Instant::now(), laps: Vec::new() }
    }
}

impl Clock {
    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        let took = now - self.last;
        self.last = now;
        match self.laps.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, d)) => *d += took,
            None => self.laps.push((stage, took)),
        }
    }
}

/// A hit's first candidate, and the others folded into it with their places in the order.
type Folded = (Candidate, Vec<(usize, DocAddress)>);

/// Folds near-identical passages (same `dup_key`) into the first of them over all ordered
/// candidates, so that a hit's duplicates never depend on the page, then loads the records of
/// the hits of the page (`offset`, `limit`) only, and the ids of their duplicates among the
/// first `listed` candidates. `every`: the candidates are every matching passage.
fn collapse(
    searcher: &Searcher,
    f: &Fields,
    table: Option<&DocumentTable>,
    ordered: Vec<Candidate>,
    listed: usize,
    every: bool,
    opts: &Options,
) -> Result<Vec<Hit>, SearchError> {
    let mut groups: Vec<Folded> = Vec::new();
    let mut seen: foldhash::HashMap<u64, usize> = foldhash::HashMap::default();
    for (at, c) in ordered.into_iter().enumerate() {
        match seen.get(&c.dup_key) {
            Some(&i) => groups[i].1.push((at, c.address)),
            None => {
                seen.insert(c.dup_key, groups.len());
                groups.push((c, Vec::new()));
            }
        }
    }
    let page: Vec<(usize, Folded)> =
        groups.into_iter().enumerate().skip(opts.offset).take(opts.limit).collect();
    let keyed: Vec<(DocAddress, Option<u64>)> =
        page.iter().map(|(_, (c, _))| (c.address, Some(c.doc_key))).collect();
    let passages = load_keyed(searcher, f, table, &keyed)?;
    let mut hits = Vec::with_capacity(page.len());
    for ((i, (c, dups)), passage) in page.into_iter().zip(passages) {
        let explanation =
            Explanation { passage: c.passage, document: c.document, crowding: c.crowding, score: c.score };
        let mut duplicates = Vec::new();
        for &(_, d) in dups.iter().take_while(|(at, _)| *at < listed).take(opts.duplicates) {
            duplicates.push(record(searcher, f, d)?.id);
        }
        hits.push(Hit {
            rank: i + 1,
            score: c.score,
            snippet: Snippet::default(),
            passage,
            duplicates,
            folded: dups.len(),
            folded_exact: every,
            explanation: opts.explain.then_some(explanation),
        });
    }
    Ok(hits)
}

/// Words too common to say whether a passage is about the query.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "had", "has",
    "have", "how", "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to",
    "was", "were", "what", "when", "where", "which", "who", "why", "with", "и", "в", "на", "с", "по", "не",
    "что",
];

/// Whether a lowercase word is a function word.
pub fn is_stopword_text(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

fn is_stopword(atom: &Atom) -> bool {
    match atom {
        Atom::Word(w) => is_stopword_text(&w.to_lowercase()),
        _ => false,
    }
}

/// The optional top-level atoms that score: function words leave when the query has other
/// words (a rare `where` would outweigh the words that matter), and an atom repeated in the
/// query counts once. Returned as indices into the top-level clauses.
fn scored_atoms(q: &Query) -> Vec<usize> {
    let atoms: Vec<(usize, &Atom)> = q
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.occur != QOccur::MustNot)
        .filter_map(|(i, c)| if let Node::Atom(a) = &c.node { Some((i, a)) } else { None })
        .collect();
    let content = q.atoms().iter().any(|a| !is_stopword(a));
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut out = Vec::new();
    for (i, a) in atoms {
        if content && is_stopword(a) && q.clauses[i].occur == QOccur::Should {
            continue;
        }
        let key = atom_key(a);
        if seen.contains(&key) && q.clauses[i].occur == QOccur::Should {
            continue;
        }
        seen.push(key);
        out.push(i);
    }
    out
}

/// What an atom searches for, to find repeats.
fn atom_key(a: &Atom) -> Vec<String> {
    match a {
        Atom::Word(w) => terms(w),
        Atom::Phrase(p) => std::iter::once("\"".to_string()).chain(terms(p)).collect(),
        Atom::Prefix(p) => vec![format!("{p}*")],
        Atom::Term(t) => vec![t.clone()],
        Atom::Terms(ts) => std::iter::once("\"".to_string()).chain(ts.iter().cloned()).collect(),
    }
}

/// Reads a passage's stored record, completed with its document's title, slug, language and
/// path from the document's first passage (see `index::schema::FORMAT_VERSION`).
pub fn load(searcher: &Searcher, f: &Fields, address: DocAddress) -> Result<Passage, SearchError> {
    Ok(load_many(searcher, f, &[address])?.pop().expect("one address, one passage"))
}

/// [`load`] for several passages, reading each document's first passage once.
pub fn load_many(
    searcher: &Searcher,
    f: &Fields,
    addresses: &[DocAddress],
) -> Result<Vec<Passage>, SearchError> {
    let keyed: Vec<(DocAddress, Option<u64>)> = addresses.iter().map(|&a| (a, None)).collect();
    load_keyed(searcher, f, None, &keyed)
}

/// [`load_many`] for passages whose document numbers are known: their document's fields come
/// from the document table when there is one (two small reads instead of a store block).
pub fn load_keyed(
    searcher: &Searcher,
    f: &Fields,
    table: Option<&DocumentTable>,
    passages: &[(DocAddress, Option<u64>)],
) -> Result<Vec<Passage>, SearchError> {
    let mut heads: HashMap<DocAddress, DocumentPart> = HashMap::new();
    let mut out = Vec::with_capacity(passages.len());
    for &(address, key) in passages {
        let mut p = record(searcher, f, address)?;
        if p.seq > 0 && p.document_slug.is_empty() {
            let belongs = |part: &DocumentPart| {
                p.id.strip_prefix(part.document_slug.as_str()).is_some_and(|rest| rest.starts_with('/'))
            };
            let listed = match (table, key) {
                (Some(t), Some(k)) => t.get(k).ok().flatten().filter(|part| belongs(part)),
                _ => None,
            };
            let part = match listed {
                Some(part) => part,
                None => {
                    let first = address
                        .doc_id
                        .checked_sub(p.seq)
                        .ok_or_else(|| SearchError::Record("bad seq".into()))?;
                    let at = DocAddress { doc_id: first, ..address };
                    let part = match heads.entry(at) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            let mut head = record(searcher, f, at)?;
                            if head.seq != 0 {
                                return Err(SearchError::Record(format!("no first passage for {}", p.id)));
                            }
                            e.insert(head.without_document())
                        }
                    };
                    if !belongs(part) {
                        return Err(SearchError::Record(format!("no first passage for {}", p.id)));
                    }
                    part.clone()
                }
            };
            p.with_document(part);
        }
        out.push(p);
    }
    Ok(out)
}

/// A stored record as it is (without its document's fields after the first passage).
pub fn record(searcher: &Searcher, f: &Fields, address: DocAddress) -> Result<Passage, SearchError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let bytes = doc
        .get_first(f.record)
        .and_then(|v| v.as_bytes())
        .ok_or_else(|| SearchError::Record("no record".into()))?;
    crate::index::record::decode(bytes).map_err(|e| SearchError::Record(e.to_string()))
}

/// The tantivy query of a parsed query; `scored` lists the top-level atom clauses to keep.
/// `scale` multiplies every score (the boost of each term, not one boost around the query).
fn to_tantivy(f: &Fields, langs: &[Lang], q: &Query, scored: &[usize], scale: f32) -> Box<dyn TQuery> {
    let kept: Vec<&Clause> =
        q.clauses.iter().enumerate().filter(|&(i, _)| kept(q, scored, i)).map(|(_, c)| c).collect();
    if !kept.iter().any(|c| c.occur != QOccur::MustNot) {
        // Only exclusions left (every word was a function word): nothing to find.
        return Box::new(EmptyQuery);
    }
    group_query(f, langs, &kept, scale)
}

/// Whether the top-level clause `i` is part of the tantivy query: every clause but the atoms
/// [`scored_atoms`] leaves out (exclusions stay).
fn kept(q: &Query, scored: &[usize], i: usize) -> bool {
    let c = &q.clauses[i];
    !matches!(c.node, Node::Atom(_)) || c.occur == QOccur::MustNot || scored.contains(&i)
}

/// A group of clauses. Filters restrict without making the words optional: in
/// `kind:reference Harcave` a hit must still hold Harcave. Optional words become optional
/// only beside a required word or group, as in Lucene (`+Sakhalin Korea`).
fn group_query(f: &Fields, langs: &[Lang], clauses: &[&Clause], scale: f32) -> Box<dyn TQuery> {
    let is_filter = |c: &Clause| matches!(c.node, Node::Filter(_));
    let required_words = clauses.iter().any(|c| c.occur == QOccur::Must && !is_filter(c));
    let mut out: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    let mut optional: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    for c in clauses {
        let q = clause_query(f, langs, c, scale);
        match c.occur {
            QOccur::Should if !required_words => optional.push((Occur::Should, q)),
            o => out.push((occur(o), q)),
        }
    }
    if !optional.is_empty() {
        // Without a required clause, tantivy already asks for one of the optional ones.
        if !out.iter().any(|(o, _)| *o == Occur::Must) {
            out.extend(optional);
        } else {
            out.push((Occur::Must, Box::new(BooleanQuery::new(optional))));
        }
    }
    flat(out)
}

/// The boolean query of `clauses`, flattened where that scores the same: a single required
/// or optional clause is the query itself, and a union of unions is one union (the scores
/// are sums either way). A flat union of terms is what lets tantivy skip blocks of postings
/// that cannot reach the top (block-max WAND); nested, it scores every match. Beside a
/// required clause, a union that will be sought is a [`FieldsUnion`].
fn flat(mut clauses: Vec<(Occur, Box<dyn TQuery>)>) -> Box<dyn TQuery> {
    if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
        return clauses.pop().expect("one clause").1;
    }
    if !should_only(&clauses) {
        // A union that tantivy seeks from match to match (a required clause beside another,
        // an optional one beside a required one) seeks its parts (see `union`); one it reads
        // in order keeps tantivy's buffered union, and so does an exclusion, sought at every
        // match of the rest (`king -egypt` at 2 GB: 1.33x the time as a FieldsUnion).
        let required = clauses.iter().filter(|(o, _)| *o == Occur::Must).count();
        let sought = |o: Occur| match o {
            Occur::MustNot => false,
            Occur::Must => required > 1,
            Occur::Should => required > 0,
        };
        let clauses = clauses
            .into_iter()
            .map(|(occur, q)| match union_clauses(&*q) {
                Some(parts) if sought(occur) => {
                    let parts = parts.iter().map(|(_, q)| q.box_clone()).collect();
                    (occur, Box::new(FieldsUnion::new(parts)) as Box<dyn TQuery>)
                }
                _ => (occur, q),
            })
            .collect();
        return Box::new(BooleanQuery::new(clauses));
    }
    let mut out = Vec::with_capacity(clauses.len());
    for (occur, q) in clauses {
        match union_clauses(&*q) {
            Some(parts) => out.extend(parts.iter().map(|(o, q)| (*o, q.box_clone()))),
            None => out.push((occur, q)),
        }
    }
    Box::new(BooleanQuery::new(out))
}

/// The clauses of `q` when it is a plain union: optional clauses only, any one of which
/// matches.
fn union_clauses(q: &dyn TQuery) -> Option<&[(Occur, Box<dyn TQuery>)]> {
    let b = q.downcast_ref::<BooleanQuery>()?;
    (should_only(b.clauses()) && b.get_minimum_number_should_match() <= 1).then(|| b.clauses())
}

/// Whether every clause is optional.
fn should_only(clauses: &[(Occur, Box<dyn TQuery>)]) -> bool {
    clauses.iter().all(|(o, _)| *o == Occur::Should)
}

fn occur(o: QOccur) -> Occur {
    match o {
        QOccur::Should => Occur::Should,
        QOccur::Must => Occur::Must,
        QOccur::MustNot => Occur::MustNot,
    }
}

/// The fields a word is scored in, with their weights (see [`rank`]) times `scale`.
fn scored_fields(f: &Fields, scale: f32) -> [(Field, f32); 4] {
    [(f.text, 1.0), (f.title, TITLE_WEIGHT), (f.section, SECTION_WEIGHT), (f.citation, CITATION_WEIGHT)]
        .map(|(field, weight)| (field, weight * scale))
}

/// One clause: atoms are scored in every field; filters only restrict (they score 0);
/// exclusions look at the text alone.
fn clause_query(f: &Fields, langs: &[Lang], c: &Clause, scale: f32) -> Box<dyn TQuery> {
    let fields = scored_fields(f, scale);
    match (&c.node, c.occur) {
        (Node::Atom(a), QOccur::MustNot) => atom_query(a, &[(f.text, 1.0)], langs),
        (Node::Atom(a), _) => {
            let mut alternatives = vec![atom_query(a, &fields, langs)];
            alternatives.extend(id_query(f, a, scale));
            union(alternatives)
        }
        (Node::Filter(filter), _) => Box::new(ConstScoreQuery::new(filter_query(f, langs, filter), 0.0)),
        (Node::Group(g), _) => group_query(f, langs, &g.iter().collect::<Vec<_>>(), scale),
    }
}

/// The title's part of [`to_tantivy`]'s query: every atom it scores, in the title field
/// alone, weighted as there. The title is indexed on a document's first passage only; the
/// ranking adds this query's score there to the document's other passages
/// (`rank::with_titles`).
fn title_query(f: &Fields, langs: &[Lang], q: &Query, scored: &[usize], scale: f32) -> Box<dyn TQuery> {
    let atoms = q.atoms_of(|i| kept(q, scored, i));
    let fields = [(f.title, TITLE_WEIGHT * scale)];
    union(atoms.into_iter().map(|a| atom_query(a, &fields, langs)).collect())
}

/// The terms whose BM25 over the whole document is document-level evidence: those of every
/// atom a hit may be found by, function words left out when there are others, each term once
/// (a phrase counts as its words, in each language's stemming; prefixes are left out).
fn document_terms(q: &Query, langs: &[Lang]) -> Vec<String> {
    let atoms = q.atoms();
    let content = atoms.iter().any(|a| !is_stopword(a));
    let mut out: Vec<String> = Vec::new();
    for a in atoms {
        if content && is_stopword(a) {
            continue;
        }
        let ts = match a {
            Atom::Word(w) | Atom::Phrase(w) => variants(w, langs).into_iter().flatten().collect(),
            Atom::Term(t) => vec![t.clone()],
            Atom::Terms(ts) => ts.clone(),
            Atom::Prefix(_) => continue,
        };
        for t in ts {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// An ISBN (any form) or an OCLC number, looked up among reference identifiers.
fn id_query(f: &Fields, atom: &Atom, scale: f32) -> Option<Box<dyn TQuery>> {
    let Atom::Word(w) = atom else { return None };
    use crate::cite::bibliography::{identifier_digits, normalize_isbn};
    let id = normalize_isbn(w).or_else(|| identifier_digits(w).filter(|d| d.len() >= 5))?;
    let q = TermQuery::new(Term::from_field_text(f.ids, &id), IndexRecordOption::Basic);
    Some(Box::new(BoostQuery::new(Box::new(q), ID_BOOST * scale)))
}

fn union(qs: Vec<Box<dyn TQuery>>) -> Box<dyn TQuery> {
    if qs.is_empty() {
        return Box::new(EmptyQuery);
    }
    flat(qs.into_iter().map(|q| (Occur::Should, q)).collect())
}

/// An atom searched in several fields, each with its boost: one flat union of every field's
/// alternatives, each boosted on its own. (A boost around a field's union of alternatives, a
/// word as two languages stem it, scores the same but hides a union of terms inside a union:
/// tantivy then scores every match instead of skipping blocks by block-max WAND. On the 2 GB
/// bench corpus, whose Portuguese documents give `water` a second stemming, it took 10 of
/// `water`'s 13 ms.)
fn atom_query(atom: &Atom, fields: &[(Field, f32)], langs: &[Lang]) -> Box<dyn TQuery> {
    let mut alternatives = Vec::new();
    for &(field, boost) in fields {
        for q in atom_in(atom, field, langs) {
            alternatives.push(if boost == 1.0 {
                q
            } else {
                Box::new(BoostQuery::new(q, boost)) as Box<dyn TQuery>
            });
        }
    }
    union(alternatives)
}

/// The alternatives an atom is looked for as in one field, any of which matches: a word or
/// phrase as each of `langs` stems it (the same terms once).
fn atom_in(atom: &Atom, field: Field, langs: &[Lang]) -> Vec<Box<dyn TQuery>> {
    match atom {
        Atom::Word(w) | Atom::Phrase(w) => variants(w, langs)
            .into_iter()
            .flat_map(|ts| match ts.as_slice() {
                [one] if is_lone_cjk(one) => lone_cjk_queries(field, one),
                _ => vec![terms_query(field, &ts, true)],
            })
            .collect(),
        Atom::Term(t) => vec![terms_query(field, std::slice::from_ref(t), true)],
        Atom::Terms(ts) => vec![terms_query(field, ts, true)],
        Atom::Prefix(p) => {
            let pattern = format!("{}.*", regex_escape(p));
            match RegexQuery::from_pattern(&pattern, field) {
                Ok(q) => vec![Box::new(q)],
                Err(_) => Vec::new(),
            }
        }
    }
}

/// One CJK character, as alternatives: where it stands alone, scored, or inside a bigram of a
/// longer run (see `analysis::each_word`), matched.
fn lone_cjk_queries(field: Field, c: &str) -> Vec<Box<dyn TQuery>> {
    let alone = terms_query(field, std::slice::from_ref(&c.to_string()), true);
    let e = regex_escape(c);
    match RegexQuery::from_pattern(&format!("{e}.|.{e}"), field) {
        Ok(inside) => vec![alone, Box::new(inside)],
        Err(_) => vec![alone],
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

fn filter_query(f: &Fields, langs: &[Lang], filter: &Filter) -> Box<dyn TQuery> {
    // All the words of a filter's value, as each language stems them.
    let all_of = |field: Field, value: &str| {
        union(variants(value, langs).iter().map(|ts| terms_query(field, ts, false)).collect())
    };
    match filter {
        Filter::Doc(v) => Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(TermQuery::new(Term::from_field_text(f.doc, &slug(v)), IndexRecordOption::Basic)),
            ),
            // The title is on a document's first passage only: the filter takes the rest.
            (Occur::Should, Box::new(documents::Whole::of(all_of(f.title, v)))),
        ])),
        Filter::Section(v) => all_of(f.section, v),
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

    /// Whether `q` is one union whose every clause is optional and none a union itself.
    fn flat_union(q: &dyn TQuery) -> bool {
        q.downcast_ref::<BooleanQuery>().is_some_and(|b| {
            b.clauses().iter().all(|(o, c)| *o == Occur::Should && c.downcast_ref::<BooleanQuery>().is_none())
        })
    }

    /// The terms a query looks up, as (field, text), sorted.
    fn looked_up(q: &dyn TQuery) -> Vec<(Field, String)> {
        let mut out = Vec::new();
        q.query_terms(&mut |t, _| out.push((t.field(), t.value().as_str().unwrap_or_default().to_string())));
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn the_title_query_holds_every_scored_word_in_the_title_and_nothing_else() {
        let (_, f) = Fields::schema();
        let parsed = query::parse("the treaty (portsmouth OR witte) -korea doc:sakhalin").unwrap();
        let title = title_query(&f, &[], &parsed, &scored_atoms(&parsed), 1.0);
        let words = |ws: &[&str]| ws.iter().map(|w| (f.title, w.to_string())).collect::<Vec<_>>();
        // `the` leaves beside other words, as in the passage's query; the excluded word and
        // the filter's are not scored.
        assert_eq!(looked_up(&*title), words(&["portsmouth", "treati", "witt"]));
        // The passage's query looks up the same words in the title, and the filter's, which
        // scores nothing.
        let all = to_tantivy(&f, &[], &parsed, &scored_atoms(&parsed), 1.0);
        let in_title: Vec<_> = looked_up(&*all).into_iter().filter(|(field, _)| *field == f.title).collect();
        assert_eq!(in_title, words(&["portsmouth", "sakhalin", "treati", "witt"]));
    }

    #[test]
    fn a_word_stemmed_two_ways_is_one_flat_union_over_the_boosted_fields() {
        let (_, f) = Fields::schema();
        let langs = [Lang::of("pt")];
        // The premise: Portuguese stems `water` otherwise than the default analyzer does.
        assert_eq!(variants("water", &langs).len(), 2);
        let q = atom_query(&Atom::Word("water".into()), &scored_fields(&f, 1.0), &langs);
        let b = q.downcast_ref::<BooleanQuery>().expect("a union");
        assert!(flat_union(&*q), "{q:?}");
        // Two stemmings in each of the four fields.
        assert_eq!(b.clauses().len(), 8);
        // Beside an identifier's look-up too, and among other words.
        let isbn = Clause { occur: QOccur::Should, node: Node::Atom(Atom::Word("9780198".into())) };
        let word = Clause { occur: QOccur::Should, node: Node::Atom(Atom::Word("water".into())) };
        let q = group_query(&f, &langs, &[&isbn, &word], 1.0);
        assert!(flat_union(&*q), "{q:?}");
        // Scaled, as `--expand` weighs the query as typed: still flat (the weight is in each
        // term's boost), and flat beside an expansion word's union.
        let parsed = query::parse("water horse").unwrap();
        let typed = to_tantivy(&f, &langs, &parsed, &scored_atoms(&parsed), 0.5);
        assert!(flat_union(&*typed), "{typed:?}");
        let fields = scored_fields(&f, 0.2);
        let extra = atom_query(&Atom::Term("river".into()), &fields, &langs);
        let expanded = flat(vec![(Occur::Should, typed), (Occur::Should, extra)]);
        assert!(flat_union(&*expanded), "{expanded:?}");
    }
}
