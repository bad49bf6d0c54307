//! `citedex eval` on a small corpus written for it (`tests/fixtures/eval/`), with hand-made
//! queries and judgements. The queries are chosen so that the figures do not hang on ranking
//! details: each matches few passages, and where two documents compete both are judged alike.
//!
//! Document level (`qrels.txt`), by hand:
//! - fresnel: the Fresnel paragraph is in lighthouses.md and, word for word, in the Bass Rock
//!   article of islands.wiki; one hit folds the other, both count: 1, 1, 1, 1;
//! - waggle: only bees matches; tea (grade 1) is judged but not found: nDCG@10 =
//!   2 / (2 + 1/log2(3)) = 0.7602, AP = 1/2, R = 1/2, RR = 1;
//! - oxidise: only tea matches and it is judged 0; lighthouses (1) is not found: all 0;
//! - gannets: bass-rock, judged by its slug (islands.wiki holds two articles): 1, 1, 1, 1;
//! - unjudged: only a grade 0, so skipped; `nosuchquery` in the qrels is ignored.
//!
//! Means over 4: nDCG@10 (1 + 0.7602 + 0 + 1) / 4 = 0.6900, MAP 0.625, R 0.625, MRR 0.75.

use crate::env::TestEnv;
use serde::Deserialize;

const CORPUS: &[(&str, &str)] = &[
    ("bees.txt", include_str!("../fixtures/eval/corpus/bees.txt")),
    ("tea.wiki", include_str!("../fixtures/eval/corpus/tea.wiki")),
    ("lighthouses.md", include_str!("../fixtures/eval/corpus/lighthouses.md")),
    ("islands.wiki", include_str!("../fixtures/eval/corpus/islands.wiki")),
];

const FILES: &[(&str, &str)] = &[
    ("queries.tsv", include_str!("../fixtures/eval/queries.tsv")),
    ("topics.txt", include_str!("../fixtures/eval/topics.txt")),
    ("qrels.txt", include_str!("../fixtures/eval/qrels.txt")),
    ("passages.qrels", include_str!("../fixtures/eval/passages.qrels")),
];

/// A folder with the eval corpus and the query and qrels files beside it.
fn env() -> TestEnv {
    let env = TestEnv::empty();
    for (name, text) in CORPUS {
        env.write(&format!("corpus/{name}"), text);
    }
    for (name, text) in FILES {
        env.write(name, text);
    }
    env
}

const SUMMARY: &str = "query    nDCG@10  MAP@100    R@100   MRR@10  relevant
fresnel   1.0000   1.0000   1.0000   1.0000         2
waggle    0.7602   0.5000   0.5000   1.0000         2
oxidise   0.0000   0.0000   0.0000   0.0000         1
gannets   1.0000   1.0000   1.0000   1.0000         1
all       0.6900   0.6250   0.6250   0.7500         6
";

#[test]
fn eval_prints_the_measures_by_hand() {
    let env = env();
    let r = env.run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt"]).expect(0);
    assert_eq!(
        r.stdout,
        "4 queries evaluated, 1 skipped (no relevant judgement); document level, depth 100\n\
         query  nDCG@10  MAP@100    R@100   MRR@10  relevant\n\
         all     0.6900   0.6250   0.6250   0.7500         6\n"
    );
    let r = env.run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--per-query"]).expect(0);
    assert!(r.stdout.ends_with(SUMMARY), "{}", r.stdout);
}

#[test]
fn trec_topics_give_the_same_figures() {
    let env = env();
    let r = env.run(&["eval", "--queries", "topics.txt", "--qrels", "qrels.txt", "--per-query"]).expect(0);
    assert!(r.stdout.starts_with("4 queries evaluated, 1 skipped"), "{}", r.stdout);
    assert!(r.stdout.ends_with(SUMMARY), "{}", r.stdout);
}

#[derive(Debug, Deserialize)]
struct Report {
    queries: usize,
    skipped: usize,
    level: String,
    depth: usize,
    measures: Measures,
    per_query: Option<Vec<PerQuery>>,
}

#[derive(Debug, Deserialize)]
struct Measures {
    #[serde(rename = "ndcg@10")]
    ndcg_10: f64,
    #[serde(rename = "map@100")]
    map_100: f64,
    #[serde(rename = "recall@100")]
    recall_100: f64,
    #[serde(rename = "mrr@10")]
    mrr_10: f64,
}

#[derive(Debug, Deserialize)]
struct PerQuery {
    query: String,
    relevant: usize,
    retrieved: usize,
    measures: Measures,
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn json_holds_the_documented_fields() {
    let env = env();
    let r = env.run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--json"]).expect(0);
    let j: Report = serde_json::from_str(&r.stdout).expect("eval --json");
    assert_eq!((j.queries, j.skipped, j.level.as_str(), j.depth), (4, 1, "document", 100));
    let waggle = 2.0 / (2.0 + 1.0 / 3f64.log2());
    close(j.measures.ndcg_10, (1.0 + waggle + 0.0 + 1.0) / 4.0);
    close(j.measures.map_100, 0.625);
    close(j.measures.recall_100, 0.625);
    close(j.measures.mrr_10, 0.75);
    assert!(j.per_query.is_none());

    let r = env
        .run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--json", "--per-query"])
        .expect(0);
    let j: Report = serde_json::from_str(&r.stdout).expect("eval --json --per-query");
    let per: Vec<(&str, usize, usize)> =
        j.per_query.iter().flatten().map(|q| (q.query.as_str(), q.relevant, q.retrieved)).collect();
    assert_eq!(per, [("fresnel", 2, 2), ("waggle", 2, 1), ("oxidise", 1, 1), ("gannets", 1, 1)]);
    let waggle_q = &j.per_query.as_ref().unwrap()[1].measures;
    close(waggle_q.ndcg_10, waggle);
    close(waggle_q.map_100, 0.5);
}

#[test]
fn depth_names_map_and_recall_in_json() {
    let env = env();
    let r = env.run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--json", "--depth", "1"]);
    let v: serde_json::Value = serde_json::from_str(&r.expect(0).stdout).unwrap();
    assert_eq!(v["depth"], 1);
    // fresnel keeps one of its two documents at depth 1: AP@1 = R@1 = 1/2.
    close(v["measures"]["map@1"].as_f64().unwrap(), (0.5 + 0.5 + 0.0 + 1.0) / 4.0);
    close(v["measures"]["recall@1"].as_f64().unwrap(), (0.5 + 0.5 + 0.0 + 1.0) / 4.0);
    assert!(v["measures"].get("map@100").is_none());
}

#[test]
fn run_file_is_trec_format() {
    let env = env();
    let r = env
        .run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--run", "no/run.txt"])
        .expect(2);
    assert!(r.stderr.starts_with("citedex: error: no/run.txt: cannot write the run file: "), "{}", r.stderr);
    assert!(!env.path("index").exists(), "a run file that cannot be written fails before indexing");
    env.run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--run", "run.txt"]).expect(0);
    let run = std::fs::read_to_string(env.path("run.txt")).unwrap();
    let lines: Vec<Vec<&str>> = run.lines().map(|l| l.split(' ').collect()).collect();
    for l in &lines {
        assert_eq!(l.len(), 6, "{l:?}");
        assert_eq!((l[1], l[5]), ("Q0", "citedex"));
        let (rank, score): (usize, usize) = (l[3].parse().unwrap(), l[4].parse().unwrap());
        assert_eq!(score, 101 - rank, "{l:?}");
    }
    let fresnel: Vec<&str> = lines.iter().filter(|l| l[0] == "fresnel").map(|l| l[2]).collect();
    assert_eq!(fresnel.len(), 2);
    assert!(fresnel.contains(&"lighthouses") && fresnel.contains(&"bass-rock"), "{fresnel:?}");
    let rest: Vec<String> = lines.iter().filter(|l| l[0] != "fresnel").map(|l| l.join(" ")).collect();
    assert_eq!(
        rest,
        [
            "waggle Q0 bees 1 100 citedex",
            "oxidise Q0 tea 1 100 citedex",
            "gannets Q0 bass-rock 1 100 citedex"
        ]
    );
}

#[test]
fn passage_level_ranks_passage_ids_with_their_duplicates() {
    let env = env();
    let args = ["eval", "--queries", "queries.tsv", "--qrels", "passages.qrels", "--level", "passage"];
    let r = env.run(&[&args[..], &["--per-query", "--run", "run.txt"]].concat()).expect(0);
    // waggle: honey-bees/lead/2 found, lead/1 not: nDCG@10 = 1 / (1 + 1/log2(3)) = 0.6131.
    assert_eq!(
        r.stdout,
        "2 queries evaluated, 3 skipped (no relevant judgement); passage level, depth 100\n\
         query    nDCG@10  MAP@100    R@100   MRR@10  relevant\n\
         fresnel   1.0000   1.0000   1.0000   1.0000         2\n\
         waggle    0.6131   0.5000   0.5000   1.0000         2\n\
         all       0.8066   0.7500   0.7500   1.0000         4\n"
    );
    let run = std::fs::read_to_string(env.path("run.txt")).unwrap();
    let ids: Vec<&str> = run.lines().map(|l| l.split(' ').nth(2).unwrap()).collect();
    // The Fresnel paragraph and its folded twin come first, one right after the other.
    let mut twins = ids[..2].to_vec();
    twins.sort();
    assert_eq!(twins, ["bass-rock/lighthouse/2", "lighthouses/optics/1"], "{run}");
    assert!(ids.contains(&"honey-bees/lead/2"));
}

#[test]
fn bad_files_fail_with_the_file_the_line_and_what_to_do() {
    let env = env();
    let eval = |queries: &str, qrels: &str| {
        let r = env.run(&["eval", "--queries", queries, "--qrels", qrels]).expect(2);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        r.stderr
    };
    env.write("notab.tsv", "1\tok\n2 no tab\n");
    assert_eq!(
        eval("notab.tsv", "qrels.txt"),
        "citedex: error: notab.tsv:2: expected `id<TAB>query`, found no tab: separate the query id from the query with a tab\n"
    );
    env.write("syntax.tsv", "waggle\t\"waggle dance\n");
    assert_eq!(
        eval("syntax.tsv", "qrels.txt"),
        "citedex: error: syntax.tsv:1: query `waggle`: unclosed quote at character 1 of the query: add the closing \"\n"
    );
    env.write("three.qrels", "waggle 0 bees 1\nwaggle bees 1\n");
    assert_eq!(
        eval("queries.tsv", "three.qrels"),
        "citedex: error: three.qrels:2: expected `qid iter docid grade` (4 fields), found 3 fields\n"
    );
    env.write("none.qrels", "waggle 0 bees 0\n");
    assert_eq!(
        eval("queries.tsv", "none.qrels"),
        "citedex: error: none.qrels: no relevant judgement (no grade above 0): give TREC qrels, `qid iter docid grade` per line\n"
    );
    env.write("other.qrels", "401 0 bees 1\n");
    assert_eq!(
        eval("queries.tsv", "other.qrels"),
        "citedex: error: queries.tsv: no query has a relevant judgement in other.qrels: query ids must match the qrels' first column (the qrels have `401`)\n"
    );
    env.write("topics.bad", "<top>\n<num> 1\n<desc> no title\n</top>\n");
    assert_eq!(
        eval("topics.bad", "qrels.txt"),
        "citedex: error: topics.bad:1: topic `1` has no `<title>`: its title is the query\n"
    );
    env.write("latin1.tsv", b"waggle\twaggle\nfresnel\tl\xe9ns\n");
    assert_eq!(
        eval("latin1.tsv", "qrels.txt"),
        "citedex: error: latin1.tsv:2: not UTF-8 text: save the file as UTF-8\n"
    );
    let missing = eval("missing.tsv", "qrels.txt");
    assert!(missing.starts_with("citedex: error: missing.tsv: cannot read: "), "{missing}");
    assert!(missing.ends_with("; check the path given to --queries\n"), "{missing}");
    // Bad files fail before any indexing work.
    assert!(!env.path("index").exists());
}

#[test]
fn bad_options_are_usage_errors() {
    let env = env();
    let r = env.run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--depth", "0"]).expect(2);
    assert!(r.stderr.starts_with("error: invalid value '0' for '--depth <N>'"), "{}", r.stderr);
    let r = env.run(&["eval", "--queries", "queries.tsv"]).expect(2);
    assert!(
        r.stderr.starts_with("error: the following required arguments were not provided"),
        "{}",
        r.stderr
    );
    let r =
        env.run(&["eval", "--queries", "queries.tsv", "--qrels", "qrels.txt", "--level", "word"]).expect(2);
    assert!(r.stderr.contains("invalid value 'word' for '--level <LEVEL>'"), "{}", r.stderr);
}

#[test]
fn no_update_evaluates_the_index_as_it_is() {
    let env = env();
    env.run(&["index"]).expect(0);
    // A new file that would answer `oxidise`: not seen with --no-update, seen without.
    env.write("corpus/lamps.md", "# Lamps\n\nLamp brass will oxidise in salt air.\n");
    env.write("lamps.qrels", "oxidise 0 lamps 1\n");
    let args = ["eval", "--queries", "queries.tsv", "--qrels", "lamps.qrels", "--json"];
    let v: serde_json::Value =
        serde_json::from_str(&env.run(&[&args[..], &["--no-update"]].concat()).expect(0).stdout).unwrap();
    assert_eq!(v["measures"]["recall@100"], 0.0);
    let v: serde_json::Value = serde_json::from_str(&env.run(&args).expect(0).stdout).unwrap();
    assert_eq!(v["measures"]["recall@100"], 1.0);
}

#[test]
fn exact_turns_spelling_correction_off() {
    let env = env();
    env.write("typo.tsv", "waggle\twagle\n");
    let args = ["eval", "--queries", "typo.tsv", "--qrels", "qrels.txt", "--json"];
    let v: serde_json::Value = serde_json::from_str(&env.run(&args).expect(0).stdout).unwrap();
    assert_eq!(v["measures"]["mrr@10"], 1.0, "`wagle` is searched as `waggle`");
    let v: serde_json::Value =
        serde_json::from_str(&env.run(&[&args[..], &["--exact"]].concat()).expect(0).stdout).unwrap();
    assert_eq!(v["measures"]["mrr@10"], 0.0);
}
