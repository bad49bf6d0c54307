//! Building and updating the index from the corpus.
//!
//! A run compares the corpus with the manifest of the last commit (sizes and modification
//! times first, content hashes when those differ), replaces the passages of the files that
//! were added, changed or removed, and publishes everything in one atomic commit whose
//! payload is the new manifest. A run killed half-way leaves the previous commit in place; the
//! next run redoes what was lost.

use super::directory::{PageReleaser, ReadableDirectory};
use super::queue::{Queue, Queued};
use super::{
    CATALOG_PREFIX, CitedexIndex, DocumentEntry, FORMAT_VERSION, Fields, FileEntry, IndexError, Meta,
    PARSER_VERSION, exists, fingerprint, register,
};
use crate::analysis::{Lang, tagged};
use crate::cite::link;
use crate::corpus::{self, SourceFile};
use crate::passage::{self, Passage};
use crate::source::{self, Kind};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tantivy::index::SegmentId;
use tantivy::indexer::UserOperation;
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

/// What to index, and how.
#[derive(Clone, Debug)]
pub struct Options {
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// Start over instead of updating.
    pub rebuild: bool,
    /// Check the kept index files against their checksums before updating (`citedex index`
    /// does; the updates a search makes do not): a damaged index is rebuilt.
    pub verify: bool,
    pub max_words: usize,
    /// Which files to read (`--glob`, as in [`corpus::scan`]).
    pub globs: Vec<String>,
}

/// What a run did, for the summary line.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Documents in files that were new, changed, removed, or unchanged.
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub unchanged: u64,
    /// Totals of the files (re)indexed in this run.
    pub passages: u64,
    pub references: u64,
    pub citations: u64,
    /// Documents and passages in the whole index after the run.
    pub total_documents: u64,
    pub total_passages: u64,
    /// Files not indexed, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Files indexed with a warning.
    pub warnings: Vec<(String, String)>,
    pub elapsed: Duration,
    /// Where the time went, stage by stage (`citedex index --timings`).
    pub stages: Vec<(&'static str, Duration)>,
    /// Whether a commit was made (false when nothing changed).
    pub committed: bool,
}

impl Summary {
    /// One line: what changed, how much, how long.
    pub fn line(&self) -> String {
        format!(
            "indexed {}, {} in {:.2}s ({} added, {} updated, {} removed, {} unchanged; {}, {}, {} re-indexed; {} skipped)",
            count(self.total_documents, "document"),
            count(self.total_passages, "passage"),
            self.elapsed.as_secs_f64(),
            self.added,
            self.updated,
            self.removed,
            self.unchanged,
            count(self.passages, "passage"),
            count(self.references, "reference"),
            count(self.citations, "citation"),
            count(self.skipped.len() as u64, "file"),
        )
    }
}

/// `1 passage`, `2 passages`.
fn count(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Whether the corpus differs from what the index last saw, judged by sizes and modification
/// times only (cheap enough to run before every search), or was read by an older parser.
pub fn is_stale(corpus: &Path, globs: &[String], meta: &Meta) -> bool {
    if meta.parser != PARSER_VERSION {
        return true;
    }
    let Ok((files, _)) = corpus::scan(corpus, globs) else { return false };
    match &meta.fingerprint {
        Some(known) => *known != fingerprint(files.iter().map(|f| (f.path.as_str(), f.size, f.mtime))),
        // An index written before fingerprints: compare with the catalog (loaded by the caller).
        None => files.len() != meta.files.len() || files.iter().zip(&meta.files).any(|(f, e)| !e.matches(f)),
    }
}

/// Reasons a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("another `citedex index` is already updating {0}: wait for it to finish and retry")]
    Locked(String),
    #[error("corpus folder {0} not found: create it and put source texts in it, or pass --corpus DIR")]
    NoCorpus(String),
    #[error("corpus folder {0} holds no source files: add some with `citedex add FILE`")]
    EmptyCorpus(String),
    #[error("index folder {0} is inside the corpus folder: pass an --index folder outside it")]
    IndexInCorpus(String),
    #[error("folder {0} holds other files and no citedex index: pass a new or empty folder to --index")]
    NotAnIndex(String),
    #[error(
        "the index at {index} was built from {built_from}, which shares no file with {corpus} \
         (updating it from there would remove its {files}): pass --corpus {built_from} to use \
         it, or run `citedex index --rebuild --corpus {corpus} --index {index}` to replace it"
    )]
    OtherCorpus { index: String, files: String, built_from: String, corpus: String },
    #[error("cannot write the index at {path}: {cause}; {kept}: {advice}")]
    Storage { path: String, cause: String, kept: &'static str, advice: &'static str },
    #[error(
        "cannot update the index at {path}: {cause}; the last committed index is untouched: run \
         `citedex index` again, or `citedex index --rebuild` if this repeats"
    )]
    Failed { path: String, cause: String },
}

impl WriteError {
    /// The error, as a [`WriteError::Storage`] when a full disk or a folder that cannot be
    /// written lies under it (tantivy says "An index writer was killed", or names a file
    /// with Debug text).
    fn explained(e: anyhow::Error, index: &Path) -> anyhow::Error {
        if e.downcast_ref::<WriteError>().is_some() {
            return e;
        }
        let path = index.display().to_string();
        if let Some(f) = super::failure::io_failure(&e).filter(|f| f.is_storage()) {
            let kept = if remove_uncommitted(index) {
                "the last committed index is untouched"
            } else {
                "no index was written"
            };
            return anyhow::Error::new(WriteError::Storage {
                path,
                cause: f.cause(),
                kept,
                advice: f.advice(),
            });
        }
        // No tantivy Debug text reaches the user.
        match e.chain().find_map(|c| c.downcast_ref::<tantivy::TantivyError>()) {
            Some(t) => anyhow::Error::new(WriteError::Failed { path, cause: super::failure::writing(t) }),
            None => e,
        }
    }
}

/// The corpus folder's absolute path without links, as [`Meta::corpus_path`] keeps it.
fn corpus_path(corpus: &Path) -> Option<String> {
    corpus.canonicalize().ok().map(|p| p.display().to_string())
}

/// A file of the corpus, after comparing it with the manifest.
enum Plan {
    Unchanged(FileEntry),
    Index { file: SourceFile, previous: Option<FileEntry> },
}

/// Brings the index at `opts.index` up to date with the corpus. A run that fails (a full
/// disk, a kill) leaves the last commit as it was.
pub fn update(opts: &Options, progress: impl FnMut(u64, u64)) -> Result<Summary> {
    update_or_fail(opts, progress).map_err(|e| WriteError::explained(e, &opts.index))
}

fn update_or_fail(opts: &Options, mut progress: impl FnMut(u64, u64)) -> Result<Summary> {
    let started = Instant::now();
    crate::memory::bulk_work();
    let corpus_shown = opts.corpus.display().to_string();
    if !opts.corpus.is_dir() {
        bail!(WriteError::NoCorpus(corpus_shown));
    }
    let (files, scan_errors) = corpus::scan(&opts.corpus, &opts.globs)
        .with_context(|| format!("cannot read corpus folder {corpus_shown}"))?;
    if files.is_empty() {
        bail!(WriteError::EmptyCorpus(corpus_shown));
    }
    let mut summary = Summary { skipped: scan_errors, ..Summary::default() };

    check_index_folder(&opts.corpus, &opts.index)?;
    std::fs::create_dir_all(&opts.index)
        .with_context(|| format!("cannot create index folder {}", opts.index.display()))?;
    let (index, directory, fields, previous, repaired) =
        open_for_writing(&opts.index, opts.rebuild, opts.verify)?;
    if let Some(damage) = repaired {
        summary
            .warnings
            .push((opts.index.display().to_string(), format!("{damage}: rebuilt from the corpus")));
    }
    // Files read by an older parser are read again, even when unchanged.
    let reparse = previous.parser != PARSER_VERSION;
    // A run that reads every file (a first build, --rebuild, a new parser) writes segments
    // without merging them as it goes, then merges them once: each passage is written twice,
    // not once per merge level, and the index is one segment after (a few for a corpus past
    // [`SEGMENT_PASSAGES`]).
    // An update keeps tantivy's log merge policy, which merges small segments among themselves.
    let full = opts.rebuild || reparse || previous.files.is_empty();
    let mut writer = writer_for(&index, &opts.index)?;
    // A run killed before its commit leaves files no commit uses; the next run would write a
    // file of the same name (a deletions file is named by segment and opstamp) and fail with
    // FileAlreadyExists. Found by the kill loop in tests/cli/faults.rs.
    let _ = writer.garbage_collect_files().wait();
    if full {
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    }
    let queue = Queue::default();
    let mut next_key = previous.files.iter().flat_map(|f| &f.documents).map(|d| d.key).max().unwrap_or(0) + 1;
    if opts.rebuild {
        writer.delete_all_documents()?;
    }
    let (previous_corpus, previous_path) = (previous.corpus.clone(), previous.corpus_path.clone());
    let mut old: BTreeMap<String, FileEntry> =
        previous.files.into_iter().map(|f| (f.path.clone(), f)).collect();

    // Plan: which files changed.
    let mut plans = Vec::new();
    for file in files {
        let prev = old.remove(&file.path).filter(|_| !opts.rebuild);
        match prev {
            Some(p) if p.matches(&file) && !reparse => plans.push(Plan::Unchanged(p)),
            previous => plans.push(Plan::Index { file, previous }),
        }
    }
    let removed: Vec<FileEntry> = old.into_values().collect();
    // An index of another corpus folder, none of whose files is in this one: updating it would
    // remove them all (an --index given from the wrong folder, where a `corpus` folder is
    // found). The same folder with no file in common (another --glob) is updated, and so is a
    // corpus folder moved elsewhere with its files. A folder renamed keeps no file (paths
    // start with its name): refused, as a rebuild is what it needs anyway.
    if !opts.rebuild
        && !removed.is_empty()
        && plans.iter().all(|p| matches!(p, Plan::Index { previous: None, .. }))
    {
        let here = corpus_path(&opts.corpus);
        let same_folder = match &previous_path {
            Some(path) => here.as_ref() == Some(path),
            // Indexes written before the folder was kept tell it by name only (`corpus/…`).
            None => {
                let folder = |path: &str| path.split('/').next().unwrap_or_default().to_string();
                let before: HashSet<String> = removed.iter().map(|f| folder(&f.path)).collect();
                plans
                    .iter()
                    .any(|p| matches!(p, Plan::Index { file, .. } if before.contains(&folder(&file.path))))
            }
        };
        if !same_folder {
            let n = removed.len();
            bail!(WriteError::OtherCorpus {
                index: opts.index.display().to_string(),
                files: if n == 1 { "1 file".to_string() } else { format!("{n} files") },
                built_from: previous_path.unwrap_or(previous_corpus),
                corpus: here.unwrap_or(corpus_shown),
            });
        }
    }
    // Slugs taken: every document of every file still in the corpus keeps its slug (a file
    // read again gives its own up just before); new documents get the others.
    let mut slugs: HashSet<String> = plans
        .iter()
        .filter_map(|p| match p {
            Plan::Unchanged(e) | Plan::Index { previous: Some(e), .. } => Some(e),
            Plan::Index { previous: None, .. } => None,
        })
        .flat_map(|e| e.documents.iter().map(|d| d.slug.clone()))
        .collect();

    let mut entries: Vec<FileEntry> = Vec::new();
    let mut changed = opts.rebuild || !removed.is_empty();
    let total = plans.iter().filter(|p| matches!(p, Plan::Index { .. })).count() as u64;
    // Segments are about to be built (an update with nothing to read leaves the process's
    // allocator as it was: a server checks for changes all day).
    if total > 0 {
        crate::memory::purge_freed_memory_lazily();
    }
    let mut done = 0;
    // This thread reads the files and gives out slugs in order; the workers split, parse
    // and add them (each file's entry lands in its slot of `entries`).
    let feed = Feed { writer: &writer, queue: &queue };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let (jobs, inbox) = std::sync::mpsc::sync_channel::<Job>(workers);
    // Shared by the workers only: once all have stopped (on an error), sending fails instead
    // of waiting for them forever.
    let inbox = std::sync::Arc::new(std::sync::Mutex::new(inbox));
    summary.stages.push(("scan and plan", started.elapsed()));
    let indexing = Instant::now();
    let mut reading = Duration::ZERO;
    let mut working = Duration::ZERO;
    let (built, failed) = std::thread::scope(|scope| -> Result<(Vec<Built>, Option<anyhow::Error>)> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (inbox, feed, fields) = (std::sync::Arc::clone(&inbox), &feed, &fields);
                scope.spawn(move || -> Result<(Vec<Built>, Duration)> {
                    let mut out = Vec::new();
                    let mut busy = Duration::ZERO;
                    loop {
                        let next = inbox.lock().map_err(|_| anyhow::anyhow!("a worker panicked"))?.recv();
                        let Ok(job) = next else { return Ok((out, busy)) };
                        let slot = job.slot;
                        let had_previous = job.had_previous;
                        let t = Instant::now();
                        let (file, slugs) = (job.file.clone(), job.slugs.clone());
                        // A bug on one file costs that file, not the run (nor a hang).
                        let entry = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            build(feed, fields, job, opts.max_words)
                        })) {
                            Ok(entry) => entry?,
                            Err(_) => {
                                delete_documents(feed.writer, fields, slugs.iter().map(String::as_str));
                                skipped_entry(&file, INTERNAL_ERROR)
                            }
                        };
                        busy += t.elapsed();
                        out.push(Built { slot, entry, had_previous });
                    }
                })
            })
            .collect();
        drop(inbox);
        for plan in plans {
            match plan {
                Plan::Unchanged(e) => {
                    if let Some(reason) = &e.skipped {
                        summary.skipped.push((e.path.clone(), reason.clone()));
                    }
                    summary.unchanged += e.documents.len() as u64;
                    entries.push(e);
                }
                Plan::Index { file, previous } => {
                    done += 1;
                    progress(done, total);
                    let read_started = Instant::now();
                    let loaded = match corpus::load(&file) {
                        Ok(l) => l,
                        Err(skip) => {
                            if let Some(p) = &previous {
                                delete_file(&writer, &fields, p);
                                summary.removed += p.documents.len() as u64;
                            }
                            summary.skipped.push((file.path.clone(), skip.to_string()));
                            entries.push(skipped_entry(&file, &skip.to_string()));
                            changed = true;
                            continue;
                        }
                    };
                    let hash = blake3::hash(loaded.text.as_bytes()).to_hex().to_string();
                    if let Some(p) = previous.as_ref().filter(|p| p.hash == hash && !reparse) {
                        // Touched but not changed: keep it, remember the new mtime.
                        summary.unchanged += p.documents.len() as u64;
                        entries.push(FileEntry { size: file.size, mtime: file.mtime, ..p.clone() });
                        changed = true;
                        continue;
                    }
                    if let Some(p) = &previous {
                        for d in &p.documents {
                            slugs.remove(&d.slug);
                        }
                        delete_file(&writer, &fields, p);
                    }
                    if let Some(encoding) = loaded.decoded_from {
                        summary
                            .warnings
                            .push((file.path.clone(), format!("not UTF-8: decoded as {encoding}")));
                    }
                    let copy = file.clone();
                    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        Job::read(
                            entries.len(),
                            file,
                            loaded,
                            hash,
                            previous.is_some(),
                            &mut slugs,
                            &mut next_key,
                        )
                    }));
                    let Ok(job) = read else {
                        summary.skipped.push((copy.path.clone(), INTERNAL_ERROR.to_string()));
                        entries.push(skipped_entry(&copy, INTERNAL_ERROR));
                        changed = true;
                        continue;
                    };
                    reading += read_started.elapsed();
                    entries.push(FileEntry::default());
                    changed = true;
                    if jobs.send(job).is_err() {
                        break; // every worker stopped on an error, reported below
                    }
                }
            }
        }
        drop(jobs);
        let mut built = Vec::new();
        let mut failed = None;
        for h in handles {
            match h.join() {
                Ok(Ok((b, busy))) => {
                    built.extend(b);
                    working += busy;
                }
                Ok(Err(e)) => failed = failed.or(Some(e)),
                Err(_) => failed = failed.or(Some(anyhow::anyhow!("an indexing worker panicked"))),
            }
        }
        Ok((built, failed))
    })?;
    if let Some(e) = failed {
        // A tantivy thread that failed (a full disk) leaves only "An index writer was
        // killed" here; joining the threads gives its own error.
        return Err(match writer.prepare_commit() {
            Err(cause) => anyhow::Error::from(cause),
            Ok(_) => e,
        });
    }
    summary.stages.push(("reading files (main thread)", reading));
    summary.stages.push(("splitting, parsing, adding (summed over workers)", working));
    summary.stages.push(("reading and indexing, wall", indexing.elapsed()));
    for Built { slot, mut entry, had_previous } in built {
        if let Some(reason) = &entry.skipped {
            summary.skipped.push((entry.path.clone(), reason.clone()));
        } else if entry.passages == 0 {
            let reason = "no text to index (only markup)".to_string();
            summary.skipped.push((entry.path.clone(), reason.clone()));
            entry.skipped = Some(reason);
        }
        let n = entry.documents.len() as u64;
        if had_previous {
            summary.updated += n;
        } else {
            summary.added += n;
        }
        summary.passages += entry.passages;
        summary.references += entry.references;
        summary.citations += entry.citations;
        entries[slot] = entry;
    }
    for r in &removed {
        delete_file(&writer, &fields, r);
        summary.removed += r.documents.len() as u64;
    }

    // What is left to do needs the entries as a catalog only: the merges that follow bound the
    // run's memory, and a 2 GB corpus's entries and slugs are tens of megabytes.
    drop(slugs);
    summary.total_documents = entries.iter().map(|e| e.documents.len() as u64).sum();
    summary.total_passages = entries.iter().map(|e| e.passages).sum();
    let fresh = !exists(&opts.index) || index.load_metas()?.payload.is_none();
    if changed || fresh {
        for e in &mut entries {
            e.document_count = e.documents.len() as u64;
        }
        let committing = Instant::now();
        let catalog = write_catalog(&opts.index, &entries)?;
        let meta = Meta {
            format: FORMAT_VERSION,
            parser: PARSER_VERSION,
            citedex: env!("CARGO_PKG_VERSION").to_string(),
            updated: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            corpus: corpus_shown,
            corpus_path: corpus_path(&opts.corpus),
            files: Vec::new(),
            documents: entries.iter().map(|e| e.documents.len() as u64).sum(),
            catalog: Some(catalog.clone()),
            fingerprint: Some(fingerprint(entries.iter().map(|e| (e.path.as_str(), e.size, e.mtime)))),
            stemming: stemming_languages(&entries),
            title_passage_tokens: entries
                .iter()
                .flat_map(|e| &e.documents)
                .map(|d| d.title_tokens.map(|t| t * d.passages))
                .sum(),
        };
        drop(entries);
        pause_for_tests();
        crate::memory::purge_freed_memory_promptly();
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&meta)?);
        prepared.commit()?;
        summary.stages.push(("commit", committing.elapsed()));
        let merging = Instant::now();
        crate::memory::purge_freed_memory_promptly();
        // Merges read every segment through memory maps: without this, each page read stays
        // resident until the merge ends (see `ReadableDirectory::release_mapped_pages`).
        let _releaser = PageReleaser::start(&directory);
        if full {
            // Kept with the commit's payload; a run killed here leaves the commit unmerged.
            let sizes: Vec<(SegmentId, u32)> =
                index.searchable_segment_metas()?.iter().map(|m| (m.id(), m.num_docs())).collect();
            // Two merges at a time where there are two cores (a merge runs on one thread) and
            // both fit in `MERGE_PASSAGES`; more cores wait.
            let at_once = indexing_threads().min(2);
            let groups = merge_groups(&sizes, SEGMENT_PASSAGES);
            // One final segment (a corpus of up to SEGMENT_PASSAGES passages): written in
            // large chunks, which searches map in fewer page faults. Not where several merges
            // run, two at a time: the large folios they map took the 2 GB build's peak RSS from
            // 375 to 390-425 MB (see `ReadableDirectory::write_in_chunks`).
            if groups.len() == 1 {
                directory.write_in_chunks();
            }
            for batch in merge_batches(groups, at_once) {
                let merges: Vec<_> = batch.iter().map(|(group, _)| writer.merge(group)).collect();
                // Every merge ends before an error is returned: one left running would go on
                // writing after the writer is dropped and its lock let go.
                let ended: Vec<_> = merges.into_iter().map(|merge| merge.wait()).collect();
                for result in ended {
                    result?;
                }
            }
        }
        writer.wait_merging_threads()?;
        summary.stages.push(("merge", merging.elapsed()));
        remove_catalogs(&opts.index, Some(&catalog));
        share_like(&opts.index, &catalog);
        summary.committed = true;
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Passages that the final merges of a full build may hold at one time, over all of them. A
/// merge holds memory for each passage it writes (tantivy's doc-id mapping, norms and
/// columns: some 20 bytes a passage), so this bounds the build's peak; the pages of the
/// segments it reads are let go as it goes (`ReadableDirectory::release_mapped_pages`).
/// 2 GB bench corpus (13.7 M passages): merged into one at once, the build peaked at 396
/// MB and its merge took 69 s of 284; two merges of 6.9 M at a time, 399 MB; two of 4.5 M
/// at a time, 363 and 435 MB in two builds; two of 3.4 M at a time, 377 MB (the indexing's
/// peak) and 28 s of 251.
const MERGE_PASSAGES: u64 = 7_000_000;

/// The most passages a final merge makes one segment of. Fewer segments answer faster: 2 GB
/// queries took 7.5 ms at the median in ten segments of 1.4 M, 5.4 in four, 5.0 in two, 4.4
/// in one (`benches/scale.sh`, one session). A 200 MB corpus (1.4 M) ends as one segment, 2
/// GB (13.7 M) as two of 6.9 and 6.7 M, merged one at a time (together they would pass
/// [`MERGE_PASSAGES`]). Against three of 4.6 M (this bound at 5 M), built in the same hour:
/// queries 0.78x and 0.88x per query (`benches/pairs.sh`, both indexes read back), the same
/// build (282.3 s, final merges 78.4 s; three: 284.4 s, 75.8 s), a lower peak (357,564 KB;
/// three: 376,968). One segment of 13.7 M answered no faster than two (1.03x), took 96.8 s
/// to merge and peaked at 394 MB.
const SEGMENT_PASSAGES: u64 = MERGE_PASSAGES;

/// The merge groups in batches run at the same time: up to `at_once` consecutive groups
/// whose passages together stay within [`MERGE_PASSAGES`] (a group larger than that runs
/// alone).
fn merge_batches(groups: Vec<(Vec<SegmentId>, u64)>, at_once: usize) -> Vec<Vec<(Vec<SegmentId>, u64)>> {
    let mut batches: Vec<Vec<(Vec<SegmentId>, u64)>> = Vec::new();
    for (group, n) in groups {
        match batches.last_mut() {
            Some(batch)
                if batch.len() < at_once
                    && batch.iter().map(|(_, m)| m).sum::<u64>() + n <= MERGE_PASSAGES =>
            {
                batch.push((group, n))
            }
            _ => batches.push(vec![(group, n)]),
        }
    }
    batches
}

/// Groups of segments to merge, each of at most `limit` passages where segments allow (one
/// larger than that stays alone), as few as that takes and of about equal sizes (but for the
/// last, which takes in the segments left at the end when they fit), in the order given,
/// each with its passages; groups of one segment are left out.
fn merge_groups(sizes: &[(SegmentId, u32)], limit: u64) -> Vec<(Vec<SegmentId>, u64)> {
    let total: u64 = sizes.iter().map(|&(_, n)| u64::from(n)).sum();
    let limit = limit.max(1);
    // As many groups as the limit asks for, filled to an equal share each.
    let share = total.div_ceil(total.div_ceil(limit).max(1));
    let mut groups: Vec<(Vec<SegmentId>, u64)> = Vec::new();
    let mut current: Vec<SegmentId> = Vec::new();
    let mut passages = 0u64;
    for &(id, n) in sizes {
        let n = u64::from(n);
        if !current.is_empty() && (passages + n > limit || passages >= share) {
            groups.push((std::mem::take(&mut current), passages));
            passages = 0;
        }
        current.push(id);
        passages += n;
    }
    // The segments left at the end join the group before them where the limit allows, rather
    // than make a small segment of their own.
    match groups.last_mut() {
        Some((previous, sum)) if *sum + passages <= limit => {
            previous.append(&mut current);
            *sum += passages;
        }
        _ => groups.push((current, passages)),
    }
    groups.retain(|(g, _)| g.len() > 1);
    groups
}

/// Writes the catalog of this commit (each file and its documents) under a new name; the commit's
/// payload names it, so a run killed before committing leaves the previous catalog in force.
fn write_catalog(dir: &Path, entries: &[FileEntry]) -> Result<String> {
    let catalog = entries;
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let name = format!("{CATALOG_PREFIX}{stamp}-{}.json", std::process::id());
    let path = dir.join(&name);
    std::fs::write(&path, serde_json::to_vec(&catalog)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let table = dir.join(super::table_name(&name));
    super::documents::write(&table, entries).with_context(|| format!("cannot write {}", table.display()))?;
    Ok(name)
}

/// Gives tantivy's `meta.json` and `.managed.json` the permissions of the catalog this run
/// wrote: tantivy replaces them through a temporary file made readable by its owner only, so
/// another user could not search an index they can read every other file of. Best effort.
fn share_like(dir: &Path, catalog: &str) {
    let Ok(made) = std::fs::metadata(dir.join(catalog)) else { return };
    for name in ["meta.json", ".managed.json"] {
        let _ = std::fs::set_permissions(dir.join(name), made.permissions());
    }
}

/// Deletes catalogs and document tables other than `keep`'s (left behind by earlier commits
/// or killed runs).
fn remove_catalogs(dir: &Path, keep: Option<&str>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let kept = keep.map(|k| [k.to_string(), super::table_name(k)]);
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(CATALOG_PREFIX) && !kept.as_ref().is_some_and(|k| k.contains(&name)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes what a failed run wrote and no commit uses (segment files, a catalog), so that a
/// full disk is not left full of them. Best effort: the next run collects them too. Whether
/// there is a committed index. A first build that failed leaves tantivy's empty index (no
/// segment committed): its files go too.
fn remove_uncommitted(dir: &Path) -> bool {
    let collect = |index: &tantivy::Index| {
        if let Ok(mut writer) = index.writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000) {
            let _ = writer.garbage_collect_files().wait();
            let _ = writer.rollback();
        }
    };
    if let Ok(ci) = CitedexIndex::open(dir) {
        remove_catalogs(dir, ci.meta.catalog.as_deref());
        collect(&ci.index);
        return true;
    }
    // An index that cannot be opened here (another user's) may still hold a commit.
    let Ok(index) = tantivy::Index::open_in_dir(dir) else { return dir.join("meta.json").exists() };
    if !index.searchable_segment_metas().is_ok_and(|segments| segments.is_empty()) {
        return true;
    }
    remove_catalogs(dir, None);
    collect(&index);
    false
}

/// Lets the integration tests kill a run between adding documents and committing them: the
/// run sleeps this many milliseconds when `CITEDEX_TEST_PAUSE_BEFORE_COMMIT_MS` is set.
fn pause_for_tests() {
    if let Some(ms) = std::env::var("CITEDEX_TEST_PAUSE_BEFORE_COMMIT_MS").ok().and_then(|v| v.parse().ok()) {
        eprintln!("citedex: pausing before commit for {ms} ms (CITEDEX_TEST_PAUSE_BEFORE_COMMIT_MS)");
        std::thread::sleep(Duration::from_millis(ms));
    }
}

/// Refuses an index folder inside the corpus (its files would be read as sources) and a
/// folder that holds other things than an index (a mistyped `--index src`).
fn check_index_folder(corpus: &Path, index: &Path) -> Result<()> {
    let inside = |c: std::io::Result<PathBuf>, i: std::io::Result<PathBuf>| matches!((c, i), (Ok(c), Ok(i)) if i.starts_with(&c));
    if inside(corpus.canonicalize(), index.canonicalize())
        || inside(std::path::absolute(corpus), std::path::absolute(index))
    {
        bail!(WriteError::IndexInCorpus(index.display().to_string()));
    }
    if exists(index) || !index.exists() {
        return Ok(());
    }
    let ours = |name: &str| {
        name.starts_with("README")
            || name == ".gitignore"
            || name.starts_with(".tantivy-")
            || name.starts_with(CATALOG_PREFIX)
    };
    let entries = std::fs::read_dir(index).with_context(|| {
        format!("cannot use {} as the index folder: pass a folder to --index", index.display())
    })?;
    let foreign = entries.flatten().any(|e| !ours(&e.file_name().to_string_lossy()));
    if foreign {
        bail!(WriteError::NotAnIndex(index.display().to_string()));
    }
    Ok(())
}

/// Opens the index for writing, or creates it. A damaged index, or one an older citedex built
/// (an older format: the index is derived from the corpus, so nothing is lost), is rebuilt;
/// what was wrong with it comes back, for a warning. One of a newer or unknown format is only
/// replaced when rebuilding: a newer citedex may still want it.
/// With `verify`, the files it keeps are checked against their checksums first.
///
/// It holds tantivy's writer lock while it looks and removes: without it, a second run could
/// take the files another run's commit was replacing for damage (missing), and delete a good
/// index under the run that holds the lock. The lock is let go just before [`writer_for`]
/// takes it again for the writer.
fn open_for_writing(
    dir: &Path,
    rebuild: bool,
    verify: bool,
) -> Result<(Index, ReadableDirectory, Fields, Meta, Option<String>)> {
    let _lock = lock_folder(dir)?;
    let mut repaired = None;
    if exists(dir) {
        let opened = CitedexIndex::open(dir)
            .and_then(|mut ci| ci.load_catalog().map(|()| ci))
            .and_then(|ci| if verify && !rebuild { ci.verify().map(|()| ci) } else { Ok(ci) });
        match opened {
            Ok(ci) => return Ok((ci.index, ci.directory, ci.fields, ci.meta, None)),
            Err(e) => {
                let why = rebuilt_for(&e);
                if !rebuild {
                    if why.is_none()
                        && matches!(e, IndexError::Incompatible { .. } | IndexError::Unreadable { .. })
                    {
                        bail!(e)
                    }
                    repaired = why;
                }
                remove_index_files(dir)?;
                remove_catalogs(dir, None);
            }
        }
    }
    // An interrupted first build leaves tantivy's files without a commit: start afresh.
    remove_index_files(dir)?;
    let (schema, fields) = Fields::schema();
    let cannot_create = || format!("cannot create an index in {}", dir.display());
    let directory =
        ReadableDirectory::open(dir).map_err(tantivy::TantivyError::from).with_context(cannot_create)?;
    let index = Index::create(directory.clone(), schema, settings()).with_context(cannot_create)?;
    register(&index);
    Ok((index, directory, fields, Meta::default(), repaired))
}

/// Whether an index of format `found` is one an older citedex built, which the next update
/// rebuilds (format 0: no format recorded, not known to be citedex's).
pub fn is_older(found: u32, expected: u32) -> bool {
    found > 0 && found < expected
}

/// Why an index that cannot be opened as it is gets rebuilt by an update, for its warning:
/// it is damaged, or an older citedex built it. None for the others: refused unless
/// rebuilding (another format, unreadable), or nothing to say (missing, never completed).
fn rebuilt_for(e: &IndexError) -> Option<String> {
    match e {
        IndexError::Damaged { cause, .. } => Some(format!("the index was damaged ({cause})")),
        IndexError::Incompatible { found, expected, .. } if is_older(*found, *expected) => {
            Some(format!("the index was built by an older citedex (index format {found})"))
        }
        _ => None,
    }
}

/// The index's settings: the stored records are compressed with zstd (level 1) in blocks
/// of [`STORE_BLOCK`] bytes. Level 1 against 3, 200 MB bench corpus in one session: build
/// 22.85 -> 21.7 s, store 162.1 -> 164.1 MB (index 1.24x tantivy-cli's either way), searches
/// as fast (decompression does not depend on the level).
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(1),
        }),
        docstore_blocksize: STORE_BLOCK,
        // Each segment's store blocks are compressed on its indexing thread, not handed to a
        // thread of their own: on two cores every thread more is context switches (200 MB,
        // alternating builds: system time 1.79 -> 1.14 s, wall -1.4 to -5%).
        docstore_compress_dedicated_thread: false,
        ..tantivy::IndexSettings::default()
    }
}

/// Bytes of stored records per compressed block. A hit's record costs the decompression of
/// its whole block: on the benchmark kit's 20 MB corpus, 8 KB blocks take 0.86× the
/// instructions of tantivy's 16 KB for a search of `memory` (ten records) and make the
/// store 1.07× the size; 4 KB blocks 0.81× and 1.18×; LZ4 in 16 KB blocks 0.77× and 1.34×.
const STORE_BLOCK: usize = 8192;

/// Takes tantivy's writer lock on the index folder (as [`writer_for`] does), or says that
/// another run holds it.
fn lock_folder(dir: &Path) -> Result<tantivy::directory::DirectoryLock> {
    use tantivy::directory::error::LockError;
    use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
    let folder = MmapDirectory::open(dir)
        .map_err(tantivy::TantivyError::from)
        .with_context(|| format!("cannot open the index at {} for writing", dir.display()))?;
    match folder.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(lock) => Ok(lock),
        Err(LockError::LockBusy) => bail!(WriteError::Locked(dir.display().to_string())),
        Err(e) => Err(tantivy::TantivyError::LockFailure(e, None))
            .with_context(|| format!("cannot open the index at {} for writing", dir.display())),
    }
}

/// Deletes tantivy's files from `dir`, leaving anything else (README, .gitignore) alone, and
/// its lock files, which [`open_for_writing`] holds while it removes the rest: a lock file
/// deleted while locked would let another run lock a new file of the same name.
fn remove_index_files(dir: &Path) -> Result<()> {
    let tantivy_file = |name: &str| {
        name == "meta.json"
            || name == ".managed.json"
            || (name.starts_with(".tantivy-") && !name.ends_with(".lock"))
            || [".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del"]
                .iter()
                .any(|e| name.ends_with(e))
    };
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if tantivy_file(&entry.file_name().to_string_lossy()) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove old index file {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Threads the writer indexes on: the cores, from one to four.
fn indexing_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

/// Memory budget of each indexing thread: the postings and columns of the segment it builds.
/// It bounds the build's peak RSS, which at 2 GB comes while indexing (the final merges let go
/// of what they read): with format 9 (fewer postings a passage, more passages a segment) 60 MB
/// a thread peaked at 379-394 MiB there, 50 MB at 351 MiB, with the same build time (200 MB,
/// 3 alternating builds: 17.46 / 17.51 s).
const BUDGET_PER_THREAD: usize = 50_000_000;

fn writer_for(index: &Index, dir: &Path) -> Result<IndexWriter<Queued>> {
    let threads = indexing_threads();
    match index.writer_with_num_threads(threads, threads * BUDGET_PER_THREAD) {
        Ok(w) => Ok(w),
        Err(tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::LockBusy, _)) => {
            bail!(WriteError::Locked(dir.display().to_string()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot open the index at {} for writing", dir.display())),
    }
}

/// Deletes the passages of the documents of these slugs (slugs are unique in the index).
fn delete_documents<'a>(
    writer: &IndexWriter<Queued>,
    fields: &Fields,
    slugs: impl IntoIterator<Item = &'a str>,
) {
    for slug in slugs {
        writer.delete_term(Term::from_field_text(fields.doc, slug));
    }
}

/// Deletes the passages a file's entry lists, by its documents' slugs.
fn delete_file(writer: &IndexWriter<Queued>, fields: &Fields, entry: &FileEntry) {
    delete_documents(writer, fields, entry.documents.iter().map(|d| d.slug.as_str()));
}

/// Where passages go: the tantivy writer, through the bounded queue.
struct Feed<'a> {
    writer: &'a IndexWriter<Queued>,
    queue: &'a Queue,
}

/// The manifest entry of a file that was not indexed, and why.
fn skipped_entry(file: &SourceFile, reason: &str) -> FileEntry {
    FileEntry {
        path: file.path.clone(),
        size: file.size,
        mtime: file.mtime,
        skipped: Some(reason.to_string()),
        ..FileEntry::default()
    }
}

/// Why a file that hit a bug in citedex was skipped (the panic message is printed above it).
const INTERNAL_ERROR: &str =
    "internal error while reading it (a bug in citedex: please report it); the rest of the corpus is indexed";

/// A file read, its documents found and given their slugs: what a worker splits and adds.
struct Job {
    /// Its place in the manifest.
    slot: usize,
    file: SourceFile,
    text: String,
    hash: String,
    format: &'static str,
    decoded_from: Option<&'static str>,
    docs: Vec<crate::source::Document>,
    slugs: Vec<String>,
    /// The documents' numbers ([`DocumentEntry::key`]).
    keys: std::ops::Range<u64>,
    had_previous: bool,
}

/// A worker's result: the manifest entry of the file in `slot`.
struct Built {
    slot: usize,
    entry: FileEntry,
    had_previous: bool,
}

impl Job {
    /// Finds the documents of a loaded file and gives them slugs not in `slugs` and the
    /// numbers from `next_key` on (in corpus order, so a run gives the same slugs and numbers
    /// whatever the threads do).
    fn read(
        slot: usize,
        file: SourceFile,
        loaded: corpus::Loaded,
        hash: String,
        had_previous: bool,
        slugs: &mut HashSet<String>,
        next_key: &mut u64,
    ) -> Job {
        let fallback =
            Path::new(&file.path).file_stem().map_or("untitled".into(), |s| s.to_string_lossy().into_owned());
        let format = source::format_for(&file.disk, &loaded.text);
        let docs = format.read(&loaded.text, &fallback);
        let doc_slugs = passage::document_slugs(&docs, slugs);
        let keys = *next_key..*next_key + docs.len() as u64;
        *next_key = keys.end;
        Job {
            keys,
            slot,
            file,
            text: loaded.text,
            hash,
            format: format.name(),
            decoded_from: loaded.decoded_from,
            docs,
            slugs: doc_slugs,
            had_previous,
        }
    }
}

/// Splits and adds one file; returns its manifest entry.
fn build(feed: &Feed<'_>, fields: &Fields, job: Job, max_words: usize) -> Result<FileEntry> {
    let Job { file, text, hash, format, decoded_from, docs, slugs, keys, .. } = job;
    // For the tests: a bug on the files whose path ends so (`tests/cli/corpus.rs`).
    if std::env::var("CITEDEX_TEST_PANIC_ON").is_ok_and(|end| !end.is_empty() && file.path.ends_with(&end)) {
        panic!("injected failure on {}", file.path);
    }
    let mut passages = passage::split_with_slugs(&text, &file.path, &docs, &slugs, max_words);
    drop(docs);
    crate::cite::link::link(&mut passages);
    let key_of: std::collections::HashMap<&str, u64> = slugs.iter().map(String::as_str).zip(keys).collect();
    let mut entry = FileEntry {
        path: file.path.clone(),
        size: file.size,
        mtime: file.mtime,
        hash,
        format: format.to_string(),
        encoding: decoded_from.map(str::to_string),
        ..FileEntry::default()
    };
    for p in &passages {
        if entry.documents.last().is_none_or(|d| d.slug != p.document_slug) {
            let key = key_of.get(p.document_slug.as_str()).copied().unwrap_or(0);
            entry.documents.push(DocumentEntry {
                key,
                slug: p.document_slug.clone(),
                title: p.document.clone(),
                language: p.language.clone(),
                title_tokens: Some(
                    crate::analysis::analyze_in(&p.document, Lang::of(&p.language)).len() as u64
                ),
                ..DocumentEntry::default()
            });
        }
        let d = entry.documents.last_mut().expect("pushed above");
        d.passages += 1;
        entry.passages += 1;
        if p.kind == Kind::Reference {
            d.references += 1;
            entry.references += 1;
        }
        entry.citations += p.citations.len() as u64;
    }
    // One batch per document: tantivy gives it to one indexing thread, so its passages get
    // consecutive doc ids in one segment, which ranking reads as the document (see
    // `schema::FORMAT_VERSION`); the queue keeps the batches in flight bounded.
    // The runs of passages are the documents of `entry.documents`, in the same order.
    // Each passage is dropped once it is a tantivy document, so a file of a million passages
    // does not hold both at once.
    let mut passages = passages.into_iter().peekable();
    for d in &entry.documents {
        let n = d.passages as usize;
        let mut ops = Vec::with_capacity(n);
        for permit in feed.queue.reserve(n) {
            let Some(mut p) = passages.next() else { break };
            ops.push(UserOperation::Add(Queued { doc: to_document(fields, &mut p, d.key)?, permit }));
        }
        feed.writer.run(ops)?;
    }
    debug_assert!(passages.peek().is_none(), "the documents hold every passage");
    Ok(entry)
}

/// The languages of the indexed documents that are stemmed otherwise than by script (see
/// [`Lang`]), by code, each once, in order.
fn stemming_languages(entries: &[FileEntry]) -> Vec<String> {
    let mut langs: Vec<Lang> =
        entries.iter().flat_map(|e| &e.documents).map(|d| Lang::of(&d.language)).collect();
    langs.sort_unstable();
    langs.dedup();
    langs.into_iter().filter(|l| !l.by_script()).map(|l| l.code().to_string()).collect()
}

/// The tantivy document of a passage. Its stored record leaves out what the document's first
/// passage already holds (`seq` 0: title, slug, language, path); the reader completes it from
/// there (`search::load`), so `p` is left without those fields.
fn to_document(f: &Fields, p: &mut Passage, doc_key: u64) -> Result<TantivyDocument> {
    let mut d = TantivyDocument::new();
    d.add_text(f.doc, &p.document_slug);
    d.add_u64(f.seq, u64::from(p.seq));
    d.add_text(f.kind, p.kind.as_str());
    // Analyzed in the document's language; authors are names, stemmed by script.
    let lang = Lang::of(&p.language);
    if p.seq == 0 {
        d.add_text(f.title, tagged(&p.document, lang));
    }
    d.add_text(f.section, tagged(&p.section.join(" › "), lang));
    d.add_text(f.text, tagged(&p.text, lang));
    if let Some(r) = &p.reference {
        for a in r.authors.iter().chain(r.roles.iter().map(|role| &role.name)) {
            d.add_text(f.author, format!("{} {}", a.given, a.family));
        }
        for y in &r.years {
            d.add_u64(f.year, u64::from(*y));
        }
        for isbn in r.isbn13() {
            d.add_text(f.ids, isbn);
        }
        if let Some(oclc) = &r.oclc {
            d.add_text(f.ids, oclc);
        }
        d.add_u64(f.work, link::work_hash(&link::work_key(r)));
    }
    for c in &p.citations {
        d.add_text(f.citation, tagged(&c.raw, lang));
        match &c.reference {
            Some(id) => d.add_text(f.cites, id),
            None => d.add_text(f.cites, link::citation_key(c)),
        }
    }
    // Only a document's first passage: the reader finds a passage's document as the last
    // first passage before it (`search::rank::DocumentColumn`).
    if p.seq == 0 {
        d.add_u64(f.doc_key, doc_key);
    }
    d.add_u64(f.dup_key, dup_key(p));
    if p.seq > 0 {
        p.without_document();
    }
    d.add_bytes(f.record, &crate::index::record::encode(p)?);
    Ok(d)
}

/// Near-identical passages share this key: the same kind and the same words, ignoring case
/// and punctuation. It has 48 bits ([`DUP_KEY_MASK`]), so its fast-field column takes 6 bytes
/// a passage rather than 8: a search reads the key of each of its candidates, about one page
/// fault each wherever they fall in the column, and a smaller column is fewer pages. Keys are
/// compared only among one query's candidates (200, or twice the hits asked for), where two
/// unrelated passages share one with a probability near n²/2⁴⁹: 7 in a billion for 2,000
/// (32 bits, which halved the column, made it 5 in 10,000 there).
pub fn dup_key(p: &Passage) -> u64 {
    // The kind, NUL, the words lowercased with one space between them (none at either end),
    // NUL: gathered first and hashed in one call (a call per character cost 4% of a build).
    let mut key = Vec::with_capacity(p.kind.as_str().len() + 2 * p.text.len() + 2);
    key.extend_from_slice(p.kind.as_str().as_bytes());
    key.push(0);
    if p.text.is_ascii() {
        ascii_key_words(&p.text, &mut key);
    } else {
        key_words(&p.text, &mut key);
    }
    key.push(0);
    link::hash64(&key) & DUP_KEY_MASK
}

/// Appends the words of `text` to `key`, lowercased, one space between them.
fn key_words(text: &str, key: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    // Whether a space stands for the non-word characters before the next word.
    let mut gap = false;
    let start = key.len();
    for c in text.chars() {
        if !crate::analysis::is_alnum(c) {
            gap = true;
            continue;
        }
        if std::mem::take(&mut gap) && key.len() > start {
            key.push(b' ');
        }
        if crate::analysis::is_caseless(c) {
            key.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        for l in c.to_lowercase() {
            key.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
        }
    }
}

/// [`key_words`] of ASCII text, a byte at a time without a branch: every byte is written and
/// kept or not (the branches at each word's ends, mispredicted, made the loop 2% of a build).
fn ascii_key_words(text: &str, key: &mut Vec<u8>) {
    let start = key.len();
    // Two bytes a byte at most: a space and a letter.
    key.resize(start + 2 * text.len(), 0);
    let (mut at, mut after_word) = (start, false);
    for &b in text.as_bytes() {
        let word = b.is_ascii_alphanumeric();
        key[at] = b' ';
        at += usize::from(word & !after_word & (at > start));
        key[at] = b.to_ascii_lowercase();
        at += usize::from(word);
        after_word = word;
    }
    key.truncate(at);
}

/// The bits of a dup key ([`dup_key`]) that a reader compares: indexes built before keys
/// were cut to 48 bits hold 64-bit keys whose low 48 bits are the key of today, so an
/// updated index folds its old and new passages together.
pub const DUP_KEY_MASK: u64 = (1 << 48) - 1;

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(kind: Kind, text: &str) -> Passage {
        Passage {
            id: "d/lead/1".into(),
            document: "D".into(),
            document_slug: "d".into(),
            section: Vec::new(),
            kind,
            paragraph: 1,
            seq: 0,
            text: text.into(),
            language: "en".into(),
            source: crate::passage::Provenance {
                path: "d.txt".into(),
                line_start: 1,
                line_end: 1,
                byte_start: 0,
                byte_end: text.len(),
                markup: Vec::new(),
            },
            file: None,
            citations: Vec::new(),
            paragraph_citations: Vec::new(),
            cited: Vec::new(),
            reference: None,
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_key_words_are_key_words(text in "[aZ0 .,'\t\n-]{0,40}", prefix in "[a-z]{0,3}") {
            let (mut fast, mut chars) = (prefix.clone().into_bytes(), prefix.into_bytes());
            ascii_key_words(&text, &mut fast);
            key_words(&text, &mut chars);
            proptest::prop_assert_eq!(fast, chars);
        }
    }

    #[test]
    fn dup_keys_ignore_case_and_punctuation_and_keep_older_values() {
        let key = |kind, text| dup_key(&passage(kind, text));
        let a = key(Kind::Body, "The Treaty of Portsmouth, signed 1905 — in Kittery.");
        assert_eq!(a, key(Kind::Body, "  the treaty of PORTSMOUTH signed (1905) in kittery"));
        assert_ne!(a, key(Kind::Caption, "The Treaty of Portsmouth, signed 1905 — in Kittery."));
        assert_ne!(a, key(Kind::Body, "The Treaty of Portsmouth, signed 1906 — in Kittery."));
        assert_eq!(key(Kind::Body, "Ёлка Straße"), key(Kind::Body, "ёлка STRAßE"));
        // The same bytes as indexes built before hashed, one character at a time: an updated
        // index keeps folding old and new passages together.
        let mut h = blake3::Hasher::new();
        for part in
            ["body", "\0", "the", " ", "treaty", " ", "of", " ", "portsmouth", " ", "signed", " ", "1905"]
        {
            h.update(part.as_bytes());
        }
        h.update(b"\0");
        let old = u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().unwrap());
        let new = key(Kind::Body, "The treaty of Portsmouth - signed 1905.");
        assert_eq!(old & DUP_KEY_MASK, new);
        assert_eq!(new & DUP_KEY_MASK, new);
    }

    #[test]
    fn final_merges_are_bounded_in_passages() {
        let groups = |sizes: &[(SegmentId, u32)], limit| -> Vec<Vec<SegmentId>> {
            merge_groups(sizes, limit).into_iter().map(|(g, _)| g).collect()
        };
        let ids: Vec<SegmentId> = (0..7).map(|_| SegmentId::generate_random()).collect();
        let sizes: Vec<(SegmentId, u32)> =
            ids.iter().zip([40, 50, 30, 120, 10, 10, 5]).map(|(&i, n)| (i, n)).collect();
        // 40+50 (30 would pass 100), 30 alone (120 is over on its own), 120 alone, 10+10+5.
        assert_eq!(groups(&sizes, 100), vec![vec![ids[0], ids[1]], vec![ids[4], ids[5], ids[6]]]);
        assert_eq!(merge_groups(&sizes, 100).iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![90, 25]);
        // Everything fits: one merge of all.
        assert_eq!(groups(&sizes, 1_000), vec![ids.clone()]);
        assert!(merge_groups(&sizes[..1], 100).is_empty());
        // Twenty segments of 10 under a limit of 120: two groups of 100, not 120 and 80.
        let ids: Vec<SegmentId> = (0..20).map(|_| SegmentId::generate_random()).collect();
        let sizes: Vec<(SegmentId, u32)> = ids.iter().map(|&i| (i, 10)).collect();
        assert_eq!(groups(&sizes, 120), vec![ids[..10].to_vec(), ids[10..].to_vec()]);
        // Small last segments join the last group when they fit under the limit, else stay.
        let ids: Vec<SegmentId> = (0..5).map(|_| SegmentId::generate_random()).collect();
        let sizes: Vec<(SegmentId, u32)> =
            ids.iter().zip([45, 45, 45, 45, 10]).map(|(&i, n)| (i, n)).collect();
        assert_eq!(groups(&sizes, 100), vec![ids[..2].to_vec(), ids[2..].to_vec()]);
        assert_eq!(groups(&sizes, 95), vec![ids[..2].to_vec(), ids[2..4].to_vec()]);
        let ids: Vec<SegmentId> = (0..6).map(|_| SegmentId::generate_random()).collect();
        let sizes: Vec<(SegmentId, u32)> =
            ids.iter().zip([45, 45, 45, 45, 5, 5]).map(|(&i, n)| (i, n)).collect();
        assert_eq!(groups(&sizes, 100), vec![ids[..2].to_vec(), ids[2..].to_vec()]);
        assert_eq!(merge_groups(&sizes, 100).iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![90, 100]);
    }

    #[test]
    fn merges_run_together_only_within_the_bound() {
        let group = |n: u64| (vec![SegmentId::generate_random(), SegmentId::generate_random()], n);
        let sizes = |batches: &[Vec<(Vec<SegmentId>, u64)>]| -> Vec<Vec<u64>> {
            batches.iter().map(|b| b.iter().map(|(_, n)| *n).collect()).collect()
        };
        // 2 GB: three groups of 4.5 M, two would hold 9 M: one at a time.
        let three = vec![group(4_500_000), group(4_500_000), group(4_500_000)];
        assert_eq!(sizes(&merge_batches(three, 2)), vec![vec![4_500_000]; 3]);
        // Two groups of 3.4 M fit together; one core runs them one at a time.
        let two = || vec![group(3_400_000), group(3_400_000)];
        assert_eq!(sizes(&merge_batches(two(), 2)), vec![vec![3_400_000, 3_400_000]]);
        assert_eq!(sizes(&merge_batches(two(), 1)), vec![vec![3_400_000], vec![3_400_000]]);
        assert!(merge_batches(Vec::new(), 2).is_empty());
    }
}
