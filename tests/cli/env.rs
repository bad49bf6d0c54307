//! `TestEnv`: a temporary folder with a corpus and an index, and a way to run the binary in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SEED: &str = include_str!("../../corpus/treaty-of-portsmouth.txt");

pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

/// What a run printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestEnv {
    /// A temporary folder with `corpus/` holding the bundled article.
    pub fn seed() -> TestEnv {
        let env = TestEnv::empty();
        env.write("corpus/treaty-of-portsmouth.txt", SEED);
        env
    }

    /// A temporary folder with an empty `corpus/`.
    pub fn empty() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("corpus")).expect("corpus dir");
        TestEnv { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }

    /// Copies a fixture from `tests/fixtures/` into the corpus.
    #[allow(dead_code)]
    pub fn add_fixture(&self, name: &str) {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        let file = Path::new(name).file_name().expect("file name").to_string_lossy().into_owned();
        std::fs::copy(src, self.path(&format!("corpus/{file}"))).expect("copy fixture");
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_citedex"));
        c.args(args).current_dir(self.dir.path()).env("NO_COLOR", "1");
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let Output { status, stdout, stderr } = self.command(args).output().expect("run citedex");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
        }
    }

    /// Runs citedex from `folder` (relative to the test folder) instead of the test folder.
    #[allow(dead_code)]
    pub fn run_in(&self, folder: &str, args: &[&str]) -> Run {
        let cwd = self.path(folder);
        std::fs::create_dir_all(&cwd).expect("mkdir");
        let Output { status, stdout, stderr } =
            self.command(args).current_dir(cwd).output().expect("run citedex");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
        }
    }

    /// `search --json` parsed.
    pub fn search_json(&self, query: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["search", "--json"];
        args.extend_from_slice(extra);
        args.push(query);
        let r = self.run(&args);
        assert!(r.code == 0 || r.code == 1, "search {query:?} failed: {}", r.stderr);
        serde_json::from_str(&r.stdout).expect("valid JSON")
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

/// 1-based line number of the first line of the seed containing `needle`.
pub fn seed_line(needle: &str) -> u64 {
    SEED.lines().position(|l| l.contains(needle)).expect("needle in seed") as u64 + 1
}
