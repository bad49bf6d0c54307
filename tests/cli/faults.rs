//! Fault injection: runs killed at random moments, a full disk, a read-only index folder,
//! damaged index files, many processes at once. After each, the last commit answers as it did
//! and the next run repairs what it can.

use crate::env::{Run, TestEnv};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A small deterministic generator (an LCG), so that a failing round can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "treaty",
    "harbour",
    "envoy",
    "railway",
    "indemnity",
    "island",
    "cabinet",
    "fleet",
    "telegram",
    "archive",
    "delegation",
    "border",
    "fishing",
    "rights",
    "garrison",
    "lease",
    "mediation",
    "press",
    "riot",
    "ratified",
    "memorandum",
    "protocol",
    "armistice",
    "consul",
    "navy",
    "yard",
    "ceremony",
    "minister",
    "emperor",
    "reporter",
];

/// `files` files of `per_file` short articles each; `variant` changes the words of every third
/// file, so that two variants differ in some files and agree in the rest.
fn write_corpus(dir: &Path, files: usize, per_file: usize, variant: u64) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for f in 0..files {
        let changed = f % 3 == 0;
        let mut rng = Lcg(f as u64 * 7919 + if changed { variant } else { 0 });
        let mut text = String::new();
        for a in 0..per_file {
            text.push_str(&format!("[[Article {f}-{a}]]\n\n"));
            for p in 0..2 {
                if p == 1 {
                    text.push_str("==Aftermath==\n");
                }
                let words: Vec<&str> =
                    (0..24).map(|_| WORDS[rng.below(WORDS.len() as u64) as usize]).collect();
                text.push_str(&format!("The {} of {f}x{a}.\n\n", words.join(" ")));
            }
        }
        std::fs::write(dir.join(format!("part-{f:03}.wiki")), text).unwrap();
    }
}

const QUERIES: &[&str] =
    &["treaty harbour", "\"fishing rights\"", "indemnity -fleet", "armistice AND consul"];

/// What the queries find: for each, the number of hits and their ids, sorted (an updated
/// index and a clean build agree on these; scores may differ while deletions are unmerged).
fn answers(env: &TestEnv) -> Vec<(u64, Vec<String>)> {
    QUERIES
        .iter()
        .map(|q| {
            let v = env.search_json(q, &["--no-update", "--limit", "10000"]);
            let mut ids: Vec<String> =
                v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
            ids.sort();
            (v["total_hits"].as_u64().unwrap(), ids)
        })
        .collect()
}

/// An environment whose corpus is `variant`, indexed from scratch.
fn clean_build(files: usize, per_file: usize, variant: u64) -> (TestEnv, Vec<(u64, Vec<String>)>) {
    let env = TestEnv::empty();
    write_corpus(&env.path("corpus"), files, per_file, variant);
    env.run(&["index"]).expect(0);
    let a = answers(&env);
    (env, a)
}

/// Kills `citedex index` at pseudo-random moments of an update between two corpora, `rounds`
/// times: after each kill the index answers exactly as one of the two commits does, and a
/// last run completes and answers as a clean build.
fn kill_rounds(rounds: usize, files: usize, per_file: usize) {
    let (_a_env, a) = clean_build(files, per_file, 1);
    let (_b_env, b) = clean_build(files, per_file, 2);
    assert_ne!(a, b, "the two corpora must answer differently");
    let env = TestEnv::empty();
    write_corpus(&env.path("corpus"), files, per_file, 1);
    env.run(&["index"]).expect(0);
    // How long an update takes, to kill within it.
    write_corpus(&env.path("corpus"), files, per_file, 2);
    let t = Instant::now();
    env.run(&["index"]).expect(0);
    let span = t.elapsed().as_millis().max(20) as u64;
    let mut at_b = true;
    let mut rng = Lcg(42);
    let mut landed = [0usize; 2];
    for round in 0..rounds {
        let target = if at_b { 1 } else { 2 };
        write_corpus(&env.path("corpus"), files, per_file, target);
        let mut child = env.command(&["index"]).stderr(std::process::Stdio::null()).spawn().unwrap();
        let delay = rng.below(span + span / 4);
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL, or nothing if it has finished
        child.wait().unwrap();
        let now = answers(&env);
        assert!(now == a || now == b, "round {round} (killed after {delay} ms): answers of neither commit");
        let reached = &now == if target == 1 { &a } else { &b };
        landed[usize::from(reached)] += 1;
        at_b = now == b;
    }
    write_corpus(&env.path("corpus"), files, per_file, 2);
    env.run(&["index"]).expect(0);
    assert_eq!(answers(&env), b, "after the kills, an update equals a clean build");
    let r = env.run(&["index"]).expect(0);
    assert!(r.stderr.contains("0 added, 0 updated, 0 removed"), "{}", r.stderr);
    eprintln!(
        "{rounds} kills over {span} ms runs: {} left the previous commit, {} the new one",
        landed[0], landed[1]
    );
}

#[test]
fn runs_killed_at_random_moments_leave_a_commit_that_answers() {
    kill_rounds(4, 12, 25);
}

/// The long loop: `cargo test -- --ignored` (run by `.ci/run`); `CITEDEX_KILL_ROUNDS` sets
/// the number of kills (24 by default) over 40 files of 75 articles (3,000 articles).
#[test]
#[ignore = "slow: run by .ci/run with --ignored"]
fn many_runs_killed_at_random_moments() {
    let rounds = std::env::var("CITEDEX_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(24);
    kill_rounds(rounds, 40, 75);
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A tmpfs of `size` mounted on a new folder of `env`, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(env: &TestEnv, size: &str) -> Option<Tmpfs> {
        if !is_root() {
            eprintln!(
                "skipped: mounting a small filesystem needs root (run the tests as root to include this)"
            );
            return None;
        }
        let dir = env.path("mnt");
        std::fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: could not mount a tmpfs on {}", dir.display());
            return None;
        }
        Some(Tmpfs(dir))
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.0).status().unwrap().success();
        assert!(ok, "remount read-only");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The one line of an error, checked for Debug text.
fn one_plain_line(r: &Run) -> &str {
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {}", r.stderr);
    for debug in ["{", "Custom", "IoError", "kind:", "Error(", "'"] {
        assert!(!lines[0].contains(debug), "Debug text in: {}", lines[0]);
    }
    lines[0]
}

#[test]
fn a_full_disk_is_one_line_and_the_previous_index_stays() {
    let env = TestEnv::seed();
    let Some(mnt) = Tmpfs::mount(&env, "400k") else { return };
    let index = mnt.0.join("index");
    let index_arg = index.to_str().unwrap();
    env.run(&["--corpus", "corpus", "--index", index_arg, "index"]).expect(0);
    let before = env
        .run(&["--corpus", "corpus", "--index", index_arg, "search", "--no-update", "--json", "Hibiya"])
        .expect(0)
        .stdout;
    for i in 0..40 {
        env.write(
            &format!("corpus/copy-{i}.txt"),
            crate::env::SEED.replace("[[Treaty of Portsmouth]]", &format!("[[Copy {i}]]")),
        );
    }
    let r = env.run(&["--corpus", "corpus", "--index", index_arg, "index"]).expect(2);
    let line = one_plain_line(&r);
    assert!(line.contains(index_arg) && line.contains("no space left on device"), "{line}");
    assert!(line.contains("the last committed index is untouched"), "{line}");
    let after = env
        .run(&["--corpus", "corpus", "--index", index_arg, "search", "--no-update", "--json", "Hibiya"])
        .expect(0)
        .stdout;
    assert_eq!(after, before, "the previous index answers as before");
    // A search that would update the index warns and answers from the last commit.
    let r = env.run(&["--corpus", "corpus", "--index", index_arg, "search", "Hibiya"]).expect(0);
    assert!(
        r.stderr.contains("no space left on device") && r.stderr.contains("last committed"),
        "{}",
        r.stderr
    );
}

/// A first build that does not fit, the disk filling at different moments of the run (adding,
/// committing, merging): the same line each time, and a folder left without the segments and
/// catalog of a run that committed nothing. (A commit into a full disk once read as a damaged
/// file: tantivy wraps the write's error in one of kind `Other`.)
#[test]
fn a_first_build_on_a_full_disk_is_one_line_and_leaves_no_files_behind() {
    let env = TestEnv::seed();
    for i in 0..30 {
        env.write(&format!("corpus/copy-{i}.txt"), crate::env::SEED);
    }
    // Fine steps where the disk fills during the commit (about 290 KB on this corpus).
    for kb in (250..=350).step_by(10).chain([150, 450, 700]) {
        let Some(mnt) = Tmpfs::mount(&env, &format!("{kb}k")) else { return };
        let index = mnt.0.join("index");
        let index_arg = index.to_str().unwrap();
        let r = env.run(&["--corpus", "corpus", "--index", index_arg, "index"]);
        if r.code == 0 {
            continue;
        }
        let r = r.expect(2);
        let line = one_plain_line(&r);
        assert!(line.contains(index_arg) && line.contains("no space left on device"), "{kb} KB: {line}");
        if line.contains("no index was written") {
            let left: u64 =
                std::fs::read_dir(&index).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum();
            assert!(left < 16 * 1024, "{kb} KB: {left} bytes left in the index folder");
        } else {
            assert!(line.contains("the last committed index is untouched"), "{kb} KB: {line}");
        }
    }
}

/// tantivy writes `meta.json` and `.managed.json` readable by their owner only; citedex gives
/// them the permissions of its own files, so that another user who can read the index can
/// search it.
#[test]
fn an_index_is_as_readable_as_the_files_citedex_writes() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let index = env.path("index");
    let mode = |name: &str| std::fs::metadata(index.join(name)).unwrap().permissions().mode() & 0o777;
    let catalog = std::fs::read_dir(&index)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("citedex-catalog-") && n.ends_with(".json"))
        .expect("a catalog");
    if mode(&catalog) & 0o044 == 0 {
        eprintln!("skipped: the umask lets no one else read the files citedex writes");
        return;
    }
    for name in ["meta.json", ".managed.json"] {
        assert_eq!(mode(name), mode(&catalog), "{name}");
    }
}

/// Makes the index folder unwritable: a read-only remount as root, permissions otherwise.
fn read_only_index(env: &TestEnv) -> Option<(Option<Tmpfs>, PathBuf)> {
    if is_root() {
        let mnt = Tmpfs::mount(env, "20m")?;
        let index = mnt.0.join("index");
        env.run(&["--corpus", "corpus", "--index", index.to_str().unwrap(), "index"]).expect(0);
        mnt.remount_read_only();
        Some((Some(mnt), index))
    } else {
        let index = env.path("index");
        env.run(&["index"]).expect(0);
        let ok = Command::new("chmod").args(["-R", "a-w"]).arg(&index).status().unwrap().success();
        assert!(ok);
        Some((None, index))
    }
}

#[test]
fn a_read_only_index_answers_searches_and_refuses_updates_clearly() {
    let env = TestEnv::seed();
    let Some((_mnt, index)) = read_only_index(&env) else { return };
    let index_arg = index.to_str().unwrap();
    let r = env.run(&["--corpus", "corpus", "--index", index_arg, "search", "Hibiya"]).expect(0);
    assert!(r.stdout.contains("Hibiya"), "{}", r.stdout);
    env.write("corpus/late.txt", "[[Late]]\n\nLatecomer text.\n");
    let r = env.run(&["--corpus", "corpus", "--index", index_arg, "index"]).expect(2);
    let line = one_plain_line(&r);
    assert!(line.contains(index_arg), "{line}");
    assert!(line.contains("read-only file system") || line.contains("permission denied"), "{line}");
    let r = env.run(&["--corpus", "corpus", "--index", index_arg, "search", "Hibiya"]).expect(0);
    assert!(
        r.stderr.contains("cannot update the index") && r.stderr.contains("last committed"),
        "{}",
        r.stderr
    );
    if !is_root() {
        let _ = Command::new("chmod").args(["-R", "u+w"]).arg(&index).status();
    }
}

fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

#[test]
fn damaged_index_files_say_so_in_one_line_and_rebuild_repairs_them() {
    type Damage = fn(&Path);
    let cases: &[(&str, Damage)] = &[
        ("meta.json overwritten", |d| std::fs::write(d.join("meta.json"), "{not json").unwrap()),
        ("meta.json cut short", |d| {
            let m = std::fs::read(d.join("meta.json")).unwrap();
            std::fs::write(d.join("meta.json"), &m[..m.len() / 2]).unwrap()
        }),
        ("meta.json emptied", |d| std::fs::write(d.join("meta.json"), "").unwrap()),
        ("a store cut short", |d| {
            let f = &files_ending(d, ".store")[0];
            let bytes = std::fs::read(f).unwrap();
            std::fs::write(f, &bytes[..bytes.len() / 3]).unwrap()
        }),
        // Same length, footer intact: tantivy opens it; the search that reads a record, and
        // the checksums `citedex index` verifies, find it.
        ("a store overwritten in place", |d| {
            let f = &files_ending(d, ".store")[0];
            let mut bytes = std::fs::read(f).unwrap();
            let keep = bytes.len().saturating_sub(400);
            bytes[..keep].fill(0x5A);
            std::fs::write(f, &bytes).unwrap()
        }),
        ("a term dictionary emptied", |d| std::fs::write(&files_ending(d, ".term")[0], "").unwrap()),
        ("postings deleted", |d| std::fs::remove_file(&files_ending(d, ".idx")[0]).unwrap()),
        ("the catalog overwritten", |d| {
            let catalog = files_ending(d, ".json").into_iter().find(|p| !p.ends_with("meta.json")).unwrap();
            std::fs::write(catalog, "[{\"path\": 3").unwrap()
        }),
    ];
    for (what, damage) in cases {
        let env = TestEnv::seed();
        env.run(&["index"]).expect(0);
        let before = answers(&env);
        damage(&env.path("index"));
        // The catalog is read by `list` and updates; passages need only tantivy's files.
        let probe: &[&str] =
            if what.contains("catalog") { &["list"] } else { &["search", "--no-update", "Hibiya"] };
        let r = env.run(probe).expect(2);
        let line = one_plain_line(&r);
        assert!(line.contains("is damaged") && line.contains("citedex index --rebuild"), "{what}: {line}");
        // `stats` reads no stored record, so a store damaged in place passes it.
        if !what.contains("catalog") && !what.contains("in place") {
            let r = env.run(&["stats", "--no-update"]).expect(2);
            let line = one_plain_line(&r);
            assert!(line.contains("is damaged"), "{what}, stats: {line}");
        }
        env.run(&["index", "--rebuild"]).expect(0);
        assert_eq!(answers(&env), before, "{what}: rebuilt");
        // Plain `citedex index` repairs too, and says so.
        damage(&env.path("index"));
        let r = env.run(&["index"]).expect(0);
        assert!(
            r.stderr.contains("the index was damaged") && r.stderr.contains("rebuilt"),
            "{what}: {}",
            r.stderr
        );
        assert_eq!(answers(&env), before, "{what}: repaired by index");
    }
}

#[test]
fn many_searches_at_once_agree() {
    let env = TestEnv::seed();
    env.run(&["index"]).expect(0);
    let expected = env.run(&["search", "--json", "treaty Sakhalin"]).expect(0).stdout;
    let children: Vec<_> = (0..16)
        .map(|_| {
            env.command(&["search", "--json", "treaty Sakhalin"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    }
}

/// Hostile shapes finish, in time linear in their size (a paragraph of a million lines once
/// took 385 s: each piece counted its lines from the paragraph's start). The limit is ten
/// times what a linear run takes in a debug build; `benches/parsing.rs` times them.
#[test]
fn hostile_inputs_finish_and_hostile_queries_are_refused_or_answered() {
    let env = TestEnv::seed();
    let lines: String = (0..300_000).map(|i| format!("Note {i}.\n")).collect();
    env.write("corpus/lines.txt", lines);
    let refs: String =
        std::iter::once("[[Many references]]\nSmith 1990 said so.\n==References==\n".to_string())
            .chain((0..20_000).map(|i| {
                format!(
                    "* Smith, John {i}. ''A history of treaty {i}''. Boston: Little, Brown, {}.\n",
                    1900 + i % 100
                )
            }))
            .collect();
    env.write("corpus/refs.wiki", refs);
    let mut child = env.command(&["index"]).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(180), "indexing hostile files takes too long");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(child.wait().unwrap().success());
    let v = env.search_json("\"Note 299999\"", &["--no-update"]);
    let (first, last) = (&v["hits"][0]["source"]["line_start"], &v["hits"][0]["source"]["line_end"]);
    let (first, last) = (first.as_u64().unwrap(), last.as_u64().unwrap());
    assert!(
        first <= 300_000 && 300_000 <= last && last - first < 60,
        "line {first}-{last}: every line counted"
    );
    // A 10,000-word query runs; the message quoting it is short.
    let words: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
    let r = env.run(&["search", "--no-update", &words.join(" ")]).expect(1);
    assert!(r.stderr.len() < 300 && r.stderr.contains("(58889 characters)"), "{}", r.stderr);
    // Parentheses nested past the limit are refused in one line, not by overflowing the stack.
    let deep = format!("{}treaty{}", "(".repeat(50_000), ")".repeat(50_000));
    let r = env.run(&["search", "--no-update", &deep]).expect(2);
    assert!(one_plain_line(&r).contains("nests parentheses more than 32 deep"), "{}", r.stderr);
}
