//! `citedex index`.

use crate::env::TestEnv;

#[test]
fn index_prints_one_summary_line() {
    let env = TestEnv::seed();
    let r = env.run(&["index"]).expect(0);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(lines[0].starts_with("indexed 1 document, 46 passages in "), "{}", lines[0]);
}

#[test]
fn several_articles_in_one_file() {
    let env = TestEnv::seed();
    env.write(
        "corpus/two.txt",
        "[[First Article]]\n\nAlpha paragraph.\n\n[[Second Article]]\n\nBeta paragraph.\n",
    );
    env.run(&["index"]).expect(0);
    let v = env.search_json("beta", &[]);
    assert_eq!(v["hits"][0]["document"], "Second Article");
    assert_eq!(v["hits"][0]["id"], "second-article/lead/1");
    assert_eq!(v["hits"][0]["source"]["line_start"], 7);
}

/// The index's files whose names end with `suffix`.
fn index_files(env: &TestEnv, suffix: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(env.path("index"))
        .expect("index folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect()
}

#[test]
fn hits_read_the_same_with_or_without_the_document_table() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let with_table = env.run(&["search", "--json", "--no-update", "--limit", "20", "Witte Komura"]).expect(0);
    let tables = index_files(&env, ".documents");
    assert_eq!(tables.len(), 1, "{tables:?}");
    // Hits deep in the document come from the table; the same hits without it come from
    // their document's first passage.
    let v: serde_json::Value = serde_json::from_str(&with_table.stdout).unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert!(hits.len() > 3 && hits.iter().all(|h| h["document"] == "Treaty of Portsmouth"), "{v}");
    std::fs::remove_file(&tables[0]).unwrap();
    let without = env.run(&["search", "--json", "--no-update", "--limit", "20", "Witte Komura"]).expect(0);
    assert_eq!(with_table.stdout, without.stdout);
}

#[test]
fn an_update_keeps_one_catalog_and_one_table() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    env.write("corpus/two.txt", "[[Second]]\n\nBeta paragraph.\n\nGamma paragraph.\n");
    env.run(&["index"]).expect(0);
    assert_eq!(
        index_files(&env, ".json").iter().filter(|p| p.to_string_lossy().contains("catalog")).count(),
        1
    );
    assert_eq!(index_files(&env, ".documents").len(), 1);
    let v = env.search_json("gamma", &["--no-update"]);
    assert_eq!(v["hits"][0]["document"], "Second");
    assert_eq!(v["hits"][0]["source"]["path"], "corpus/two.txt");
}

#[test]
fn a_touched_file_is_checked_once_then_the_index_is_current() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    // Same bytes, new modification time.
    std::thread::sleep(std::time::Duration::from_millis(20));
    env.write("corpus/treaty-of-portsmouth.txt", crate::env::SEED);
    let first = env.run(&["search", "Witte"]).expect(0);
    assert!(first.stderr.contains("indexed"), "{}", first.stderr);
    let second = env.run(&["search", "Witte"]).expect(0);
    assert_eq!(second.stderr, "", "the corpus was checked again");
}

#[test]
fn timings_name_every_stage() {
    let env = TestEnv::seed();
    let r = env.run(&["index", "--timings"]).expect(0);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    for stage in ["scan and plan ", "reading files", "splitting, parsing, adding", "commit ", "merge "] {
        assert!(lines[1].starts_with("timings: ") && lines[1].contains(stage), "{stage}: {}", lines[1]);
    }
}

/// The title's tokens as the catalog counts them are the tokens tantivy indexed, and the
/// commit's count as if every passage held its title is their sum weighted by passages.
#[test]
fn the_title_tokens_counted_are_those_indexed() {
    let env = TestEnv::seed();
    env.write(
        "corpus/two.md",
        "# Café Crème, ou la Ville de Nagasaki\n\nAlpha paragraph.\n\nBeta paragraph.\n",
    );
    env.write("corpus/three.md", "# 日本語の題名\n\n日本語の本文です。\n");
    env.run(&["index"]).expect(0);
    let mut ci = citedex::index::CitedexIndex::open(&env.path("index")).unwrap();
    ci.load_catalog().unwrap();
    let documents: Vec<_> = ci.meta.files.iter().flat_map(|f| &f.documents).collect();
    assert_eq!(documents.len(), 3, "{documents:?}");
    let tokens: Vec<u64> = documents.iter().map(|d| d.title_tokens.expect("counted")).collect();
    assert!(tokens.iter().all(|&t| t > 0), "{tokens:?}");
    use tantivy::query::Bm25StatisticsProvider;
    let indexed = ci.searcher().total_num_tokens(ci.fields.title).unwrap();
    assert_eq!(tokens.iter().sum::<u64>(), indexed);
    let weighted: u64 = documents.iter().map(|d| d.title_tokens.unwrap() * d.passages).sum();
    assert_eq!(ci.meta.title_passage_tokens, Some(weighted));
    assert!(weighted > indexed);
}

/// An index built from one corpus folder is not emptied by an update from another that shares
/// none of its files (an --index given from a folder where another `corpus` is found): one
/// line saying so, exit 2, the index as it was; `--rebuild` replaces it. A new --glob in the
/// same corpus folder, which shares no file with the last one either, still updates it.
#[test]
fn an_index_of_another_corpus_is_not_emptied_by_an_update() {
    let env = TestEnv::seed();
    // A folder whose name does not tell its corpus (`index` would give `corpus` beside it).
    env.run(&["index", "--index", "store"]).expect(0);
    env.write("elsewhere/corpus/owls.txt", "[[Owls]]\n\nBarn owls hunt voles at dusk.\n");
    let index = env.path("store");
    let index = index.to_str().unwrap();
    for args in [vec!["index", "--index", index], vec!["search", "voles", "--index", index]] {
        let r = env.run_in("elsewhere", &args).expect(2);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("shares no file with")
                && r.stderr.contains("would remove its 1 file)")
                && r.stderr.contains("index --rebuild --corpus"),
            "{}",
            r.stderr
        );
    }
    // Untouched: the seed still answers, from its own folder and with --no-update.
    assert!(
        env.run(&["search", "Portsmouth", "--index", "store"])
            .expect(0)
            .stdout
            .contains("Treaty of Portsmouth")
    );
    assert!(
        env.run_in("elsewhere", &["search", "--no-update", "Portsmouth", "--index", index])
            .expect(0)
            .stdout
            .contains("Portsmouth")
    );
    env.run_in("elsewhere", &["index", "--rebuild", "--index", index]).expect(0);
    assert!(
        env.run_in("elsewhere", &["search", "voles", "--index", index])
            .expect(0)
            .stdout
            .contains("Barn owls")
    );

    // Another --glob of one corpus folder: updated.
    let env = TestEnv::empty();
    env.write("corpus/a.txt", "[[Alpha]]\n\nHerons wade in the shallows.\n");
    env.write("corpus/b.md", "# Beta\n\nKestrels hover over the verge.\n");
    env.run(&["index", "-g", "*.txt"]).expect(0);
    env.run(&["index", "-g", "*.md"]).expect(0);
    assert!(env.run(&["search", "--no-update", "kestrels"]).expect(0).stdout.contains("Kestrels"));
    env.run(&["search", "--no-update", "herons"]).expect(1);
}
