//! The JSON output is a public contract: deserialize it into our own structs, so that a renamed
//! or missing field fails here.

use crate::env::{TestEnv, seed_line};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Output {
    query: String,
    total_hits: u64,
    total_hits_relation: String,
    hits: Vec<Hit>,
    corrections: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Hit {
    rank: usize,
    score: f64,
    id: String,
    document: String,
    section: Vec<String>,
    kind: String,
    paragraph: u32,
    text: String,
    snippet: String,
    highlights: Vec<(usize, usize)>,
    source: Source,
    cite_as: String,
    citations: Vec<serde_json::Value>,
    duplicates: Vec<String>,
    duplicates_total: usize,
    duplicates_total_relation: String,
}

#[derive(Deserialize)]
struct Source {
    path: String,
    line_start: u64,
    line_end: u64,
    byte_start: usize,
    byte_end: usize,
}

#[test]
fn search_json_has_every_field() {
    let env = TestEnv::seed();
    let r = env.run(&["search", "--json", "Hibiya riots"]).expect(0);
    let out: Output = serde_json::from_str(&r.stdout).expect("JSON matches the contract");
    assert_eq!(out.query, "Hibiya riots");
    assert!(out.total_hits >= 1);
    assert_eq!(out.total_hits_relation, "eq");
    let hit = &out.hits[0];
    assert_eq!(hit.rank, 1);
    assert!(hit.score > 0.0);
    assert_eq!(hit.document, "Treaty of Portsmouth");
    assert_eq!(hit.paragraph, 1);
    assert!(hit.id.starts_with("treaty-of-portsmouth/effects/"));
    assert_eq!(hit.source.path, "corpus/treaty-of-portsmouth.txt");
    assert_eq!((hit.source.line_start, hit.source.line_end), (seed_line("Hibiya"), seed_line("Hibiya")));
    assert!(hit.cite_as.ends_with(&format!("corpus/treaty-of-portsmouth.txt:{}", seed_line("Hibiya"))));
    for &(a, b) in &hit.highlights {
        assert!(["hibiya", "riots"].contains(&hit.snippet[a..b].to_lowercase().as_str()));
    }
    // The source range holds the passage's text (no citation in this passage).
    let seed = crate::env::SEED;
    assert_eq!(&seed[hit.source.byte_start..hit.source.byte_end], hit.text);
}

#[test]
fn no_match_is_exit_1_with_empty_hits() {
    let env = TestEnv::seed();
    let r = env.run(&["search", "--json", "--exact", "xylophone"]).expect(1);
    let out: Output = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out.total_hits, 0);
    assert!(out.hits.is_empty());
}

#[test]
fn json_lines_give_one_hit_per_line() {
    let env = TestEnv::seed();
    let r = env.run(&["search", "--json-lines", "--limit", "3", "Sakhalin"]).expect(0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    let full = env.search_json("Sakhalin", &["--limit", "3", "--no-update"]);
    for (i, line) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert_eq!(v["rank"], i + 1);
        assert_eq!(v["id"], full["hits"][i]["id"]);
        assert_eq!(v["query"], "Sakhalin");
        assert_eq!(v["total_hits"], full["total_hits"]);
    }
    env.run(&["search", "--json-lines", "--json", "Sakhalin"]).expect(2);
    assert_eq!(
        env.run(&["search", "--json-lines", "--no-update", "--exact", "xylophone"]).expect(1).stdout,
        ""
    );
}
