//! Relevance test set: the queries of `queries.tsv`, each with its judged relevant passages,
//! run through citedex and through a plain baseline (tantivy's default tokenizer, BM25 over
//! the same passages, default query parser). Fails when citedex's MRR@10 or Recall@5 drops
//! below its thresholds, or when it does not beat the baseline.
//!
//! `cargo test --test relevance -- --nocapture` prints the figures per category.

use citedex::index::CitedexIndex;
use citedex::index::writer::{Options, update};
use citedex::passage::{self, Passage};
use citedex::search;
use citedex::source;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, Schema, TEXT, Value};
use tantivy::{Index, TantivyDocument, doc};

const MIN_MRR: f64 = 0.95;
const MIN_RECALL: f64 = 0.90;

struct Judged {
    category: String,
    query: String,
    needles: Vec<String>,
}

fn judged() -> Vec<Judged> {
    include_str!("queries.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "bad line: {l}");
            Judged {
                category: cols[0].to_string(),
                query: cols[1].to_string(),
                needles: cols[2].split(" | ").map(str::to_string).collect(),
            }
        })
        .collect()
}

/// Reciprocal rank of the first relevant hit in the top 10, and the share of relevant passages
/// found in the top 5.
fn score(texts: &[String], needles: &[String]) -> (f64, f64) {
    let relevant = |t: &String| needles.iter().any(|n| t.contains(String::as_str(n)));
    let rr = texts.iter().take(10).position(relevant).map_or(0.0, |i| 1.0 / (i + 1) as f64);
    let found =
        needles.iter().filter(|n| texts.iter().take(5).any(|t| t.contains(String::as_str(n)))).count();
    (rr, found as f64 / needles.len() as f64)
}

fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("corpus/treaty-of-portsmouth.txt"), corpus.join("treaty-of-portsmouth.txt"))
        .unwrap();
    for f in ["portsmouth-ru.txt", "hibiya-ja.txt"] {
        std::fs::copy(root.join("tests/fixtures/relevance").join(f), corpus.join(f)).unwrap();
    }
    (dir, corpus)
}

/// The passages of the corpus, as citedex splits them, for the baseline.
fn passages(corpus: &Path) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut slugs = std::collections::HashSet::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let docs = source::format_for(&f, &text).read(&text, "untitled");
        out.extend(passage::split(
            &text,
            &f.display().to_string(),
            &docs,
            passage::DEFAULT_MAX_WORDS,
            &mut slugs,
        ));
    }
    out
}

fn baseline(passages: &[Passage]) -> impl Fn(&str) -> Vec<String> + use<> {
    let mut b = Schema::builder();
    let title = b.add_text_field("title", TEXT);
    let section = b.add_text_field("section", TEXT);
    let text = b.add_text_field("text", TEXT | STORED);
    let index = Index::create_in_ram(b.build());
    let mut w = index.writer_with_num_threads(1, 20_000_000).unwrap();
    for p in passages {
        w.add_document(
            doc!(title => p.document.clone(), section => p.section.join(" "), text => p.text.clone()),
        )
        .unwrap();
    }
    w.commit().unwrap();
    let reader = index.reader().unwrap();
    let parser = QueryParser::for_index(&index, vec![title, section, text]);
    move |q: &str| {
        let (query, _) = parser.parse_query_lenient(q);
        let searcher = reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score()).unwrap();
        top.into_iter()
            .map(|(_, a)| {
                let d: TantivyDocument = searcher.doc(a).unwrap();
                d.get_first(text).and_then(|v| v.as_str()).unwrap_or("").to_string()
            })
            .collect()
    }
}

#[test]
fn relevance_beats_thresholds_and_baseline() {
    let (dir, corpus) = corpus();
    let index = dir.path().join("index");
    let opts = Options {
        corpus: corpus.clone(),
        index: index.clone(),
        rebuild: false,
        verify: false,
        max_words: passage::DEFAULT_MAX_WORDS,
        globs: Vec::new(),
    };
    update(&opts, |_, _| {}).unwrap();
    let ci = CitedexIndex::open(&index).unwrap();
    let base = baseline(&passages(&corpus));
    let queries = judged();
    assert!(queries.len() >= 40, "at least 40 judged queries");

    let mut per_category: BTreeMap<String, (usize, f64, f64, f64, f64)> = BTreeMap::new();
    let mut misses = Vec::new();
    for j in &queries {
        let hits = search::run(&ci, &j.query, &search::Options::default()).unwrap().hits;
        let texts: Vec<String> = hits.iter().map(|h| h.passage.text.clone()).collect();
        let (rr, recall) = score(&texts, &j.needles);
        let (brr, brecall) = score(&base(&j.query), &j.needles);
        if rr < 1.0 {
            misses.push(format!("{:>5.2} {:?} → {:?}", rr, j.query, texts.first()));
        }
        let e = per_category.entry(j.category.clone()).or_default();
        *e = (e.0 + 1, e.1 + rr, e.2 + recall, e.3 + brr, e.4 + brecall);
    }
    let n = queries.len() as f64;
    let total =
        per_category.values().fold((0.0, 0.0, 0.0, 0.0), |a, v| (a.0 + v.1, a.1 + v.2, a.2 + v.3, a.3 + v.4));
    println!(
        "{:<10} {:>3} {:>8} {:>8} {:>10} {:>10}",
        "category", "n", "MRR@10", "R@5", "base MRR", "base R@5"
    );
    for (c, v) in &per_category {
        let k = v.0 as f64;
        println!(
            "{:<10} {:>3} {:>8.3} {:>8.3} {:>10.3} {:>10.3}",
            c,
            v.0,
            v.1 / k,
            v.2 / k,
            v.3 / k,
            v.4 / k
        );
    }
    let (mrr, recall, bmrr, brecall) = (total.0 / n, total.1 / n, total.2 / n, total.3 / n);
    println!(
        "{:<10} {:>3} {:>8.3} {:>8.3} {:>10.3} {:>10.3}",
        "all",
        queries.len(),
        mrr,
        recall,
        bmrr,
        brecall
    );
    for m in &misses {
        println!("not first: {m}");
    }
    assert!(mrr >= MIN_MRR, "MRR@10 {mrr:.3} below {MIN_MRR}");
    assert!(recall >= MIN_RECALL, "Recall@5 {recall:.3} below {MIN_RECALL}");
    assert!(mrr > bmrr, "citedex MRR@10 {mrr:.3} does not beat the baseline's {bmrr:.3}");
}
