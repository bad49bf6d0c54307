//! Growing the corpus: formats, `add`, incremental indexing, bad input, the lock, killed runs.

use crate::env::{SEED, TestEnv};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Stdio};

/// Starts `citedex index` and returns once it has added its documents and waits, holding the
/// writer lock, before committing them.
fn paused_indexer(env: &TestEnv, pause_ms: u64) -> Child {
    let mut child = env
        .command(&["index"])
        .env("CITEDEX_TEST_PAUSE_BEFORE_COMMIT_MS", pause_ms.to_string())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains("pausing before commit"), "{line}");
    child
}

fn summary(stderr: &str) -> &str {
    stderr.lines().rfind(|l| l.starts_with("indexed ")).unwrap_or_else(|| panic!("no summary in {stderr}"))
}

#[test]
fn markdown_and_plain_text_are_read_by_extension_and_content() {
    let env = TestEnv::seed();
    env.add_fixture("formats/witte-memoirs.md");
    env.add_fixture("formats/kittery-yard.txt");
    env.run(&["index"]).expect(0);
    let v = env.search_json("indemnity territory", &[]);
    let hit = &v["hits"][0];
    assert_eq!(hit["document"], "Sergei Witte at Portsmouth");
    assert_eq!(
        (hit["source"]["line_start"].as_u64(), hit["source"]["line_end"].as_u64()),
        (Some(6), Some(7))
    );
    // The `# H1` that repeats the front matter's title is the title, not a section.
    assert_eq!(hit["cite_as"], "Sergei Witte at Portsmouth › lead ¶1 — corpus/witte-memoirs.md:6-7");
    let v = env.search_json("Seavey's Island", &[]);
    assert_eq!(v["hits"][0]["document"], "The Navy Yard at Kittery");
    let v = env.search_json("kind:caption Witte arriving", &[]);
    assert_eq!(v["hits"][0]["file"], "witte-arrival.jpg");
    let v = env.search_json("kind:reference Harcave", &[]);
    assert_eq!(
        v["total_hits"], 3,
        "Harcave twice in the wiki bibliography (once as translator), once in Markdown"
    );
    let r = env.run(&["list", "--json"]).expect(0);
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let formats: Vec<&str> =
        list["documents"].as_array().unwrap().iter().map(|d| d["format"].as_str().unwrap()).collect();
    assert_eq!(formats, vec!["plain", "wiki", "markdown"]);
}

#[test]
fn markdown_setext_headings_rules_and_footnotes() {
    let env = TestEnv::seed();
    env.write(
        "corpus/yard-notes.md",
        "Yard Notes\n==========\n\nThe yard lies on Seavey's Island.[^1]\n\n---\n\n\
         Dry docks\n---------\n\nThe first dry dock opened in 1852.\n\n\
         [^1]: Fentress, Shipyard Histories, p. 12.\n",
    );
    env.run(&["index"]).expect(0);
    let v = env.search_json("dry dock opened", &[]);
    assert_eq!(v["hits"][0]["document"], "Yard Notes");
    assert_eq!(v["hits"][0]["section"], serde_json::json!(["Dry docks"]));
    let v = env.search_json("kind:note Fentress", &[]);
    assert_eq!(v["hits"][0]["text"], "Fentress, Shipyard Histories, p. 12.");
    // Neither the underlines nor the rule are passages.
    let r = env.run(&["list", "--json"]).expect(0);
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let doc = list["documents"].as_array().unwrap().iter().find(|d| d["document"] == "Yard Notes").unwrap();
    assert_eq!(doc["passages"], 3, "{doc}");
}

#[test]
fn add_copies_indexes_and_refuses_to_overwrite() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    env.write("incoming/kittery-yard.txt", "The Navy Yard\n\nSeavey's Island hosts the yard.\n");
    let r = env.run(&["add", "incoming/kittery-yard.txt"]).expect(0);
    assert!(summary(&r.stderr).contains("(1 added, 0 updated, 0 removed, 1 unchanged;"), "{}", r.stderr);
    assert!(env.path("corpus/kittery-yard.txt").is_file());
    env.search_json("Seavey", &[]);
    env.write("incoming/kittery-yard.txt", "The Navy Yard\n\nA different text.\n");
    let r = env.run(&["add", "incoming/kittery-yard.txt"]).expect(2);
    assert!(
        r.stderr.contains("already exists with different content") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    let r = env.run(&["add", "--force", "incoming/kittery-yard.txt"]).expect(0);
    assert!(summary(&r.stderr).contains("(0 added, 1 updated, 0 removed, 1 unchanged;"), "{}", r.stderr);
    let r = env.run(&["add", "no-such-file.txt"]).expect(2);
    assert!(r.stderr.contains("no-such-file.txt: not found"), "{}", r.stderr);
}

#[test]
fn a_revised_file_of_several_documents_leaves_none_of_its_old_passages() {
    let env = TestEnv::seed();
    env.write(
        "corpus/many.txt",
        "[[Alpha]]\n\nAlpha kestrel.\n\n[[Beta]]\n\nBeta kestrel.\n\n[[Gamma]]\n\nGamma kestrel.\n",
    );
    env.run(&["index"]).expect(0);
    assert_eq!(env.search_json("kestrel", &["--no-update"])["total_hits"], 3);
    // Beta gone, Gamma renamed, Alpha revised: a file's passages go by its documents' slugs.
    env.write("corpus/many.txt", "[[Alpha]]\n\nAlpha kestrel again.\n\n[[Delta]]\n\nGamma kestrel.\n");
    let r = env.run(&["index"]).expect(0);
    assert!(summary(&r.stderr).contains("(0 added, 2 updated, 0 removed, 1 unchanged;"), "{}", r.stderr);
    let v = env.search_json("kestrel", &["--no-update"]);
    let mut docs: Vec<&str> =
        v["hits"].as_array().unwrap().iter().map(|h| h["document"].as_str().unwrap()).collect();
    docs.sort_unstable();
    assert_eq!(docs, ["Alpha", "Delta"], "{v}");
    // The other file's passages stay.
    assert!(env.search_json("Witte", &["--no-update"])["total_hits"].as_u64().unwrap() > 0);
    std::fs::remove_file(env.path("corpus/many.txt")).unwrap();
    env.run(&["index"]).expect(0);
    env.run(&["search", "--no-update", "kestrel"]).expect(1);
}

#[test]
fn only_changed_files_are_reindexed() {
    let env = TestEnv::seed();
    env.write("corpus/a.txt", "[[Alpha]]\n\nAlpha text.\n");
    env.write("corpus/b.txt", "[[Beta]]\n\nBeta text.\n");
    let r = env.run(&["index"]).expect(0);
    assert!(summary(&r.stderr).contains("(3 added, 0 updated, 0 removed, 0 unchanged;"), "{}", r.stderr);
    let r = env.run(&["index"]).expect(0);
    assert!(
        summary(&r.stderr).contains("(0 added, 0 updated, 0 removed, 3 unchanged; 0 passages"),
        "{}",
        r.stderr
    );

    env.write("corpus/a.txt", "[[Alpha]]\n\nAlpha text, revised with gamma.\n");
    std::fs::remove_file(env.path("corpus/b.txt")).unwrap();
    env.write("corpus/c.txt", "[[Gamma]]\n\nGamma text.\n");
    let r = env.run(&["index"]).expect(0);
    assert!(
        summary(&r.stderr).contains("(1 added, 1 updated, 1 removed, 1 unchanged; 2 passages"),
        "{}",
        r.stderr
    );
    assert_eq!(env.search_json("beta", &["--exact"])["total_hits"], 0);
    assert_eq!(env.search_json("gamma", &[])["total_hits"], 2);

    // Search notices changes by itself.
    env.write("corpus/d.txt", "[[Delta]]\n\nDelta text.\n");
    let r = env.run(&["search", "delta"]).expect(0);
    assert!(summary(&r.stderr).contains("1 added"), "{}", r.stderr);
    env.write("corpus/e.txt", "[[Epsilon]]\n\nEpsilon text.\n");
    env.run(&["search", "--no-update", "--exact", "epsilon"]).expect(1);

    let r = env.run(&["index", "--rebuild"]).expect(0);
    assert!(summary(&r.stderr).contains("(5 added, 0 updated, 0 removed, 0 unchanged;"), "{}", r.stderr);
}

#[test]
fn bad_files_are_skipped_or_decoded_and_named() {
    let env = TestEnv::seed();
    env.write("corpus/blob.txt", b"\x00\x01\x02binary\x00".as_slice());
    env.write("corpus/page.html", "<html><body><p>Sakhalin in HTML</p></body></html>\n");
    env.write("corpus/table.csv", "year,event\n1905,Sakhalin\n");
    env.write(
        "corpus/refs.bib",
        "@book{jukes2002, author = {Jukes, Geoffrey}, title = {The Russo-Japanese War}, year = {2002}}\n",
    );
    env.write("corpus/README", "A note without an extension, about Sakhalin.\n");
    env.write("corpus/empty.txt", "");
    env.write("corpus/blank.txt", "  \n\n ");
    env.write("corpus/latin1.txt", b"Caf\xe9 Procope\n\nVoltaire drank coffee at the caf\xe9.\n".as_slice());
    env.write("corpus/.hidden.txt", "[[Hidden]]\n\nSecret hidden text.\n");
    env.write("corpus/notes.txt~", "[[Backup]]\n\nBackup text.\n");
    env.write("corpus/.git/config", "[core]\n");
    env.write("corpus/heading-only.md", "# Only a heading\n");
    env.write("corpus/old-mac.txt", "Old Mac File\r\rFirst paragraph about the Mac.\rSecond line.\r");
    let r = env.run(&["index"]).expect(0);
    assert!(r.stderr.contains("corpus/blob.txt: skipped: binary file"), "{}", r.stderr);
    for (file, ext) in [("page.html", "html"), ("table.csv", "csv")] {
        let line = format!("corpus/{file}: skipped: not a format citedex reads (.{ext})");
        assert!(r.stderr.contains(&line), "{}", r.stderr);
    }
    // The warning says what would be read instead, from the readers' own extension lists.
    assert!(r.stderr.contains(".md, .markdown"), "{}", r.stderr);
    // A `.bib` file is read as works, not skipped and not raw text.
    assert!(!r.stderr.contains("refs.bib"), "{}", r.stderr);
    let v = env.search_json("kind:reference Jukes Russo-Japanese", &["--limit", "100"]);
    let bib =
        v["hits"].as_array().unwrap().iter().find(|h| h["source"]["path"] == "corpus/refs.bib").unwrap();
    assert_eq!(bib["text"], "Jukes, Geoffrey (2002). The Russo-Japanese War.");
    assert!(
        r.stderr.contains(".wiki,") && r.stderr.contains(".mediawiki,") && r.stderr.contains(".txt"),
        "{}",
        r.stderr
    );
    // Skipped files pollute no search; a file without an extension is plain text.
    let v = env.search_json("Sakhalin", &["--limit", "100"]);
    let paths: Vec<&str> =
        v["hits"].as_array().unwrap().iter().map(|h| h["source"]["path"].as_str().unwrap()).collect();
    assert!(
        paths.contains(&"corpus/README")
            && paths.iter().all(|p| !p.ends_with(".html") && !p.ends_with(".csv") && !p.ends_with(".bib")),
        "{paths:?}"
    );
    assert!(r.stderr.contains("corpus/empty.txt: skipped: empty file"), "{}", r.stderr);
    assert!(r.stderr.contains("corpus/blank.txt: skipped: empty file"), "{}", r.stderr);
    assert!(r.stderr.contains("corpus/latin1.txt: not UTF-8: decoded as windows-1252"), "{}", r.stderr);
    assert!(r.stderr.contains("corpus/heading-only.md: skipped: no text to index"), "{}", r.stderr);
    assert!(summary(&r.stderr).contains("; 6 files skipped)"), "{}", r.stderr);
    let v = env.search_json("Mac paragraph", &[]);
    assert_eq!(v["hits"][0]["document"], "Old Mac File");
    assert_eq!(
        (v["hits"][0]["source"]["line_start"].as_u64(), v["hits"][0]["source"]["line_end"].as_u64()),
        (Some(3), Some(4))
    );
    assert!(!r.stderr.contains("hidden") && !r.stderr.contains("notes.txt~"), "{}", r.stderr);
    assert_eq!(env.search_json("café", &[])["hits"][0]["document"], "Café Procope");
    assert_eq!(env.search_json("secret hidden", &["--exact"])["total_hits"], 0);
    assert_eq!(env.search_json("backup", &["--exact"])["total_hits"], 0);
    // The good file is still all there.
    assert_eq!(
        env.search_json("kind:reference", &[])["total_hits"],
        13 + 1,
        "the seed's 13 and refs.bib's one"
    );
}

#[test]
fn bom_and_crlf_read_like_a_clean_file() {
    let env = TestEnv::empty();
    let crlf = format!("\u{feff}{}", SEED.replace('\n', "\r\n"));
    env.write("corpus/treaty-of-portsmouth.txt", crlf.as_bytes());
    let clean = TestEnv::seed();
    for q in ["Hibiya riots", "\"Building 86\"", "kind:caption", "Osprey"] {
        let a = env.search_json(q, &[]);
        let b = clean.search_json(q, &[]);
        let key = |v: &serde_json::Value| {
            let mut k: Vec<String> = v["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| format!("{} {} {}", h["id"], h["text"], h["source"]["line_start"]))
                .collect();
            k.sort();
            k
        };
        assert_eq!(key(&a), key(&b), "{q}");
    }
    // Byte offsets point into the file as it is on disk.
    let v = env.search_json("Hibiya riots", &[]);
    let (s, e) = (
        v["hits"][0]["source"]["byte_start"].as_u64().unwrap() as usize,
        v["hits"][0]["source"]["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&crlf[s..e], v["hits"][0]["text"].as_str().unwrap());
}

#[test]
fn a_huge_single_line_is_split_into_passages() {
    let env = TestEnv::empty();
    let sentence = "The delegates argued about Sakhalin and reparations for many long hours. ";
    let line = sentence.repeat(60_000); // about 4.3 MB on one line
    env.write("corpus/huge.txt", format!("[[Huge]]\n\n{line}\nneedle-in-a-haystack closes the file.\n"));
    env.run(&["index"]).expect(0);
    let v = env.search_json("\"needle in a haystack\"", &[]);
    assert_eq!(v["total_hits"], 1);
    let r = env.run(&["stats", "--json"]).expect(0);
    let stats: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(stats["passages"].as_u64().unwrap() > 5000, "{stats}");
}

#[test]
fn broken_markup_and_thousands_of_references_lose_nothing() {
    let env = TestEnv::empty();
    let mut text = String::from(
        "stray text before any title\n[[Broken\n\n==Unclosed heading\nProse under an unclosed heading.\n* stray bullet in prose\n==References==\n",
    );
    for i in 0..3000 {
        text.push_str(&format!(
            "* Author{i}, A. ({}). Title number {i}. Place: Publisher.\n",
            1800 + i % 200
        ));
    }
    env.write("corpus/broken.txt", &text);
    env.run(&["index"]).expect(0);
    assert_eq!(env.search_json("stray text before", &[])["hits"][0]["document"], "broken");
    assert_eq!(env.search_json("\"stray bullet\"", &[])["total_hits"], 1);
    let v = env.search_json("unclosed heading prose", &[]);
    assert_eq!(v["hits"][0]["section"], serde_json::json!(["Unclosed heading"]));
    assert_eq!(v["hits"][0]["document"], "Broken");
    assert_eq!(env.search_json("kind:reference", &[])["total_hits"], 3000);
    assert_eq!(env.search_json("author2999", &[])["total_hits"], 1);
}

#[test]
fn stats_and_list() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let r = env.run(&["stats"]).expect(0);
    assert!(r.stdout.contains("documents   1"), "{}", r.stdout);
    assert!(r.stdout.contains("13 reference"), "{}", r.stdout);
    let r = env.run(&["stats", "--json"]).expect(0);
    let s: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(s["passages_by_kind"]["link"], 4);
    assert_eq!(s["references"], 13);
    assert!(s["index_bytes"].as_u64().unwrap() > 0);
    assert!(s["updated_utc"].as_str().unwrap().ends_with('Z'));
    let r = env.run(&["list"]).expect(0);
    assert!(r.stdout.contains("Treaty of Portsmouth  treaty-of-portsmouth  corpus/treaty-of-portsmouth.txt · en · 46 passages, 13 references"), "{}", r.stdout);
}

#[test]
fn a_second_indexer_fails_at_once_and_searches_see_the_last_commit() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    env.write("corpus/late.txt", "[[Late]]\n\nLatecomer text.\n");
    let mut slow = paused_indexer(&env, 8000);
    let r = env.run(&["index"]).expect(2);
    assert!(slow.try_wait().unwrap().is_none(), "the second run failed while the first still held the lock");
    assert!(r.stderr.contains("another `citedex index` is already updating"), "{}", r.stderr);
    // Nor does a rebuild, which must not remove the files under the running one.
    let r = env.run(&["index", "--rebuild"]).expect(2);
    assert!(r.stderr.contains("another `citedex index` is already updating"), "{}", r.stderr);
    assert!(slow.try_wait().unwrap().is_none(), "the rebuild was refused while the first run held the lock");
    // A search meanwhile answers from the last commit.
    let v = env.search_json("Hibiya", &["--no-update"]);
    assert_eq!(v["total_hits"], 1);
    let r = env.run(&["search", "--exact", "latecomer"]).expect(1);
    assert!(r.stderr.contains("being updated by another run"), "{}", r.stderr);
    assert!(slow.wait().unwrap().success());
    env.search_json("latecomer", &["--no-update"]);
    assert_eq!(env.search_json("latecomer", &["--no-update"])["total_hits"], 1);
}

#[test]
fn a_killed_run_leaves_the_previous_index_and_the_next_run_finishes() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    env.write("corpus/late.txt", "[[Late]]\n\nLatecomer text.\n");
    let mut victim = paused_indexer(&env, 60_000);
    victim.kill().unwrap(); // SIGKILL
    victim.wait().unwrap();
    let v = env.search_json("Hibiya", &["--no-update"]);
    assert_eq!(v["total_hits"], 1, "the previous index is intact");
    assert_eq!(env.search_json("latecomer", &["--no-update", "--exact"])["total_hits"], 0);
    let r = env.run(&["index"]).expect(0);
    assert!(summary(&r.stderr).contains("(1 added, 0 updated, 0 removed, 1 unchanged;"), "{}", r.stderr);
    assert_eq!(env.search_json("latecomer", &["--no-update"])["total_hits"], 1);
}

#[test]
fn a_killed_first_build_is_redone_by_the_next_command() {
    let env = TestEnv::seed();
    let mut victim = paused_indexer(&env, 60_000);
    victim.kill().unwrap();
    victim.wait().unwrap();
    let r = env.run(&["search", "Hibiya"]).expect(0);
    assert!(r.stderr.contains("building it"), "{}", r.stderr);
}

#[test]
fn same_titles_in_two_files_keep_distinct_ids_across_updates() {
    let env = TestEnv::empty();
    env.write("corpus/b.wiki", "[[X]]\nalpha text.\n");
    env.run(&["index"]).expect(0);
    // A touched file and a new file with the same title, sorted before it.
    std::fs::write(env.path("corpus/b.wiki"), "[[X]]\nalpha text.\n").unwrap();
    env.write("corpus/a.wiki", "[[X]]\nbeta text.\n");
    env.run(&["index"]).expect(0);
    let alpha = env.search_json("alpha", &[])["hits"][0]["id"].clone();
    let beta = env.search_json("beta", &[])["hits"][0]["id"].clone();
    assert_eq!(alpha, "x/lead/1");
    assert_eq!(beta, "x-2/lead/1");
}

#[test]
fn add_refuses_two_files_of_one_name_and_ignored_names() {
    let env = TestEnv::seed();
    env.write("d1/x.txt", "First file alpha.\n");
    env.write("d2/x.txt", "Second file beta.\n");
    env.write("d1/.hidden.txt", "Hidden.\n");
    let r = env.run(&["add", "d1/x.txt", "d2/x.txt"]).expect(2);
    assert!(r.stderr.contains("same name"), "{}", r.stderr);
    assert!(!env.path("corpus/x.txt").exists(), "nothing copied");
    let r = env.run(&["add", "d1/.hidden.txt"]).expect(2);
    assert!(r.stderr.contains("hidden and backup files are not indexed"), "{}", r.stderr);
}

#[test]
fn a_progress_bar_shows_on_a_terminal_only() {
    let env = TestEnv::empty();
    // Enough files that indexing outlasts the bar's 400 ms delay, even on a fast machine.
    for i in 0..800 {
        env.write(&format!("corpus/copy-{i:03}.txt"), SEED);
    }
    // `script` (util-linux, an essential Debian package) runs the command on a pseudo-terminal.
    let bin = env!("CARGO_BIN_EXE_citedex");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} index"), "/dev/null"])
        .current_dir(env.dir.path())
        .env_remove("NO_COLOR")
        .output()
        .expect("run script");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("indexing") && shown.contains("files"), "a bar on a terminal: {shown}");
    // Through pipes: the summary line only.
    let r = env.run(&["index", "--rebuild"]).expect(0);
    assert!(!r.stderr.contains("indexing"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn japanese_and_russian_files_in_legacy_encodings_are_read_and_found() {
    let env = TestEnv::empty();
    let japanese =
        "[[ポーツマス条約]]\n\nポーツマス条約は1905年9月5日に調印された日露戦争の講和条約である。\n";
    let russian =
        "[[Портсмутский мир]]\n\nПортсмутский мирный договор подписан между Россией и Японией в 1905 году.\n";
    for (name, text, encoding) in [
        ("sjis.txt", japanese, encoding_rs::SHIFT_JIS),
        ("eucjp.txt", japanese.replace("ポーツマス条約は", "樺太の南半分は").as_str(), encoding_rs::EUC_JP),
        ("cp1251.txt", russian, encoding_rs::WINDOWS_1251),
    ] {
        env.write(&format!("corpus/{name}"), encoding.encode(text).0.as_ref());
    }
    let r = env.run(&["index"]).expect(0);
    for (name, encoding) in
        [("sjis.txt", "Shift_JIS"), ("eucjp.txt", "EUC-JP"), ("cp1251.txt", "windows-1251")]
    {
        assert!(
            r.stderr.contains(&format!("corpus/{name}: not UTF-8: decoded as {encoding}")),
            "{}",
            r.stderr
        );
    }
    let v = env.search_json("調印", &[]);
    assert_eq!(v["total_hits"], 2, "{v}");
    assert_eq!(v["hits"][0]["language"], "ja");
    let v = env.search_json("Японией", &[]);
    assert_eq!(v["hits"][0]["document"], "Портсмутский мир");
    assert_eq!(v["hits"][0]["language"], "ru");
}

#[test]
fn ignore_files_leave_out_what_they_name() {
    let env = TestEnv::empty();
    env.write("corpus/kept.txt", "Kept\n\nA kept paragraph about Sakhalin.\n");
    env.write("corpus/drafts/draft.txt", "Draft\n\nA draft paragraph about Sakhalin.\n");
    env.write("corpus/private.txt", "Private\n\nA private paragraph about Sakhalin.\n");
    env.write("corpus/scratch.md", "# Scratch\n\nA scratch paragraph about Sakhalin.\n");
    env.write("corpus/sub/notes.txt", "Notes\n\nA notes paragraph about Sakhalin.\n");
    env.write("corpus/.gitignore", "drafts/\n");
    env.write("corpus/.ignore", "private.txt\n");
    env.write("corpus/sub/.citedexignore", "*.txt\n");
    env.write("corpus/.citedexignore", "*.md\n!kept.txt\n");
    env.run(&["index"]).expect(0);
    let v = env.search_json("Sakhalin", &["--limit", "50"]);
    let docs: Vec<&str> =
        v["hits"].as_array().unwrap().iter().map(|h| h["document"].as_str().unwrap()).collect();
    assert_eq!(docs, vec!["Kept"], "{v}");
    // Un-ignoring a file brings it in at the next update.
    env.write("corpus/.ignore", "\n");
    assert_eq!(env.search_json("private paragraph", &[])["hits"][0]["document"], "Private");
}

#[test]
fn the_corpus_and_index_come_from_the_environment_and_any_spelling_of_a_folder() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    // `./corpus/` is `corpus`: nothing to re-index, and the cited paths do not change.
    let r = env.run(&["search", "--corpus", "./corpus/", "--index", "./index", "Witte"]).expect(0);
    assert!(!r.stderr.contains("indexed"), "{}", r.stderr);
    assert!(r.stdout.contains("— corpus/treaty-of-portsmouth.txt:"), "{}", r.stdout);
    // From another folder, through the environment.
    let elsewhere = env.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = env
        .command(&["search", "--json", "Witte"])
        .current_dir(&elsewhere)
        .env("CITEDEX_CORPUS", env.path("corpus"))
        .env("CITEDEX_INDEX", env.path("index"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["total_hits"].as_u64().unwrap() >= 1);
    assert!(!elsewhere.join("index").exists());
}

/// `source[byte_start..byte_end]` with the citations and the markup of `source.markup` taken
/// out (markup replaced by its `with`).
fn rebuilt(file: &[u8], p: &serde_json::Value) -> String {
    let at = |v: &serde_json::Value| v.as_u64().unwrap() as usize;
    let (start, end) = (at(&p["source"]["byte_start"]), at(&p["source"]["byte_end"]));
    let mut cuts: Vec<(usize, usize, String)> = p["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (at(&c["byte_start"]), at(&c["byte_end"]), String::new()))
        .chain(
            p["source"]["markup"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| (at(&m["start"]), at(&m["end"]), m["with"].as_str().unwrap_or("").to_string())),
        )
        .collect();
    cuts.sort();
    let (mut out, mut pos) = (Vec::new(), start);
    for (a, b, with) in cuts {
        out.extend_from_slice(&file[pos..a.max(pos)]);
        out.extend_from_slice(with.as_bytes());
        pos = pos.max(b);
    }
    out.extend_from_slice(&file[pos..end]);
    String::from_utf8(out).unwrap()
}

#[test]
fn real_mediawiki_reads_as_prose_with_exact_references() {
    let env = TestEnv::empty();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/portsmouth-real.wiki");
    // Saved under its page name, as a wiki export names it.
    env.write("corpus/Portsmouth_Treaty.wiki", std::fs::read(fixture).unwrap());
    env.run(&["index"]).expect(0);
    let r = env.run(&["list", "--json"]).expect(0);
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(list["documents"][0]["format"], "mediawiki");
    // Named after the file; snippets read as prose.
    let v = env.search_json("Kittery negotiations", &[]);
    let hit = &v["hits"][0];
    assert_eq!(hit["document"], "Portsmouth Treaty");
    assert!(
        hit["text"]
            .as_str()
            .unwrap()
            .contains("at the Portsmouth Naval Shipyard in Kittery, Maine, in the United States,")
    );
    // The footnote is a citation at its exact byte range, linked to the entry {{reflist}} lists.
    let file = std::fs::read(env.path("corpus/Portsmouth_Treaty.wiki")).unwrap();
    let c = &hit["citations"][0];
    let (a, b) = (c["byte_start"].as_u64().unwrap() as usize, c["byte_end"].as_u64().unwrap() as usize);
    assert!(String::from_utf8_lossy(&file[a..b]).starts_with("<ref name=\"jukes\">{{cite book"));
    assert_eq!(c["shape"], "footnote");
    assert_eq!(c["reference"]["id"], "portsmouth-treaty/references/1");
    let sfn = &hit["citations"][1];
    assert_eq!(
        (sfn["text"].as_str(), sfn["shape"].as_str()),
        (Some("Trani 1969, p. 151"), Some("short_footnote"))
    );
    assert_eq!(sfn["reference"]["id"], "portsmouth-treaty/bibliography/1");
    // Every passage maps back to the file exactly, markup recorded like citations.
    for id in ["portsmouth-treaty/lead/1", "portsmouth-treaty/background/2", "portsmouth-treaty/terms/2"] {
        let r = env.run(&["show", "--json", id]).expect(0);
        let p: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(rebuilt(&file, &p), p["text"].as_str().unwrap(), "{id}");
        for raw in ["'''", "[[", "{{", "<ref", "&nbsp;"] {
            assert!(!p["text"].as_str().unwrap().contains(raw), "{id}: {}", p["text"]);
        }
    }
    // Named footnotes cited again count as citations of the same work; fields are exact.
    let r = env.run(&["cite", "--json", "White"]).expect(0);
    let works: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let white = &works["references"][0];
    assert_eq!(white["doi"], "10.1177/002234336900600405", "{white}");
    assert_eq!((white["volume"].as_str(), white["issue"].as_str()), (Some("6"), Some("4")));
    assert_eq!(white["authors"][0]["given"], "John Albert");
    let r = env.run(&["cite", "Jukes"]).expect(0);
    assert_eq!(r.stdout.matches("cited by Portsmouth Treaty").count(), 3, "{}", r.stdout);
    assert!(!r.stdout.contains("{{cite"), "{}", r.stdout);
    // Tables and infoboxes are no passages; the image caption is.
    env.run(&["search", "--no-update", "--exact", "wikitable"]).expect(1);
    env.run(&["search", "--no-update", "--exact", "date_signed"]).expect(1);
    let v = env.search_json("kind:caption Witte", &[]);
    assert_eq!(v["hits"][0]["text"], "Sergei Witte led the Russian delegation.");
}

#[test]
fn markdown_inline_markup_and_footnotes_read_as_prose_and_citations() {
    let env = TestEnv::empty();
    env.add_fixture("formats/navy-yard.md");
    env.run(&["index"]).expect(0);
    let v = env.search_json("Seavey island", &[]);
    let hit = &v["hits"][0];
    assert_eq!(hit["document"], "The Navy Yard at Kittery");
    assert_eq!(
        hit["text"],
        "The Portsmouth Naval Shipyard lies on Seavey's Island in Kittery, Maine. \
         The treaty talks of 1905 were held in its General Stores building."
    );
    let file = std::fs::read(env.path("corpus/navy-yard.md")).unwrap();
    assert_eq!(rebuilt(&file, hit), hit["text"].as_str().unwrap());
    // The footnote mark is a citation of the footnote, a work listed where it is written.
    let c = &hit["citations"][0];
    assert_eq!((c["shape"].as_str(), c["author"].as_str()), (Some("footnote"), Some("Fentress")));
    let (a, b) = (c["byte_start"].as_u64().unwrap() as usize, c["byte_end"].as_u64().unwrap() as usize);
    assert_eq!(&file[a..b], b"[^fentress]");
    assert_eq!(c["reference"]["id"], "the-navy-yard-at-kittery/dry-docks/2");
    // The author–date citation in the prose is found through the emphasis around it.
    assert_eq!(hit["citations"][1]["reference"]["id"], "the-navy-yard-at-kittery/references/1");
    let r = env.run(&["cite", "Fentress"]).expect(0);
    assert_eq!(r.stdout.matches("cited by The Navy Yard at Kittery").count(), 2, "{}", r.stdout);
    assert!(!r.stdout.contains('*') && !r.stdout.contains("[^"), "{}", r.stdout);
    let v = env.search_json("kind:reference Fentress", &[]);
    assert!(
        v["hits"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Fentress, Walter E. H. (1876). Centennial History")
    );
}

#[test]
fn a_bibtex_file_is_a_source_of_works_with_exact_fields() {
    let env = TestEnv::seed();
    env.add_fixture("formats/portsmouth.bib");
    let r = env.run(&["index"]).expect(0);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let r = env.run(&["list", "--json"]).expect(0);
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let bib = list["documents"].as_array().unwrap().iter().find(|d| d["format"] == "bibtex").expect("listed");
    assert_eq!((bib["passages"].as_u64(), bib["references"].as_u64()), (Some(3), Some(3)));
    // Each entry is a reference passage named by its key, read as the entry it renders.
    let v = env.search_json("kind:reference Esthus conference", &[]);
    let hit = &v["hits"][0];
    assert_eq!(hit["id"], "portsmouth/esthus1988/1");
    assert_eq!(hit["cite_as"], "portsmouth › esthus1988 ¶1 — corpus/portsmouth.bib:23-32");
    assert!(!hit["text"].as_str().unwrap().contains('{'), "{}", hit["text"]);
    assert!(
        hit["text"]
            .as_str()
            .unwrap()
            .ends_with("Durham: Duke University Press. pp. 83–97. ISBN 978-0-8223-0779-2."),
        "{}",
        hit["text"]
    );
    // The same work listed in the seed's bibliography and in the .bib file is one work.
    let r = env.run(&["cite", "--json", "Trani"]).expect(0);
    let works: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let trani = &works["references"][0];
    assert_eq!(trani["listed"].as_array().unwrap().len(), 2, "{trani}");
    assert_eq!(trani["publisher"], "University Press of Kentucky", "the @string abbreviation is expanded");
    // Exact fields go out again as BibTeX.
    let r = env.run(&["cite", "--format", "bibtex", "White"]).expect(0);
    assert!(r.stdout.contains("pages = {359--366}") && r.stdout.contains("number = {4}"), "{}", r.stdout);
    // Raw BibTeX never shows in a search.
    env.run(&["search", "--no-update", "--exact", "booktitle"]).expect(1);
}

#[test]
fn the_corpus_is_found_from_any_folder_and_cited_the_same_way() {
    let env = TestEnv::seed();
    env.add_fixture("formats/navy-yard.md");
    env.run(&["index"]).expect(0);
    // From a folder below the project: the corpus above it is found, paths cited unchanged.
    let r = env.run_in("notes/drafts", &["search", "--json", "Witte memoirs"]).expect(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["hits"][0]["source"]["path"], "corpus/treaty-of-portsmouth.txt");
    assert!(!r.stderr.contains("indexed"), "nothing re-indexed: {}", r.stderr);
    // Another spelling of the corpus, from elsewhere: nothing is re-read, paths stay.
    let corpus = env.path("corpus");
    let elsewhere = tempfile::tempdir().unwrap();
    let r = env
        .command(&["index", "--corpus", &format!("{}/./", corpus.display())])
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(summary(&stderr).contains("(0 added, 0 updated, 0 removed, 2 unchanged;"), "{stderr}");
    assert!(!elsewhere.path().join("index").exists(), "the index beside the corpus is used");
    let r = env.run(&["index", "--corpus", "./corpus/"]).expect(0);
    assert!(summary(&r.stderr).contains("2 unchanged"), "{}", r.stderr);

    // A citedex.toml gives the defaults; its glob selects files, --glob replaces it.
    env.write("citedex.toml", "glob = [\"!*.md\"]\n");
    let r = env.run_in("notes", &["index"]).expect(0);
    assert!(summary(&r.stderr).contains("(0 added, 0 updated, 1 removed, 1 unchanged;"), "{}", r.stderr);
    env.run(&["search", "--no-update", "--exact", "Seavey"]).expect(1);
    let r = env.run(&["index", "--glob", "*.md"]).expect(0);
    assert!(summary(&r.stderr).contains("(1 added, 0 updated, 1 removed, 0 unchanged;"), "{}", r.stderr);
    // A broken config file is one clear line.
    env.write("citedex.toml", "corpsu = \"texts\"\n");
    let r = env.run_in("notes", &["search", "Witte"]).expect(2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("citedex.toml: unknown field `corpsu`")
            && r.stderr.contains("fix or remove the file"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(env.path("citedex.toml")).unwrap();
    let r = env.run(&["index", "--glob", "[unclosed"]).expect(2);
    assert!(r.stderr.contains("--glob [unclosed: ") && r.stderr.contains("fix the pattern"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn languages_are_detected_per_document_beyond_the_script() {
    let env = TestEnv::seed();
    env.write(
        "corpus/pl.txt",
        "Traktat portsmuncki\n\nTraktat pokojowy został podpisany w Portsmouth po długich rozmowach obu \
         delegacji, które trwały prawie cały miesiąc. Rosja oddała Japonii południową część Sachalinu.\n",
    );
    env.write(
        "corpus/uk.txt",
        "Портсмутський мир\n\nМирний договір було підписано в Портсмуті після довгих переговорів між \
         делегаціями обох країн, які тривали майже місяць. Росія віддала Японії південну частину Сахаліну.\n",
    );
    env.write(
        "corpus/sv.md",
        "# Freden i Portsmouth\n\nFredsavtalet undertecknades i Portsmouth efter långa förhandlingar mellan \
         delegationerna, som pågick nästan en hel månad. Ryssland avträdde södra Sachalin till Japan.\n",
    );
    env.run(&["index"]).expect(0);
    let r = env.run(&["list", "--json"]).expect(0);
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let lang = |path: &str| {
        let docs = list["documents"].as_array().unwrap();
        docs.iter().find(|d| d["path"] == path).map(|d| d["language"].as_str().unwrap().to_string())
    };
    assert_eq!(lang("corpus/pl.txt").as_deref(), Some("pl"));
    assert_eq!(lang("corpus/uk.txt").as_deref(), Some("uk"));
    assert_eq!(lang("corpus/sv.md").as_deref(), Some("sv"));
    assert_eq!(lang("corpus/treaty-of-portsmouth.txt").as_deref(), Some("en"));
}

#[test]
fn each_document_is_stemmed_in_its_own_language() {
    let env = TestEnv::seed();
    env.write(
        "corpus/de.md",
        "# Der Frieden von Portsmouth\n\nDie Verhandlungen zwischen den Delegationen dauerten fast einen \
         ganzen Monat, bis der Vertrag in Portsmouth unterzeichnet wurde und der Krieg endete.\n",
    );
    env.write(
        "corpus/sv.md",
        "# Freden i Portsmouth\n\nFredsavtalet undertecknades i Portsmouth efter långa förhandlingar mellan \
         delegationerna, som pågick nästan en hel månad. Ryssland avträdde södra Sachalin till Japan.\n",
    );
    env.write(
        "corpus/pl.txt",
        "Traktat portsmuncki\n\nTraktaty pokojowe zostały podpisane w Portsmouth po długich rozmowach obu \
         delegacji, które trwały prawie cały miesiąc. Rosja oddała Japonii południową część Sachalinu.\n",
    );
    env.run(&["index"]).expect(0);
    let first = |q: &str| {
        let v = env.search_json(q, &["--no-update", "--exact"]);
        let hit = &v["hits"][0];
        (hit["source"]["path"].as_str().unwrap_or("").to_string(), hit["snippet"].clone(), v)
    };
    // German and Swedish inflections meet under their own stemmers (English stemming leaves
    // `verhandlungen` and `verhandlung`, `forhandlingar` and `forhandling` apart).
    let (path, snippet, v) = first("Verhandlung");
    assert_eq!(path, "corpus/de.md", "{v}");
    assert_eq!(v["hits"][0]["language"], "de");
    assert!(snippet.as_str().unwrap().contains("Verhandlungen"), "{v}");
    assert_eq!(v["hits"][0]["highlights"], serde_json::json!([[4, 17]]), "{v}");
    let (path, _, v) = first("förhandling");
    assert_eq!(path, "corpus/sv.md", "{v}");
    // Polish has no Snowball stemmer: its words are kept whole, not cut as English.
    assert_eq!(first("traktaty").0, "corpus/pl.txt");
    let v = env.search_json("traktati", &["--no-update", "--exact"]);
    assert_eq!(v["total_hits"], 0, "{v}");
    // English is stemmed as before, beside them.
    let (path, _, v) = first("negotiation delegates");
    assert_eq!(path, "corpus/treaty-of-portsmouth.txt", "{v}");
    // A phrase is matched in the stemming of the document that holds it.
    let v = env.search_json("\"die Verhandlung zwischen\"", &["--no-update", "--exact"]);
    assert_eq!(v["total_hits"], 1, "{v}");
}

#[test]
fn a_bug_on_one_file_costs_that_file_not_the_run() {
    let env = TestEnv::seed();
    for i in 0..6 {
        env.write(
            &format!("corpus/extra-{i}.txt"),
            format!("Extra {i}\n\nAn extra text about Sakhalin, number {i}.\n"),
        );
    }
    let r = env.command(&["index"]).env("CITEDEX_TEST_PANIC_ON", "extra-3.txt").output().unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("corpus/extra-3.txt: skipped: internal error while reading it"), "{stderr}");
    assert_eq!(env.search_json("\"an extra text\"", &["--no-update"])["total_hits"], 5);
    // Every file failing ends the run too, rather than leaving it waiting for the workers.
    env.write("corpus/extra-3.txt", "Extra three\n\nChanged.\n");
    let r = env.command(&["index", "--rebuild"]).env("CITEDEX_TEST_PANIC_ON", ".txt").output().unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    assert!(summary(&stderr).contains("; 7 files skipped)"), "{stderr}");
}
