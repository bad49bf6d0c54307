//! Printing an [`Evaluation`]: the text table, the JSON object and the TREC run file, each
//! over any writer. Computing it is [`super::run`]'s.
//!
//! Text (`--per-query` adds one row per query above `all`):
//!
//! ```text
//! 225 queries evaluated, 0 skipped (no relevant judgement); document level, depth 100
//! query  nDCG@10  MAP@100    R@100   MRR@10  relevant
//! all     0.4012   0.3012   0.7012   0.6012      1612
//! ```
//!
//! JSON, a public contract (fields may be added, never renamed or removed; MAP and recall are
//! named by the depth, `map@100`, `recall@100` by default); `per_query` only with `--per-query`:
//!
//! ```json
//! {"queries": 225, "skipped": 0, "level": "document", "depth": 100,
//!  "measures": {"ndcg@10": 0.4012, "map@100": 0.3012, "recall@100": 0.7012, "mrr@10": 0.6012},
//!  "per_query": [{"query": "1", "relevant": 5, "retrieved": 100, "measures": {…}}]}
//! ```
//!
//! Run file: `qid Q0 docid rank score citedex`, queries in file order, ranks from 1; the score
//! is `depth + 1 - rank`, so a tool that sorts by score (trec_eval does) keeps the order, with
//! no ties.

use super::Evaluation;
use super::metrics::Measures;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// Column names of the text table.
fn headers(depth: usize) -> [String; 4] {
    ["nDCG@10".into(), format!("MAP@{depth}"), format!("R@{depth}"), "MRR@10".into()]
}

/// JSON keys of the measures.
fn keys(depth: usize) -> [String; 4] {
    ["ndcg@10".into(), format!("map@{depth}"), format!("recall@{depth}"), "mrr@10".into()]
}

fn values(m: &Measures) -> [f64; 4] {
    [m.ndcg_10, m.ap, m.recall, m.rr_10]
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The text table.
pub fn text(w: &mut impl Write, e: &Evaluation, per_query: bool) -> io::Result<()> {
    writeln!(
        w,
        "{} evaluated, {} skipped (no relevant judgement); {} level, depth {}",
        plural(e.queries.len(), "query", "queries"),
        e.skipped.len(),
        e.level.name(),
        e.depth
    )?;
    let first =
        e.queries.iter().filter(|_| per_query).map(|q| q.id.chars().count()).max().unwrap_or(0).max(5);
    let heads = headers(e.depth);
    let widths: Vec<usize> = heads.iter().map(|h| h.len().max(8)).collect();
    let mut line = format!("{:<first$}", "query");
    for (h, width) in heads.iter().zip(&widths) {
        line.push_str(&format!(" {h:>width$}"));
    }
    writeln!(w, "{line}  relevant")?;
    let row = |w: &mut dyn Write, id: &str, m: &Measures, relevant: usize| -> io::Result<()> {
        let mut line = format!("{id:<first$}");
        for (v, width) in values(m).iter().zip(&widths) {
            line.push_str(&format!(" {v:>width$.4}"));
        }
        writeln!(w, "{line}  {relevant:>8}")
    };
    if per_query {
        for q in &e.queries {
            row(w, &q.id, &q.measures, q.relevant)?;
        }
    }
    row(w, "all", &e.mean, e.queries.iter().map(|q| q.relevant).sum())
}

fn measures(m: &Measures, depth: usize) -> Value {
    let map: Map<String, Value> = keys(depth).into_iter().zip(values(m).map(Value::from)).collect();
    Value::Object(map)
}

/// The JSON object.
pub fn json(e: &Evaluation, per_query: bool) -> Value {
    let mut v = json!({
        "queries": e.queries.len(),
        "skipped": e.skipped.len(),
        "level": e.level.name(),
        "depth": e.depth,
        "measures": measures(&e.mean, e.depth),
    });
    if per_query {
        v["per_query"] = e
            .queries
            .iter()
            .map(|q| {
                json!({
                    "query": q.id, "relevant": q.relevant, "retrieved": q.ranking.len(),
                    "measures": measures(&q.measures, e.depth),
                })
            })
            .collect();
    }
    v
}

/// The TREC run file.
pub fn run_file(w: &mut impl Write, e: &Evaluation) -> io::Result<()> {
    for q in &e.queries {
        for (i, id) in q.ranking.iter().enumerate() {
            let rank = i + 1;
            writeln!(w, "{} Q0 {id} {rank} {} citedex", q.id, e.depth + 1 - rank)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Level, QueryResult};

    fn evaluation() -> Evaluation {
        let q = |id: &str, ranking: &[&str], m: Measures, relevant| QueryResult {
            id: id.into(),
            ranking: ranking.iter().map(|s| s.to_string()).collect(),
            relevant,
            measures: m,
        };
        let a = Measures { ndcg_10: 1.0, ap: 0.5, recall: 1.0, rr_10: 1.0 };
        let b = Measures { ndcg_10: 0.0, ap: 0.0, recall: 0.0, rr_10: 0.0 };
        let queries = vec![q("q1", &["d1", "d2"], a, 1), q("query-two", &[], b, 2)];
        let mean = Measures::mean(queries.iter().map(|q| &q.measures));
        Evaluation { level: Level::Document, depth: 20, queries, skipped: vec!["q3".into()], mean }
    }

    #[test]
    fn text_table() {
        let mut out = Vec::new();
        text(&mut out, &evaluation(), true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2 queries evaluated, 1 skipped (no relevant judgement); document level, depth 20\n\
             query      nDCG@10   MAP@20     R@20   MRR@10  relevant\n\
             q1          1.0000   0.5000   1.0000   1.0000         1\n\
             query-two   0.0000   0.0000   0.0000   0.0000         2\n\
             all         0.5000   0.2500   0.5000   0.5000         3\n"
        );
        let mut out = Vec::new();
        text(&mut out, &evaluation(), false).unwrap();
        assert!(String::from_utf8(out).unwrap().ends_with("\nquery  nDCG@10   MAP@20     R@20   MRR@10  relevant\nall     0.5000   0.2500   0.5000   0.5000         3\n"));
    }

    #[test]
    fn json_names_measures_by_depth() {
        let v = json(&evaluation(), false);
        assert_eq!(
            v,
            serde_json::json!({"queries": 2, "skipped": 1, "level": "document", "depth": 20,
                "measures": {"ndcg@10": 0.5, "map@20": 0.25, "recall@20": 0.5, "mrr@10": 0.5}})
        );
        let v = json(&evaluation(), true);
        assert_eq!(v["per_query"][0]["query"], "q1");
        assert_eq!(v["per_query"][0]["retrieved"], 2);
        assert_eq!(v["per_query"][1]["measures"]["map@20"], 0.0);
    }

    #[test]
    fn run_file_scores_fall_with_rank() {
        let mut out = Vec::new();
        run_file(&mut out, &evaluation()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "q1 Q0 d1 1 20 citedex\nq1 Q0 d2 2 19 citedex\n");
    }
}
