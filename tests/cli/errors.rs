//! Errors: one line on stderr, exit code 2, never a panic.

use crate::env::TestEnv;

fn one_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected:\n{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"));
    lines[0]
}

#[test]
fn missing_corpus() {
    let env = TestEnv::empty();
    let r = env.run(&["search", "--corpus", "nowhere", "treaty"]).expect(2);
    let line = one_line(&r.stderr);
    assert!(line.contains("corpus folder nowhere not found"), "{line}");
}

#[test]
fn empty_corpus() {
    let env = TestEnv::empty();
    let r = env.run(&["index"]).expect(2);
    assert!(one_line(&r.stderr).contains("holds no source files"), "{}", r.stderr);
}

#[test]
fn malformed_queries() {
    let env = TestEnv::seed();
    for q in ["\"unclosed", "OR", "treaty OR", "kind:chapter", "year:abc", "x*", "-", "\"\""] {
        let r = env.run(&["search", q]).expect(2);
        let line = one_line(&r.stderr);
        assert!(line.starts_with("citedex: error: bad query: "), "{q}: {line}");
        let cause = line.trim_start_matches("citedex: error: bad query: ");
        assert!(!cause.contains("bad query") && cause.matches(": ").count() <= 1, "said once: {line}");
    }
}

#[test]
fn damaged_index() {
    let env = TestEnv::seed();
    env.write("index/meta.json", "this is not json");
    let r = env.run(&["search", "treaty"]).expect(2);
    let line = one_line(&r.stderr);
    assert!(
        line.contains("the index at index is damaged (meta.json is corrupted)")
            && line.contains("citedex index --rebuild"),
        "{line}"
    );
}

#[test]
fn incompatible_index_is_refused_until_rebuilt() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    // A newer citedex's index (or one of an unknown format) is not replaced by an update.
    set_index_format(&env, 999);
    let r = env.run(&["search", "treaty"]).expect(2);
    let line = one_line(&r.stderr);
    assert!(line.contains("incompatible") && line.contains("run `citedex index --rebuild`"), "{line}");
    env.run(&["index", "--rebuild"]).expect(0);
    env.run(&["search", "treaty"]).expect(0);
}

/// Sets the index's recorded format to `format`.
fn set_index_format(env: &TestEnv, format: u32) {
    let meta = std::fs::read_to_string(env.path("index/meta.json")).unwrap();
    let current = format!("\\\"format\\\":{},", citedex::index::FORMAT_VERSION);
    let changed = meta.replace(&current, &format!("\\\"format\\\":{format},"));
    assert_ne!(meta, changed, "format field found in {meta}");
    std::fs::write(env.path("index/meta.json"), changed).unwrap();
}

#[test]
fn an_older_citedex_s_index_is_rebuilt_by_the_next_update() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let older = citedex::index::FORMAT_VERSION - 1;
    set_index_format(&env, older);
    // Updates off: refused, with the way out.
    let r = env.run(&["search", "--no-update", "treaty"]).expect(2);
    assert!(one_line(&r.stderr).contains("run `citedex index --rebuild`"), "{}", r.stderr);
    // A search that may update rebuilds it, and says so.
    let r = env.run(&["search", "treaty"]).expect(0);
    let warning =
        format!("the index was built by an older citedex (index format {older}): rebuilt from the corpus");
    assert!(r.stderr.contains(&warning), "{}", r.stderr);
    assert!(r.stdout.contains("Treaty of Portsmouth"), "{}", r.stdout);
    env.run(&["search", "--no-update", "treaty"]).expect(0);
    // So does `citedex index`.
    set_index_format(&env, older);
    let r = env.run(&["index"]).expect(0);
    assert!(r.stderr.contains(&warning), "{}", r.stderr);
    env.run(&["search", "--no-update", "treaty"]).expect(0);
}

#[test]
fn usage_errors_exit_2_with_clap_s_own_help() {
    let env = TestEnv::seed();
    env.run(&["frobnicate"]).expect(2);
    env.run(&["search", "--limit", "ten", "x"]).expect(2);
    // The missing argument is named.
    let r = env.run(&["search"]).expect(2);
    assert!(
        r.stderr.contains("required arguments were not provided") && r.stderr.contains("<QUERY>"),
        "{}",
        r.stderr
    );
    // A mistyped subcommand, option or value: the similar one is suggested, choices listed.
    let r = env.run(&["serch", "x"]).expect(2);
    // (`serve` is as close to `serch` as `search` is: clap lists both.)
    assert!(r.stderr.contains("similar subcommand") && r.stderr.contains("'search'"), "{}", r.stderr);
    let r = env.run(&["cite", "--format", "bib"]).expect(2);
    assert!(r.stderr.contains("[possible values: text, bibtex, csl-json]"), "{}", r.stderr);
    let r = env.run(&["index", "--rebuld"]).expect(2);
    assert!(r.stderr.contains("a similar argument exists: '--rebuild'"), "{}", r.stderr);
    // The exclusion tip is for queries only.
    assert!(!r.stderr.contains("exclude a word"), "{}", r.stderr);
    // Nothing was indexed on the way.
    assert!(!env.path("index").exists());
}

#[test]
fn an_index_folder_that_is_not_one_is_refused() {
    let env = TestEnv::seed();
    env.write("notes/todo.txt", "buy milk");
    let r = env.run(&["index", "--index", "notes"]).expect(2);
    assert!(
        one_line(&r.stderr).contains("folder notes holds other files and no citedex index"),
        "{}",
        r.stderr
    );
    let r = env.run(&["index", "--index", "corpus/idx"]).expect(2);
    assert!(one_line(&r.stderr).contains("is inside the corpus folder"), "{}", r.stderr);
    assert!(!env.path("notes/meta.json").exists());
    assert!(!env.path("corpus/idx").exists());
}
