//! The commands, as functions of plain configuration: what `main` calls once arguments are
//! parsed. Results go to `out`, progress and warnings to `err`.

use crate::Outcome;
use crate::index::CitedexIndex;
use crate::index::directory::PageReleaser;
use crate::index::writer::{self, Options as WriteOptions, WriteError};
use crate::render::{self, Style};
use crate::search;
use anyhow::{Result, bail};
use std::io::Write;
use std::path::PathBuf;

/// Where the corpus and the index live.
#[derive(Clone, Debug)]
pub struct Paths {
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// Which files of the corpus to read (`--glob`).
    pub globs: Vec<String>,
}

/// Output options shared by the commands.
#[derive(Clone, Copy, Debug, Default)]
pub struct Output {
    pub json: bool,
    pub style: Style,
    /// Also print how long each stage took, on stderr (`search --timings`).
    pub timings: bool,
    /// One JSON object per hit and line (`search --json-lines`).
    pub lines: bool,
}

pub(crate) fn write_options(paths: &Paths, rebuild: bool) -> WriteOptions {
    WriteOptions {
        corpus: paths.corpus.clone(),
        index: paths.index.clone(),
        rebuild,
        verify: false,
        max_words: crate::passage::DEFAULT_MAX_WORDS,
        globs: paths.globs.clone(),
    }
}

fn report(err: &mut dyn Write, summary: &writer::Summary) -> Result<()> {
    for (path, reason) in &summary.skipped {
        writeln!(err, "citedex: warning: {path}: skipped: {reason}")?;
    }
    for (path, warning) in &summary.warnings {
        writeln!(err, "citedex: warning: {path}: {warning}")?;
    }
    writeln!(err, "{}", summary.line())?;
    Ok(())
}

/// Runs the indexer with a progress bar on a terminal.
/// With `verify`, the index files kept are checked against their checksums first.
fn run_indexer(paths: &Paths, rebuild: bool, verify: bool) -> Result<writer::Summary> {
    let mut progress = render::progress::Progress::for_stderr();
    let opts = WriteOptions { verify, ..write_options(paths, rebuild) };
    let summary = writer::update(&opts, |done, total| progress.update(done, total));
    progress.finish();
    summary
}

/// `citedex index`: builds or updates the index, checking the files it keeps against their
/// checksums first.
pub fn index(paths: &Paths, rebuild: bool, timings: bool, err: &mut dyn Write) -> Result<Outcome> {
    let summary = run_indexer(paths, rebuild, true)?;
    report(err, &summary)?;
    if timings {
        writeln!(err, "{}", render::text::timings(&summary.stages, render::text::TimeUnit::Seconds))?;
    }
    Ok(Outcome::Success)
}

/// Builds the index from the corpus (`citedex index`, its summary on `err`), then opens it.
fn built(paths: &Paths, err: &mut dyn Write) -> Result<CitedexIndex> {
    index(paths, false, false, err)?;
    Ok(CitedexIndex::open(&paths.index)?)
}

/// Opens the index, building it first when there is none, and (with `update`) bringing it up
/// to date with the corpus.
pub fn ready(paths: &Paths, update: bool, err: &mut dyn Write) -> Result<CitedexIndex> {
    use crate::index::IndexError;
    let opened = match CitedexIndex::open(&paths.index) {
        Ok(ci) => Some(ci),
        Err(IndexError::Missing(_) | IndexError::Incomplete(_)) => None,
        // An older citedex's index is rebuilt by an update, as a damaged one is
        // (`writer::update` says so in a warning); not when updates are off.
        Err(IndexError::Incompatible { found, expected, .. })
            if update && paths.corpus.is_dir() && writer::is_older(found, expected) =>
        {
            return built(paths, err);
        }
        Err(e) => return Err(e.into()),
    };
    let Some(ci) = opened else {
        if !paths.corpus.is_dir() {
            bail!(WriteError::NoCorpus(paths.corpus.display().to_string()));
        }
        writeln!(
            err,
            "citedex: no index at {} yet: building it from {}",
            paths.index.display(),
            paths.corpus.display()
        )?;
        return built(paths, err);
    };
    let mut ci = ci;
    if update && paths.corpus.is_dir() && ci.meta.fingerprint.is_none() {
        ci.load_catalog()?;
    }
    if update && paths.corpus.is_dir() && writer::is_stale(&paths.corpus, &paths.globs, &ci.meta) {
        match run_indexer(paths, false, false) {
            Ok(summary) => report(err, &summary)?,
            Err(e) => {
                // The last commit still answers when this run cannot replace it.
                let why = match e.downcast_ref::<WriteError>() {
                    Some(WriteError::Locked(_)) => "the index is being updated by another run".to_string(),
                    Some(WriteError::Storage { cause, .. } | WriteError::Failed { cause, .. }) => {
                        format!("cannot update the index at {} ({cause})", paths.index.display())
                    }
                    _ => return Err(e),
                };
                writeln!(err, "citedex: warning: {why}; searching the last committed index")?;
                return Ok(ci);
            }
        }
        return Ok(CitedexIndex::open(&paths.index)?);
    }
    Ok(ci)
}

/// `citedex search`. Made for a process that runs one command and ends: the index it opens
/// is not closed but left to the process's exit ([`left_to_exit`]); a long-lived caller
/// searches through [`search::run`] on an index it keeps open, as `serve` does.
pub fn search(
    paths: &Paths,
    query: &str,
    opts: &search::Options,
    update: bool,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    // Parse first: a malformed query fails before any indexing work.
    search::query::parse(query).map_err(search::SearchError::from)?;
    let opening = std::time::Instant::now();
    let ci = ready(paths, update, err)?;
    let opened = opening.elapsed();
    let results = search::run(&ci, query, opts).map_err(|e| ci.explain(e))?;
    let mut out = std::io::BufWriter::new(out);
    if output.lines {
        render::json::hit_lines(&mut out, &results)?;
    } else if output.json {
        render::json::results(&mut out, &results)?;
    } else {
        render::text::results(&mut out, &results, output.style)?;
    }
    out.flush()?;
    if output.timings {
        let mut stages = vec![("opening the index", opened)];
        stages.extend(results.timings.iter().copied());
        writeln!(err, "{}", render::text::timings(&stages, render::text::TimeUnit::Milliseconds))?;
    }
    if results.total_hits == 0 {
        writeln!(err, "citedex: no passage matches {}", shown(query))?;
    } else if results.hits.is_empty() {
        let n = results.total_shown();
        writeln!(err, "citedex: no hits past {}: {} matches {n} passages", opts.offset, shown(query))?;
    }
    left_to_exit(ci);
    Ok(if results.total_hits == 0 { Outcome::NoMatch } else { Outcome::Success })
}

/// Leaves `value` (an open index) for the end of the process to reclaim: the binary runs
/// one command per process, which ends right after it. Dropping an index unmaps its
/// segments' files one by one, which the kernel does anyway, and at once, when the process
/// exits (200 MB bench corpus, `search memory`: 2.5 -> 2.4 ms a process).
fn left_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// The query as a message quotes it: escaped, and a long one (a pasted page) cut to its first
/// 80 characters.
fn shown(query: &str) -> String {
    const SHOWN: usize = 80;
    match query.char_indices().nth(SHOWN) {
        Some((cut, _)) => {
            format!("`{}…` ({} characters)", query[..cut].escape_debug(), query.chars().count())
        }
        None => format!("`{}`", query.escape_debug()),
    }
}

/// What `search --count` and `search --files-with-matches` print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matches {
    Count,
    Files,
}

/// `citedex search --count` / `--files-with-matches`: every matching passage, counted, or the
/// files holding them.
#[allow(clippy::too_many_arguments)]
pub fn matches(
    paths: &Paths,
    query: &str,
    what: Matches,
    exact: bool,
    update: bool,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    search::query::parse(query).map_err(search::SearchError::from)?;
    let ci = ready(paths, update, err)?;
    let m = search::matching(&ci, query, exact, what == Matches::Files).map_err(|e| ci.explain(e))?;
    let mut out = std::io::BufWriter::new(out);
    match (what, output.json) {
        (Matches::Count, false) => writeln!(out, "{}", m.passages)?,
        (Matches::Files, false) => {
            let mut seen = std::collections::HashSet::new();
            for d in &m.documents {
                if seen.insert(d.path.as_str()) {
                    writeln!(out, "{}", d.path)?;
                }
            }
        }
        (_, true) => render::json::matching(&mut out, &m, what == Matches::Files)?,
    }
    out.flush()?;
    if m.passages == 0 {
        writeln!(err, "citedex: no passage matches {}", shown(query))?;
        return Ok(Outcome::NoMatch);
    }
    Ok(Outcome::Success)
}

/// `citedex show ID`.
pub fn show(
    paths: &Paths,
    id: &str,
    output: Output,
    update: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let ci = ready(paths, update, err)?;
    let id = id.trim();
    // A cut paragraph's number alone names its first piece (`…/4` is `…/4.1`).
    let found = match ci.passage(id).map_err(|e| ci.explain(e))? {
        None if !id.rsplit('/').next().unwrap_or_default().contains('.') => {
            ci.passage(&format!("{id}.1")).map_err(|e| ci.explain(e))?
        }
        found => found,
    };
    let Some(found) = found else {
        bail!(
            "no passage with id `{}`: ids are printed by `citedex search` (e.g. treaty-of-portsmouth/effects/1)",
            id.escape_debug()
        );
    };
    if output.json {
        render::json::value(&mut &mut *out, &render::json::shown(&found))?;
    } else {
        let mut w = std::io::BufWriter::new(out);
        render::text::show(
            &mut w,
            &found.passage,
            found.before.as_ref(),
            found.after.as_ref(),
            output.style,
        )?;
        w.flush()?;
    }
    Ok(Outcome::Success)
}

/// Output formats of `citedex cite`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CiteFormat {
    #[default]
    Text,
    Bibtex,
    CslJson,
}

/// `citedex cite [QUERY]`.
pub fn cite(
    paths: &Paths,
    query: Option<&str>,
    format: CiteFormat,
    output: Output,
    update: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let ci = ready(paths, update, err)?;
    // `cite` may read every entry's stored record (every work, an export's keys): the pages
    // mapped are let go as they pile up, as a build's merges do (2 GB, every work: 1.6 GB of
    // the store resident otherwise; `--format bibtex Dalrymple`: 448 against 85 MB).
    let _releaser = PageReleaser::start(&ci.directory);
    let query = query.map(str::trim).filter(|q| !q.is_empty());
    let works = search::works::find(&ci, query).map_err(|e| ci.explain(e))?;
    let mut w = std::io::BufWriter::new(out);
    let items: Vec<(&str, &crate::cite::Reference)> =
        works.iter().map(|wk| (wk.id.as_str(), &wk.reference)).collect();
    if output.json {
        render::json::works(&mut w, query, &works)?;
    } else {
        match format {
            CiteFormat::Text => render::text::works(&mut w, &works, output.style)?,
            CiteFormat::Bibtex | CiteFormat::CslJson => {
                let keys = export_keys(&ci, query, &works)?;
                let keyed: Vec<(&str, &crate::cite::Reference)> =
                    items.iter().map(|(id, r)| (keys.get(*id).map_or(*id, String::as_str), *r)).collect();
                if format == CiteFormat::Bibtex {
                    render::bibtex::write(&mut w, &keyed)?;
                } else {
                    render::csl::write(&mut w, &keyed)?;
                }
            }
        }
    }
    w.flush()?;
    Ok(if works.is_empty() { Outcome::NoMatch } else { Outcome::Success })
}

/// Citation keys by work id. Keys are given over every work of the index, so that a work
/// keeps its key whatever the query exports with it: from `works` when they are every work,
/// else from the works of the index sharing a key base with one of `works`
/// ([`search::works::key_parts`]).
fn export_keys(
    ci: &CitedexIndex,
    query: Option<&str>,
    works: &[search::works::Work],
) -> Result<std::collections::HashMap<String, String>> {
    if query.is_none() {
        return Ok(render::bibtex::keys(works.iter().map(|w| (w.id.as_str(), &w.reference))));
    }
    if works.is_empty() {
        return Ok(Default::default());
    }
    let ids = works.iter().map(|w| w.id.clone()).collect();
    let bases = works.iter().map(|w| render::bibtex::key_base(&w.reference)).collect();
    Ok(render::bibtex::keys_of(search::works::key_parts(ci, &ids, &bases).map_err(|e| ci.explain(e))?))
}

/// `citedex cite --style STYLE [QUERY]`: the works as a bibliography in a CSL style, with
/// the keys the BibTeX and CSL-JSON exports use; `--style list` prints the style names.
pub fn cite_styled(
    paths: &Paths,
    query: Option<&str>,
    style: &str,
    update: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let mut w = std::io::BufWriter::new(out);
    if style == "list" {
        for name in render::styled::names() {
            writeln!(w, "{name}")?;
        }
        w.flush()?;
        return Ok(Outcome::Success);
    }
    let style = render::styled::style(style)?;
    let ci = ready(paths, update, err)?;
    let _releaser = PageReleaser::start(&ci.directory); // as in `cite`
    let query = query.map(str::trim).filter(|q| !q.is_empty());
    let works = search::works::find(&ci, query).map_err(|e| ci.explain(e))?;
    let keys = export_keys(&ci, query, &works)?;
    let keyed: Vec<(&str, &crate::cite::Reference)> = works
        .iter()
        .map(|wk| (keys.get(&wk.id).map_or(wk.id.as_str(), String::as_str), &wk.reference))
        .collect();
    render::styled::write(&mut w, &keyed, &style)?;
    w.flush()?;
    Ok(if works.is_empty() { Outcome::NoMatch } else { Outcome::Success })
}

/// What `citedex eval` reads, writes and how it runs.
#[derive(Clone, Debug)]
pub struct Eval {
    pub queries: PathBuf,
    pub qrels: PathBuf,
    /// Where to write a TREC run file.
    pub run: Option<PathBuf>,
    pub per_query: bool,
    /// Bring the index up to date with the corpus first.
    pub update: bool,
    pub options: crate::eval::Options,
}

/// `citedex eval`: runs judged queries and prints nDCG@10, MAP, recall and MRR@10.
pub fn eval(
    paths: &Paths,
    cfg: &Eval,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    use crate::eval;
    // Read the files, and create the run file, first: a bad path fails before any work.
    let (topics, qrels) = eval::load(&cfg.queries, &cfg.qrels)?;
    let cannot = |path: &std::path::Path, e: std::io::Error| {
        anyhow::anyhow!("{}: cannot write the run file: {e}", path.display())
    };
    let run_file = match &cfg.run {
        Some(path) => Some((path, std::fs::File::create(path).map_err(|e| cannot(path, e))?)),
        None => None,
    };
    let evaluation = ready(paths, cfg.update, err)
        .and_then(|ci| Ok(eval::run(&ci, &topics, &qrels, &cfg.options)?))
        .inspect_err(|_| {
            if let Some(path) = &cfg.run {
                let _ = std::fs::remove_file(path); // the empty file created above
            }
        })?;
    if let Some((path, file)) = run_file {
        let mut w = std::io::BufWriter::new(file);
        eval::report::run_file(&mut w, &evaluation).and_then(|()| w.flush()).map_err(|e| cannot(path, e))?;
    }
    let mut w = std::io::BufWriter::new(out);
    if output.json {
        render::json::value(&mut w, &eval::report::json(&evaluation, cfg.per_query))?;
    } else {
        eval::report::text(&mut w, &evaluation, cfg.per_query)?;
    }
    w.flush()?;
    Ok(Outcome::Success)
}

/// `citedex add FILE...`: copies files into the corpus and indexes them.
pub fn add(paths: &Paths, files: &[PathBuf], force: bool, err: &mut dyn Write) -> Result<Outcome> {
    let mut plan: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for file in files {
        let shown = file.display();
        if !file.is_file() {
            bail!("{shown}: not found or not a file: give the path of a source text to add");
        }
        let Some(name) = file.file_name() else { bail!("{shown}: not a file name") };
        if crate::corpus::is_ignored(&name.to_string_lossy()) {
            bail!("{shown}: hidden and backup files are not indexed: rename it to add it");
        }
        if plan.iter().any(|(t, _)| t.file_name() == Some(name)) {
            bail!("{shown}: another file of this command has the same name: add them under different names");
        }
        let target = paths.corpus.join(name);
        let content = std::fs::read(file).map_err(|e| anyhow::anyhow!("{shown}: cannot read: {e}"))?;
        match std::fs::read(&target) {
            Ok(existing) if existing == content => {
                writeln!(err, "citedex: {} is already in the corpus as {}", shown, target.display())?;
                continue;
            }
            Ok(_) if !force => bail!(
                "{} already exists with different content: rename the file, or pass --force to overwrite it",
                target.display()
            ),
            _ => plan.push((target, content)),
        }
    }
    std::fs::create_dir_all(&paths.corpus)
        .map_err(|e| anyhow::anyhow!("cannot create corpus folder {}: {e}", paths.corpus.display()))?;
    for (target, content) in &plan {
        std::fs::write(target, content)
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", target.display()))?;
        writeln!(err, "citedex: added {}", target.display())?;
    }
    index(paths, false, false, err)
}

/// `citedex stats`.
pub fn stats(
    paths: &Paths,
    output: Output,
    update: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let mut ci = ready(paths, update, err)?;
    ci.load_catalog()?;
    let stats = crate::index::stats::Stats::of(&ci).map_err(|e| ci.explain(e.into()))?;
    let mut w = std::io::BufWriter::new(out);
    if output.json {
        render::json::value(&mut w, &serde_json::to_value(&stats)?)?;
    } else {
        render::text::stats(&mut w, &stats)?;
    }
    w.flush()?;
    Ok(Outcome::Success)
}

/// `citedex list`.
pub fn list(
    paths: &Paths,
    output: Output,
    update: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let mut ci = ready(paths, update, err)?;
    ci.load_catalog()?;
    let mut w = std::io::BufWriter::new(out);
    if output.json {
        render::json::value(&mut w, &render::json::listing(&ci.meta.files))?;
    } else {
        render::text::list(&mut w, &ci.meta, output.style)?;
    }
    w.flush()?;
    Ok(Outcome::Success)
}
