//! The commands, as functions of plain configuration: what `main` calls once arguments are
//! parsed. Results go to `out`, progress and warnings to `err`.

use crate::Outcome;
use crate::index::writer::{self, Options as WriteOptions, WriteError};
use crate::index::{self, CitedexIndex};
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
}

/// Output options shared by the commands.
#[derive(Clone, Copy, Debug, Default)]
pub struct Output {
    pub json: bool,
    pub style: Style,
}

fn write_options(paths: &Paths, rebuild: bool) -> WriteOptions {
    WriteOptions {
        corpus: paths.corpus.clone(),
        index: paths.index.clone(),
        rebuild,
        max_words: crate::passage::DEFAULT_MAX_WORDS,
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

/// `citedex index`: builds or updates the index.
pub fn index(paths: &Paths, rebuild: bool, err: &mut dyn Write) -> Result<Outcome> {
    let summary = writer::update(&write_options(paths, rebuild), |_, _| {})?;
    report(err, &summary)?;
    Ok(Outcome::Success)
}

/// Whether the corpus differs from what the index last saw (by sizes and modification times).
pub fn is_stale(paths: &Paths, ci: &CitedexIndex) -> bool {
    let Ok((files, _)) = crate::corpus::scan(&paths.corpus) else {
        return false;
    };
    files.len() != ci.meta.files.len()
        || files
            .iter()
            .zip(&ci.meta.files)
            .any(|(f, e)| f.path != e.path || f.size != e.size || f.mtime != e.mtime)
}

/// Opens the index, building it first when there is none, and (with `update`) bringing it up
/// to date with the corpus.
pub fn ready(paths: &Paths, update: bool, err: &mut dyn Write) -> Result<CitedexIndex> {
    if !index::exists(&paths.index) {
        if !paths.corpus.is_dir() {
            bail!(WriteError::NoCorpus(paths.corpus.display().to_string()));
        }
        writeln!(
            err,
            "citedex: no index at {} yet: building it from {}",
            paths.index.display(),
            paths.corpus.display()
        )?;
        index(paths, false, err)?;
        return Ok(CitedexIndex::open(&paths.index)?);
    }
    let ci = CitedexIndex::open(&paths.index)?;
    if update && paths.corpus.is_dir() && is_stale(paths, &ci) {
        match writer::update(&write_options(paths, false), |_, _| {}) {
            Ok(summary) => report(err, &summary)?,
            Err(e) if matches!(e.downcast_ref::<WriteError>(), Some(WriteError::Locked(_))) => {
                writeln!(
                    err,
                    "citedex: warning: the index is being updated by another run; searching the last committed index"
                )?;
                return Ok(ci);
            }
            Err(e) => return Err(e),
        }
        return Ok(CitedexIndex::open(&paths.index)?);
    }
    Ok(ci)
}

/// `citedex search`.
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
    let ci = ready(paths, update, err)?;
    let results = search::run(&ci, query, opts)?;
    let mut out = std::io::BufWriter::new(out);
    if output.json {
        render::json::results(&mut out, &results)?;
    } else {
        render::text::results(&mut out, &results, output.style)?;
    }
    out.flush()?;
    Ok(if results.hits.is_empty() {
        Outcome::NoMatch
    } else {
        Outcome::Success
    })
}

/// `citedex show ID`.
pub fn show(
    paths: &Paths,
    id: &str,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let ci = ready(paths, false, err)?;
    let Some(found) = ci.passage(id.trim())? else {
        bail!(
            "no passage with id `{id}`: ids are printed by `citedex search` (e.g. treaty-of-portsmouth/effects/1)"
        );
    };
    if output.json {
        let mut v = render::json::passage(&found.passage);
        v.insert(
            "before".into(),
            found
                .before
                .as_ref()
                .map_or(serde_json::Value::Null, |p| p.id.clone().into()),
        );
        v.insert(
            "after".into(),
            found
                .after
                .as_ref()
                .map_or(serde_json::Value::Null, |p| p.id.clone().into()),
        );
        render::json::value(&mut &mut *out, &serde_json::Value::Object(v))?;
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
