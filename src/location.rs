//! Where the corpus and the index are, from any folder.
//!
//! In order, the first that applies:
//! 1. `--corpus` / `--index` (or `CITEDEX_CORPUS` / `CITEDEX_INDEX`); when only one is given,
//!    the other sits beside it: `corpus` ↔ `index`, `NAME` ↔ `NAME-index` (an index of
//!    another name leaves the corpus to the rules below);
//! 2. a `citedex.toml` in the current folder or the nearest folder above it: its `corpus` and
//!    `index` (relative to the file's folder; `corpus` and `index` when left out) and `glob`;
//! 3. the nearest folder, from the current one upwards, that holds a `corpus` folder: its
//!    `corpus` and `index`;
//! 4. `corpus` and `index` in the current folder.
//!
//! `--glob` given on the command line replaces the file's `glob`.

use crate::commands::Paths;
use crate::corpus::CONFIG_FILE;
use serde::Deserialize;
use std::path::{Component, Path, PathBuf};

/// The keys of `citedex.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    corpus: Option<PathBuf>,
    index: Option<PathBuf>,
    #[serde(default)]
    glob: Vec<String>,
}

/// A `citedex.toml` or a `--glob` that cannot be used: one line naming it and the cause.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {cause}; fix or remove the file")]
    File { path: String, cause: String },
    #[error("--glob {glob}: {cause}; fix the pattern (ripgrep's glob syntax: `*.md`, `!drafts/**`)")]
    Glob { glob: String, cause: String },
}

/// Checks each glob's syntax, so a bad one is refused before any work.
fn check_globs(globs: &[String]) -> Result<(), ConfigError> {
    for g in globs {
        if let Err(e) = ignore::overrides::OverrideBuilder::new(".").add(g) {
            let cause = match e {
                ignore::Error::Glob { err, .. } => err,
                other => other.to_string(),
            };
            return Err(ConfigError::Glob { glob: g.clone(), cause });
        }
    }
    Ok(())
}

/// Resolves the folders from what was given (`corpus`, `index`, `globs`) and the current
/// folder `cwd`.
pub fn resolve(
    corpus: Option<&Path>,
    index: Option<&Path>,
    globs: &[String],
    cwd: &Path,
) -> Result<Paths, ConfigError> {
    let paths = find(corpus, index, globs, cwd)?;
    check_globs(&paths.globs)?;
    Ok(paths)
}

fn find(
    corpus: Option<&Path>,
    index: Option<&Path>,
    globs: &[String],
    cwd: &Path,
) -> Result<Paths, ConfigError> {
    let given_index = index;
    let paths = |corpus: PathBuf, index: PathBuf, globs: Vec<String>| Paths {
        corpus: tidy(&corpus),
        index: tidy(given_index.unwrap_or(&index)),
        globs,
    };
    match (corpus, index) {
        (Some(c), Some(i)) => return Ok(paths(c.into(), i.into(), globs.to_vec())),
        (Some(c), None) => return Ok(paths(c.into(), beside(c, index_name), globs.to_vec())),
        (None, Some(i)) if corpus_name(&own_name(i)).is_some() => {
            let corpus = beside(i, |n| corpus_name(n).unwrap_or_default());
            return Ok(paths(corpus, i.into(), globs.to_vec()));
        }
        _ => {}
    }
    for dir in cwd.ancestors() {
        let file = dir.join(CONFIG_FILE);
        if file.is_file() {
            let config = read(&file)?;
            let shown = |p: PathBuf| if dir == cwd { p } else { dir.join(p) };
            let corpus = shown(config.corpus.unwrap_or_else(|| "corpus".into()));
            let index = shown(config.index.unwrap_or_else(|| "index".into()));
            let globs = if globs.is_empty() { config.glob } else { globs.to_vec() };
            return Ok(paths(corpus, index, globs));
        }
        if dir.join("corpus").is_dir() {
            let (corpus, index) = if dir == cwd {
                ("corpus".into(), "index".into())
            } else {
                (dir.join("corpus"), dir.join("index"))
            };
            return Ok(paths(corpus, index, globs.to_vec()));
        }
    }
    Ok(paths("corpus".into(), "index".into(), globs.to_vec()))
}

fn read(file: &Path) -> Result<Config, ConfigError> {
    let error = |cause: String| ConfigError::File { path: file.display().to_string(), cause };
    let text = std::fs::read_to_string(file).map_err(|e| error(format!("cannot read: {e}")))?;
    toml::from_str(&text).map_err(|e| error(e.message().to_string()))
}

fn index_name(corpus: &str) -> String {
    if corpus == "corpus" { "index".into() } else { format!("{corpus}-index") }
}

/// The corpus an index's name tells (`index` → `corpus`, `NAME-index` → `NAME`).
fn corpus_name(index: &str) -> Option<String> {
    match index {
        "index" => Some("corpus".into()),
        other => other.strip_suffix("-index").filter(|n| !n.is_empty()).map(str::to_string),
    }
}

/// A folder's own name, also for `.` and `..`.
fn own_name(folder: &Path) -> String {
    let tidied = tidy(folder);
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    name(&tidied).or_else(|| name(&tidied.canonicalize().ok()?)).unwrap_or_default()
}

/// The folder beside `folder` named after it by `name`.
fn beside(folder: &Path, name: fn(&str) -> String) -> PathBuf {
    let tidied = tidy(folder);
    let own = own_name(&tidied);
    let other = name(if own.is_empty() { "corpus" } else { &own });
    match tidied.parent() {
        Some(parent) if tidied.file_name().is_some() => parent.join(other),
        _ => tidied.join("..").join(other),
    }
}

/// `path` without `.` components and trailing separators (`./corpus/` → `corpus`; `.` stays),
/// so that the paths the index records and cites do not change with the spelling.
pub fn tidy(path: &Path) -> PathBuf {
    let tidy: PathBuf = path.components().filter(|c| !matches!(c, Component::CurDir)).collect();
    if tidy.as_os_str().is_empty() { PathBuf::from(".") } else { tidy }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(corpus: Option<&str>, index: Option<&str>, cwd: &Path) -> (PathBuf, PathBuf, Vec<String>) {
        let p = resolve(corpus.map(Path::new), index.map(Path::new), &[], cwd).expect("resolves");
        (p.corpus, p.index, p.globs)
    }

    #[test]
    fn folder_spellings_are_tidied() {
        for (typed, tidied) in [
            ("./corpus", "corpus"),
            ("corpus/", "corpus"),
            ("./a/./b/", "a/b"),
            (".", "."),
            ("./", "."),
            ("/x/./y", "/x/y"),
        ] {
            assert_eq!(tidy(Path::new(typed)), Path::new(tidied), "{typed}");
        }
        // `..` is kept: it is not the same folder without it.
        assert_eq!(tidy(Path::new("../corpus")), Path::new("../corpus"));
    }

    #[test]
    fn one_folder_given_finds_the_other_beside_it() {
        let cwd = Path::new("/nowhere");
        assert_eq!(at(Some("./corpus/"), None, cwd).1, Path::new("index"));
        assert_eq!(at(Some("/srv/texts"), None, cwd).1, Path::new("/srv/texts-index"));
        assert_eq!(at(None, Some("/srv/index"), cwd).0, Path::new("/srv/corpus"));
        assert_eq!(at(None, Some("/srv/texts-index"), cwd).0, Path::new("/srv/texts"));
        assert_eq!(at(Some("a"), Some("b"), cwd), ("a".into(), "b".into(), vec![]));
        // An index of another name keeps its name; the corpus is found as without it.
        assert_eq!(at(None, Some("idx"), cwd), ("corpus".into(), "idx".into(), vec![]));
    }

    #[test]
    fn found_upwards_by_config_file_or_corpus_folder() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("notes/drafts");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(root.path().join("corpus")).unwrap();
        assert_eq!(at(None, None, &deep), (root.path().join("corpus"), root.path().join("index"), vec![]));
        assert_eq!(at(None, None, root.path()), ("corpus".into(), "index".into(), vec![]));
        std::fs::write(
            root.path().join("notes/citedex.toml"),
            "corpus = \"../corpus\"\nindex = \"idx\"\nglob = [\"*.md\"]\n",
        )
        .unwrap();
        let (corpus, index, globs) = at(None, None, &deep);
        assert_eq!(corpus, root.path().join("notes/../corpus"));
        assert_eq!(index, root.path().join("notes/idx"));
        assert_eq!(globs, vec!["*.md".to_string()]);
        std::fs::write(root.path().join("notes/citedex.toml"), "corpsu = \"x\"\n").unwrap();
        let e = resolve(None, None, &[], &deep).unwrap_err().to_string();
        assert!(
            e.contains("citedex.toml: unknown field `corpsu`") && e.ends_with("fix or remove the file"),
            "{e}"
        );
    }

    #[test]
    fn a_bad_glob_is_one_line_naming_it() {
        let e =
            resolve(Some(Path::new("c")), None, &["[x".to_string()], Path::new("/")).unwrap_err().to_string();
        assert!(e.starts_with("--glob [x: ") && e.contains("unclosed character class"), "{e}");
        assert!(!e.contains("error parsing glob"), "{e}");
    }

    #[test]
    fn nothing_found_means_the_current_folder() {
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(at(None, None, empty.path()), ("corpus".into(), "index".into(), vec![]));
    }
}
