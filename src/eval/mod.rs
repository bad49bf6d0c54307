//! Relevance evaluation: runs judged queries through [`crate::search::run`] in-process and
//! scores the rankings against the judgements (`citedex eval`).
//!
//! 1. [`files`] reads the queries (TSV or TREC topics) and the qrels;
//! 2. [`run`] searches each query that has a relevant judgement, `depth` hits deep, and turns
//!    the hits into a ranking: each hit gives its passage, then the near-identical passages
//!    folded into it, in order. At the passage level the ranking is of passage ids; at the
//!    document level documents rank by their best passage, first `depth` distinct ones;
//! 3. [`metrics`] scores each ranking (nDCG@10, AP and recall at the depth, RR@10), and the
//!    means are over the queries evaluated;
//! 4. [`report`] prints the table, the JSON object and the TREC run file.
//!
//! A passage's document id is the name of its source file without extension
//! (`corpus/d00017.wiki` → `d00017`, spaces made `_`); when the qrels do not judge that id but
//! judge the document's slug (a file holding several articles), the slug.

pub mod files;
pub mod metrics;
pub mod report;

use crate::index::CitedexIndex;
use crate::passage::Passage;
use crate::search::{self, SearchError};
use files::{ParseError, Qrels, Topic};
use metrics::Measures;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What the qrels judge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    /// Documents (source files, or articles by slug), ranked by their best passage.
    #[default]
    Document,
    /// Passages, by id.
    Passage,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Document => "document",
            Level::Passage => "passage",
        }
    }
}

/// Default number of results per query.
pub const DEFAULT_DEPTH: usize = 100;

/// How to evaluate.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub level: Level,
    /// Results per query: MAP and recall are taken at this depth.
    pub depth: usize,
    /// No spelling correction.
    pub exact: bool,
    /// Pseudo-relevance feedback (`search --expand`).
    pub expand: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { level: Level::Document, depth: DEFAULT_DEPTH, exact: false, expand: false }
    }
}

/// One query's ranking and measures.
#[derive(Clone, Debug)]
pub struct QueryResult {
    pub id: String,
    /// Ids ranked, best first (distinct; at most `depth`).
    pub ranking: Vec<String>,
    /// Judged relevant ids.
    pub relevant: usize,
    pub measures: Measures,
}

/// The evaluation of a run of queries.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub level: Level,
    pub depth: usize,
    /// The queries evaluated, in file order.
    pub queries: Vec<QueryResult>,
    /// Ids of queries without any relevant judgement, not run.
    pub skipped: Vec<String>,
    /// Means over `queries`.
    pub mean: Measures,
}

/// Errors of an evaluation.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: cannot read: {cause}; check the path given to {option}")]
    Read { path: String, option: &'static str, cause: String },
    #[error("{path}{}: {}", .error.line.map(|l| format!(":{l}")).unwrap_or_default(), .error.message)]
    Parse { path: String, error: ParseError },
    #[error(
        "{queries}: no query has a relevant judgement in {qrels}: query ids must match the qrels' first column (the qrels have `{example}`)"
    )]
    NothingJudged { queries: String, qrels: String, example: String },
    #[error("query `{id}`")]
    Search {
        id: String,
        #[source]
        source: SearchError,
    },
}

/// Reads and parses the queries and the qrels, and checks every query's syntax, so that a bad
/// file fails before any search.
pub fn load(queries: &Path, qrels: &Path) -> Result<(Vec<Topic>, Qrels), EvalError> {
    let topics = read(queries, "--queries", files::queries)?;
    let path = queries.display().to_string();
    for t in &topics {
        if let Err(e) = search::query::parse(&t.query) {
            let message = format!("query `{}`: {e}", t.id);
            return Err(EvalError::Parse { path, error: ParseError { line: Some(t.line), message } });
        }
    }
    let judgements = read(qrels, "--qrels", files::qrels)?;
    let judged = |t: &Topic| judgements.queries.get(&t.id).is_some_and(|j| metrics::relevant(j) > 0);
    if !topics.iter().any(judged) {
        let mut ids: Vec<&String> = judgements.queries.keys().collect();
        ids.sort();
        return Err(EvalError::NothingJudged {
            queries: path,
            qrels: qrels.display().to_string(),
            example: ids.first().map_or_else(String::new, |s| s.to_string()),
        });
    }
    Ok((topics, judgements))
}

fn read<T>(
    path: &Path,
    option: &'static str,
    parse: impl Fn(&str) -> Result<T, ParseError>,
) -> Result<T, EvalError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| EvalError::Read {
        path: shown.clone(),
        option,
        cause: e.to_string(),
    })?;
    files::text(&bytes).and_then(parse).map_err(|error| EvalError::Parse { path: shown, error })
}

/// Runs the judged queries and scores them, on every core (queries are independent; results
/// keep the file's order).
pub fn run(
    ci: &CitedexIndex,
    topics: &[Topic],
    qrels: &Qrels,
    opts: &Options,
) -> Result<Evaluation, EvalError> {
    let depth = opts.depth.max(1);
    let search_opts = search::Options {
        limit: depth,
        offset: 0,
        exact: opts.exact,
        expand: opts.expand,
        ..search::Options::default()
    };
    let (mut judged, mut skipped) = (Vec::new(), Vec::new());
    for t in topics {
        match qrels.queries.get(&t.id).filter(|j| metrics::relevant(j) > 0) {
            Some(j) => judged.push((t, j)),
            None => skipped.push(t.id.clone()),
        }
    }
    let rankings = in_parallel(
        &judged,
        || Documents { ci, qrels, of_id: HashMap::new() },
        |documents, (t, _)| -> Result<Vec<String>, EvalError> {
            let failed = |source| EvalError::Search { id: t.id.clone(), source };
            let results = search::run(ci, &t.query, &search_opts).map_err(failed)?;
            match opts.level {
                Level::Passage => Ok(passages(&results.hits, depth)),
                Level::Document => documents.ranking(&results.hits, depth).map_err(failed),
            }
        },
    );
    let mut queries = Vec::with_capacity(judged.len());
    for ((t, j), ranking) in judged.into_iter().zip(rankings) {
        let ranking = ranking?;
        let measures = Measures::of(&ranking, j, depth);
        queries.push(QueryResult { id: t.id.clone(), ranking, relevant: metrics::relevant(j), measures });
    }
    let mean = Measures::mean(queries.iter().map(|q| &q.measures));
    Ok(Evaluation { level: opts.level, depth, queries, skipped, mean })
}

/// `f` over `items` on one thread per core, each thread with its own `init()` state; the
/// results in item order.
fn in_parallel<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut out: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = init();
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(&mut state, item)));
                    }
                    done
                })
            })
            .collect();
        for h in handles {
            // A panic in a worker is the caller's, as if it had happened on its thread.
            let done = h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, r) in done {
                out[i] = Some(r);
            }
        }
    });
    out.into_iter().map(|r| r.expect("every item was taken by a worker")).collect()
}

/// Passage ids of the hits, each followed by its duplicates: the first `depth` distinct.
fn passages(hits: &[search::Hit], depth: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    hits.iter()
        .flat_map(|h| std::iter::once(&h.passage.id).chain(&h.duplicates))
        .filter(|id| seen.insert(id.as_str()))
        .take(depth)
        .cloned()
        .collect()
}

/// Document ids of passages, with the documents of folded duplicates looked up once each.
struct Documents<'a> {
    ci: &'a CitedexIndex,
    qrels: &'a Qrels,
    /// Passage id → document id (`None`: no such passage).
    of_id: HashMap<String, Option<String>>,
}

impl Documents<'_> {
    /// Documents ranked by their best passage (MaxP): the first `depth` distinct.
    fn ranking(&mut self, hits: &[search::Hit], depth: usize) -> Result<Vec<String>, SearchError> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for h in hits {
            let first = document_id(&h.passage, self.qrels);
            let mut ids = vec![Some(first)];
            for dup in &h.duplicates {
                ids.push(self.of(dup)?);
            }
            for id in ids.into_iter().flatten() {
                if seen.insert(id.clone()) {
                    out.push(id);
                    if out.len() == depth {
                        return Ok(out);
                    }
                }
            }
        }
        Ok(out)
    }

    fn of(&mut self, passage_id: &str) -> Result<Option<String>, SearchError> {
        if let Some(known) = self.of_id.get(passage_id) {
            return Ok(known.clone());
        }
        let doc = self.ci.passage(passage_id)?.map(|found| document_id(&found.passage, self.qrels));
        self.of_id.insert(passage_id.to_string(), doc.clone());
        Ok(doc)
    }
}

/// The document id of a passage: its file's name without extension, or the document slug
/// when only the slug is judged.
pub fn document_id(p: &Passage, qrels: &Qrels) -> String {
    let stem = file_stem(&p.source.path);
    if !qrels.judges(&stem) && qrels.judges(&p.document_slug) { p.document_slug.clone() } else { stem }
}

/// `corpus/d00017.wiki` → `d00017`; whitespace becomes `_` (ids are one word in TREC files).
fn file_stem(path: &str) -> String {
    let stem = Path::new(path).file_stem().map_or_else(|| path.into(), |s| s.to_string_lossy());
    stem.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_parallel_keeps_the_order_of_items() {
        let items: Vec<usize> = (0..100).collect();
        let out = in_parallel(
            &items,
            || 0usize,
            |calls, i| {
                *calls += 1;
                i * 2
            },
        );
        assert_eq!(out, (0..100).map(|i| i * 2).collect::<Vec<_>>());
        assert!(in_parallel(&[] as &[usize], || (), |_, i| *i).is_empty());
    }

    #[test]
    fn document_ids_are_file_stems_unless_only_the_slug_is_judged() {
        assert_eq!(file_stem("corpus/d00017.wiki"), "d00017");
        assert_eq!(file_stem("/abs/dir/my notes.tar.md"), "my_notes.tar");
        assert_eq!(file_stem("plain"), "plain");
        let qrels = files::qrels("1 0 hibiya-riots 1\n1 0 witte 1\n").unwrap();
        let mut p: Passage = serde_json::from_value(serde_json::json!({
            "id": "hibiya-riots/lead/1", "document": "Hibiya riots", "document_slug": "hibiya-riots",
            "section": [], "kind": "body", "paragraph": 1, "seq": 0, "text": "t", "language": "en",
            "source": {"path": "corpus/history.wiki", "line_start": 1, "line_end": 1, "byte_start": 0,
                       "byte_end": 1}
        }))
        .unwrap();
        assert_eq!(document_id(&p, &qrels), "hibiya-riots");
        p.source.path = "corpus/witte.md".into();
        assert_eq!(document_id(&p, &qrels), "witte");
        p.document_slug = "unjudged".into();
        p.source.path = "corpus/other.md".into();
        assert_eq!(document_id(&p, &qrels), "other");
    }
}
