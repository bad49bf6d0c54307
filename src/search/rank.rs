//! The ranking model: how candidates found by tantivy are ordered. Every part is here because
//! it measurably helps on Cranfield 1400 (`benches/cranfield.sh`); what did not was left out.
//!
//! score(passage) = BM25(passage) + [`DOCUMENT_WEIGHT`] × BM25(its whole document)
//!
//! - BM25(passage) is tantivy's (k1 1.2, b 0.75) summed over the query's words, each in the
//!   passage text, its document title and section heading (weighted [`TITLE_WEIGHT`],
//!   [`SECTION_WEIGHT`]) and its inline citations. Rare words weigh more through IDF; a word
//!   repeated in the query counts once; function words leave the query when it has other words.
//!   The title is indexed on a document's first passage only: tantivy scores it there, and
//!   [`with_titles`] adds the same score to the document's other candidates, and finds the
//!   passages the title lifts among them, with statistics ([`TitleStatistics`]) that make it
//!   what it was when every passage held the title.
//! - BM25(document) scores the text of the passage's whole document (its passages' term
//!   frequencies and lengths added up): a passage of a document that is about the query,
//!   though the passage holds only some of its words, ranks above an isolated mention.
//! - Crowding: each further passage of a document already ranked has its score multiplied by
//!   [`CROWDING`] once more, so that the first page spans documents instead of repeating one.
//!
//! Counting matched words and rewarding words close together were both measured and both made
//! Cranfield worse (nDCG@10 −0.008 and −0.010): they are not used.
//!
//! Only the first [`RERANK_DEPTH`] candidates (by BM25 with their title, [`with_titles`]) are
//! re-ordered, always the same number whatever `--limit` and `--offset` ask for, so that
//! paging never changes the order of the hits; deeper hits follow in that order. On Cranfield
//! a depth of 200 scores as 1,000 does (150 loses recall at 100 documents).

use crate::index::Fields;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::cmp::Ordering;
use tantivy::columnar::Column;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// Weight of a match in the document title and in the section heading, against 1 for text.
pub const TITLE_WEIGHT: f32 = 0.5;
pub const SECTION_WEIGHT: f32 = 0.5;
/// Weight of a match in the inline citations a passage carries.
pub const CITATION_WEIGHT: f32 = 0.5;
/// Weight of the whole document's BM25 in a passage's score.
pub const DOCUMENT_WEIGHT: f32 = 1.0;
/// Factor applied to a passage's score for each passage of its document ranked above it.
pub const CROWDING: f32 = 0.5;
/// Candidates re-ordered by the full model.
pub const RERANK_DEPTH: usize = 200;

/// A candidate passage and the parts of its score.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub address: DocAddress,
    /// tantivy's BM25 of the passage.
    pub passage: f32,
    /// BM25 of its document.
    pub document: f32,
    /// The crowding factor it was ranked with.
    pub crowding: f32,
    pub score: f32,
    pub doc_key: u64,
    pub dup_key: u64,
}

/// Orders candidates (already scored for `passage` and `document`) by the model.
pub fn order(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    for c in &mut candidates {
        c.score = c.passage + DOCUMENT_WEIGHT * c.document;
        c.crowding = 1.0;
    }
    crowd(candidates)
}

/// The tie-break of equal scores, independent of how the index was split into segments: its
/// document, then its place in the document (smaller first). A document's passages are
/// consecutive doc ids of one segment, in the document's order, whatever the segments.
fn tie(c: &Candidate) -> (u64, DocAddress) {
    (c.doc_key, c.address)
}

/// Best first: higher score, then the smaller tie.
fn best_first(a: &Candidate, b: &Candidate) -> Ordering {
    b.score.total_cmp(&a.score).then_with(|| tie(a).cmp(&tie(b)))
}

/// Crowding: the `k`-th passage of a document (0 for its best) has its score multiplied by
/// [`CROWDING`]^`k`. This is the greedy selection "take the best remaining candidate, its
/// score lowered once for each passage of its document already placed" in two sorts: within a
/// document the candidates are placed best first, and their lowered scores decrease, so the
/// greedy order is the merge of the documents' lists, which is the order of the lowered
/// scores. (A heap of stale scores did the same and cost a fifth of a search's instructions
/// when one document held most of the candidates: callgrind, `memory` on the 20 MB bench.)
fn crowd(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_unstable_by(|a, b| a.doc_key.cmp(&b.doc_key).then_with(|| best_first(a, b)));
    let mut placed = 0;
    let mut doc = None;
    for c in &mut candidates {
        if doc != Some(c.doc_key) {
            (doc, placed) = (Some(c.doc_key), 0);
        }
        c.crowding = CROWDING.powi(placed);
        c.score *= c.crowding;
        placed += 1;
    }
    candidates.sort_unstable_by(best_first);
    candidates
}

/// The `k` best of the passages offered to it: best first, and of equal scores the smaller
/// address first (as tantivy's `TopDocs` orders them).
struct Top {
    heap: std::collections::BinaryHeap<std::cmp::Reverse<Entry>>,
    k: usize,
    /// At or below it a passage cannot enter the top: the worst score in it, once it is full.
    threshold: f32,
}

/// A place in the top: ordered worst first under `Reverse`, i.e. by score, then later address
/// as worse.
#[derive(PartialEq)]
struct Entry(f32, DocAddress);

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then_with(|| other.1.cmp(&self.1))
    }
}

impl Top {
    fn new(k: usize) -> Top {
        Top { heap: std::collections::BinaryHeap::with_capacity(k), k, threshold: f32::MIN }
    }

    /// Offers a passage. Passages of equal scores must come in address order (a later one,
    /// of a larger address, never displaces an earlier one). Returns the new threshold.
    fn offer(&mut self, score: f32, address: DocAddress) -> f32 {
        let entry = std::cmp::Reverse(Entry(score, address));
        if self.heap.len() < self.k {
            self.heap.push(entry);
        } else if score > self.threshold
            && let Some(mut worst) = self.heap.peek_mut()
        {
            *worst = entry;
        }
        if self.heap.len() == self.k {
            self.threshold = self.heap.peek().map_or(f32::MIN, |std::cmp::Reverse(e)| e.0);
        }
        self.threshold
    }

    /// Best first: the heap's ascending order under `Reverse` is `Entry`'s descending one.
    fn into_sorted(self) -> Vec<(f32, DocAddress)> {
        self.heap.into_sorted_vec().into_iter().map(|std::cmp::Reverse(Entry(s, a))| (s, a)).collect()
    }
}

/// The `k` best-scoring live passages matching `weight`, best first; of equal scores, the
/// smaller address first. Segments are searched in order, each starting from the score the
/// ones before set for a place in the `k` (tantivy's `TopDocs` starts every segment from
/// nothing): an index of ten segments (a 2 GB corpus) pruned by block-max WAND in the later
/// ones as well as in one segment of them all. On one segment it finds what `TopDocs` does,
/// in the same order.
pub fn best(
    searcher: &Searcher,
    weight: &dyn tantivy::query::Weight,
    k: usize,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    best_above(searcher, weight, k, f32::MIN)
}

/// [`best`] among the passages scoring above `floor`.
fn best_above(
    searcher: &Searcher,
    weight: &dyn tantivy::query::Weight,
    k: usize,
    floor: f32,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    if k == 0 {
        return Ok(Vec::new());
    }
    let mut top = Top::new(k);
    top.threshold = floor;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let alive = reader.alive_bitset();
        let segment = ord as SegmentOrdinal;
        weight.for_each_pruning(top.threshold, reader, &mut |doc, score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return top.threshold;
            }
            top.offer(score, DocAddress::new(segment, doc))
        })?;
    }
    Ok(top.into_sorted())
}

/// Ranges of doc ids per thread in [`best_counted`]: enough that a thread started late or
/// given a slow range finds some left, few enough that making each range's scorer stays cheap.
const RANGES_PER_THREAD: usize = 4;

/// The fewest doc ids a range of [`best_counted`] has (a segment shorter than two is one range).
const MIN_RANGE: u64 = 4096;

/// The `k` best-scoring live passages matching `weight`, in [`best`]'s order, and how many
/// live passages match, for a query that scores every match anyway (a phrase, a required
/// union: block-max WAND cannot skip them, see `search::scores_every_match`). With an
/// executor of several threads the segments' doc ids are cut into ranges, as many per
/// segment as it takes for every thread to have [`RANGES_PER_THREAD`] (so a phrase on a
/// one-segment index uses every core), each range scored by a scorer of its own (one seek to
/// its start), the ranges taken by the threads as they come free.
pub fn best_counted(
    searcher: &Searcher,
    weight: &dyn tantivy::query::Weight,
    k: usize,
    executor: Option<&tantivy::Executor>,
) -> tantivy::Result<(Vec<(f32, DocAddress)>, u64)> {
    let readers = searcher.segment_readers();
    let threads = match executor {
        Some(tantivy::Executor::ThreadPool(pool)) => pool.current_num_threads(),
        _ => 1,
    };
    let per_segment =
        if threads > 1 { (RANGES_PER_THREAD * threads).div_ceil(readers.len().max(1)) } else { 1 };
    let mut ranges: Vec<(usize, DocId, DocId)> = Vec::new();
    for (ord, reader) in readers.iter().enumerate() {
        let max = u64::from(reader.max_doc());
        // Each range at least MIN_RANGE doc ids long: its scorer costs more than a short one.
        let parts = (per_segment as u64).min(max / MIN_RANGE).max(1);
        let bound = |i: u64| (max * i / parts) as DocId;
        ranges.extend((0..parts).map(|i| (ord, bound(i), bound(i + 1))).filter(|(_, a, b)| a < b));
    }
    let run = |&(ord, start, end): &(usize, DocId, DocId)| -> tantivy::Result<(Top, u64)> {
        let reader = &readers[ord];
        let alive = reader.alive_bitset();
        let mut top = Top::new(k);
        let mut n = 0u64;
        let mut take = |doc: DocId, score: Score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                n += 1;
                top.offer(score, DocAddress::new(ord as SegmentOrdinal, doc));
            }
        };
        if (start, end) == (0, reader.max_doc()) {
            // A whole segment: the weight's own loop, specialized for some queries.
            weight.for_each(reader, &mut take)?;
        } else {
            let mut scorer = weight.scorer(reader, 1.0)?;
            let mut doc = scorer.doc();
            if doc < start {
                doc = scorer.seek(start);
            }
            while doc < end {
                take(doc, scorer.score());
                doc = scorer.advance();
            }
        }
        Ok((top, n))
    };
    // The ranges in address order: each range's best come best first, so passages of equal
    // scores still reach `all` in address order, as `Top` wants them.
    let parts = match executor {
        Some(executor) if ranges.len() > 1 => executor.map(run, ranges.iter())?,
        _ => ranges.iter().map(run).collect::<tantivy::Result<Vec<_>>>()?,
    };
    let mut all = Top::new(k);
    let mut n = 0u64;
    for (top, count) in parts {
        n += count;
        for (score, address) in top.into_sorted() {
            all.offer(score, address);
        }
    }
    Ok((all.into_sorted(), n))
}

/// The documents of a segment: the `doc_key` column, which only a document's first passage
/// holds (`seq` 0). A document's passages are consecutive doc ids, so the document of a
/// passage is the last first-passage at or before it: its row in the column is the rank of
/// the passage, its doc-id range runs to the next first passage. Opening the column reads
/// the block index of its 65,536-doc blocks and its values, one per document, so it costs
/// the same for a corpus ten times the size (a value for every passage was a linear
/// codec's table of 2,700 blocks at 1.4 M passages: a tenth of a search's instructions).
pub struct DocumentColumn {
    index: tantivy::columnar::ColumnIndex,
    values: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    max_doc: DocId,
}

impl DocumentColumn {
    pub fn open(reader: &SegmentReader) -> tantivy::Result<DocumentColumn> {
        let Column { index, values } = reader.fast_fields().u64("doc_key")?;
        Ok(DocumentColumn { index, values, max_doc: reader.max_doc() })
    }

    /// The document's row (its place among the segment's documents) of the passage `doc`.
    fn row(&self, doc: DocId) -> Option<u32> {
        use tantivy::columnar::ColumnIndex;
        use tantivy::columnar::column_index::Set;
        match &self.index {
            ColumnIndex::Optional(first) => first.rank(doc.saturating_add(1)).checked_sub(1),
            // Every passage begins its document.
            ColumnIndex::Full => (doc < self.max_doc).then_some(doc),
            ColumnIndex::Empty { .. } | ColumnIndex::Multivalued(_) => None,
        }
    }

    /// The document number (`doc_key`) of the passage `doc`.
    pub fn key(&self, doc: DocId) -> Option<u64> {
        self.row(doc).map(|r| self.values.get_val(r))
    }

    /// The doc-id range `[start, end)` of the document of the passage `doc`; `doc..doc + 1`
    /// when the column does not say (a damaged index).
    pub fn range(&self, doc: DocId) -> (DocId, DocId) {
        use tantivy::columnar::ColumnIndex;
        use tantivy::columnar::column_index::Set;
        match (&self.index, self.row(doc)) {
            (ColumnIndex::Optional(first), Some(r)) => (first.select(r), self.end(doc)),
            _ => (doc, doc.saturating_add(1)),
        }
    }

    /// The end of the doc-id range of the document of the passage `doc` (see [`Self::range`]).
    pub fn end(&self, doc: DocId) -> DocId {
        use tantivy::columnar::ColumnIndex;
        match &self.index {
            // The next first passage after `doc`: one search in its block, not a rank and
            // a select over the whole index (at 2 GB, a fifth of a search's instructions).
            ColumnIndex::Optional(first) => first
                .next_non_null_doc(doc.saturating_add(1))
                .unwrap_or(self.max_doc)
                .max(doc.saturating_add(1)),
            _ => doc.saturating_add(1),
        }
    }
}

/// The document and `dup_key` columns of every segment, opened once for a query.
pub struct Keys {
    doc: Vec<DocumentColumn>,
    dup: Vec<Column<u64>>,
}

impl Keys {
    pub fn open(searcher: &Searcher) -> tantivy::Result<Keys> {
        let mut keys = Keys { doc: Vec::new(), dup: Vec::new() };
        for reader in searcher.segment_readers() {
            keys.doc.push(DocumentColumn::open(reader)?);
            keys.dup.push(reader.fast_fields().u64("dup_key")?);
        }
        Ok(keys)
    }

    /// The document number (`doc_key`) of the passage at `address`.
    pub fn doc_key(&self, address: DocAddress) -> u64 {
        self.doc[address.segment_ord as usize].key(address.doc_id).unwrap_or(0)
    }
}

/// Reads the `doc_key` and `dup_key` of candidates.
pub fn keys(keys: &Keys, top: &[(f32, DocAddress)]) -> Vec<Candidate> {
    top.iter()
        .map(|&(score, address)| {
            let segment = address.segment_ord as usize;
            Candidate {
                address,
                passage: score,
                document: 0.0,
                crowding: 1.0,
                score,
                doc_key: keys.doc_key(address),
                dup_key: keys.dup[segment]
                    .first(address.doc_id)
                    .map_or(0, |k| k & crate::index::writer::DUP_KEY_MASK),
            }
        })
        .collect()
}

/// BM25 statistics for a search: the searcher's, except that the title field (indexed on a
/// document's first passage only) counts as if every passage held its document's title, as
/// it did before: a title term's passage count is the passages of the documents whose title
/// holds it (counted from the document column, up to [`COUNTED_TITLES`] documents; beyond,
/// the documents' count times the passages per document), and the title's token count is the
/// one the build counted (`Meta::title_passage_tokens`; estimated the same way for an index
/// built before). IDF and the average length of a title are then what they were; BM25 over
/// passages for the other fields. On Cranfield, against the title on every passage (0.3795 /
/// 0.3084 / 0.7401 / 0.5506; `--expand` 0.3946 / 0.3321 / 0.7744 / 0.5359), before
/// [`with_titles`] looked for the passages the title lifts: nDCG@10 / MAP@100 / R@100 /
/// MRR@10 0.3798 / 0.3084 / 0.7378 / 0.5509 (`--expand` 0.3950 / 0.3322 / 0.7683 / 0.5380),
/// where the passages per document for every term gave 0.3800 / 0.3083 / 0.7376 / 0.5533
/// (`--expand` 0.3928 / 0.3311 / 0.7688 / 0.5335). With it: 0.3798 / 0.3087 / 0.7416 /
/// 0.5509 (`--expand` 0.3950 / 0.3326 / 0.7735 / 0.5380); with the title's tokens counted as
/// well: 0.3796 / 0.3084 / 0.7412 / 0.5506 (`--expand` 0.3946 / 0.3322 / 0.7747 / 0.5359).
pub struct TitleStatistics<'a> {
    searcher: &'a Searcher,
    keys: &'a Keys,
    title: tantivy::schema::Field,
    passages_per_document: f64,
    /// The title field's tokens as if on every passage, when the index counted them.
    title_tokens: Option<u64>,
    /// Title terms' passage counts: tantivy asks once for each weight made (the query's and
    /// its title part's).
    counted: std::sync::Mutex<HashMap<Term, u64>>,
}

/// Beyond this many documents holding a title term in a segment, its passages are estimated,
/// not counted: its IDF is low either way, and counting costs a look-up in the document column
/// each. (Counting at 256 or 4,096 scores Cranfield alike; per-process searches at 2 GB, paired
/// with the estimate for every term: median 0.98, per query 1.01.)
const COUNTED_TITLES: u32 = 256;

impl<'a> TitleStatistics<'a> {
    /// `documents`: the index's live documents (`Meta::documents`).
    pub fn new(
        searcher: &'a Searcher,
        keys: &'a Keys,
        title: tantivy::schema::Field,
        documents: u64,
    ) -> TitleStatistics<'a> {
        let passages_per_document = (searcher.num_docs() as f64 / documents.max(1) as f64).max(1.0);
        TitleStatistics {
            searcher,
            keys,
            title,
            passages_per_document,
            title_tokens: None,
            counted: Default::default(),
        }
    }

    /// The title field's tokens as if every passage held its title (`Meta::title_passage_tokens`):
    /// its average length, estimated from the passages per document otherwise.
    pub fn with_title_tokens(mut self, tokens: Option<u64>) -> TitleStatistics<'a> {
        self.title_tokens = tokens;
        self
    }

    fn estimated(&self, n: u64) -> u64 {
        (n as f64 * self.passages_per_document).round() as u64
    }

    /// The passages of the documents whose title holds `term`, if they are few enough to count.
    fn counted_passages(&self, term: &Term) -> tantivy::Result<Option<u64>> {
        let mut n = 0u64;
        for (reader, column) in self.searcher.segment_readers().iter().zip(&self.keys.doc) {
            let Some(mut postings) =
                reader.inverted_index(self.title)?.read_postings(term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            if postings.doc_freq() > COUNTED_TITLES {
                return Ok(None);
            }
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                n += u64::from(column.end(doc) - doc);
                doc = postings.advance();
            }
        }
        Ok(Some(n))
    }
}

impl Bm25StatisticsProvider for TitleStatistics<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        if field != self.title {
            return self.searcher.total_num_tokens(field);
        }
        match self.title_tokens {
            Some(n) => Ok(n),
            None => Ok(self.estimated(self.searcher.total_num_tokens(field)?)),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if term.field() != self.title {
            return self.searcher.doc_freq(term);
        }
        let known = self.counted.lock().ok().and_then(|c| c.get(term).copied());
        let n = match known {
            Some(n) => n,
            None => {
                let n = match self.counted_passages(term)? {
                    Some(n) => n,
                    None => self.estimated(self.searcher.doc_freq(term)?),
                };
                if let Ok(mut c) = self.counted.lock() {
                    c.insert(term.clone(), n);
                }
                n
            }
        };
        Ok(n.min(self.total_num_docs()?))
    }
}

/// The first `depth` passages by BM25 with the title part of their score, from `top` (the
/// first stage's best by `text`, the query, in which only a document's first passage holds
/// the title): each passage that is not its document's first gets the score `title` (the
/// query's words in the title field, weighted as in the query, see `search::title_query`)
/// gives that first passage, the title's share of the score it had when every passage held
/// the title. Passages the first stage left out for want of their title are looked for in
/// the documents whose title can lift one above the last of `depth` (the
/// [`TITLED_DOCUMENTS`] whose titles score best, if more can): their matches join where it
/// does. Exact when no more qualify. Best first, as [`best`] orders them.
pub fn with_titles(
    searcher: &Searcher,
    keys: &Keys,
    (text, title): (&dyn tantivy::query::Weight, &dyn tantivy::query::Weight),
    mut top: Vec<(f32, DocAddress)>,
    depth: usize,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    // The last score of a full first stage; a first stage short of `depth` found every match.
    let last = (depth > 0 && top.len() >= depth).then(|| top[depth - 1].0);
    add_titles(searcher, keys, title, &mut top)?;
    let Some(last) = last else {
        return Ok(top);
    };
    let floor = top[depth - 1].0;
    // A passage left out scores `last` at most by the query: only a title score above the
    // difference can lift it past the floor.
    let lift = floor - last;
    let known: HashSet<DocAddress> = top.iter().map(|&(_, a)| a).collect();
    let mut titled = best_above(searcher, title, TITLED_DOCUMENTS, lift)?;
    titled.sort_unstable_by_key(|&(_, a)| a);
    let mut matches = Scores::new(searcher, text);
    for (bonus, first) in titled {
        let segment = first.segment_ord;
        let alive = searcher.segment_reader(segment).alive_bitset();
        let end = keys.doc[segment as usize].end(first.doc_id);
        matches.each(segment, first.doc_id.saturating_add(1), end, &mut |doc, score| {
            let address = DocAddress::new(segment, doc);
            if score + bonus > floor && alive.is_none_or(|a| a.is_alive(doc)) && !known.contains(&address) {
                top.push((score + bonus, address));
            }
        })?;
    }
    top.sort_unstable_by(by_score);
    top.truncate(depth);
    Ok(top)
}

/// Adds to each passage of `top` that is not its document's first the score `title` gives
/// that first passage, and sorts them best first.
fn add_titles(
    searcher: &Searcher,
    keys: &Keys,
    title: &dyn tantivy::query::Weight,
    top: &mut [(f32, DocAddress)],
) -> tantivy::Result<()> {
    // (segment, first passage, place in `top`), sorted: one scorer a segment, seeking forward.
    let mut firsts: Vec<(SegmentOrdinal, DocId, usize)> = Vec::new();
    for (i, &(_, address)) in top.iter().enumerate() {
        let (first, _) = keys.doc[address.segment_ord as usize].range(address.doc_id);
        if first != address.doc_id {
            firsts.push((address.segment_ord, first, i));
        }
    }
    firsts.sort_unstable();
    let mut scores = Scores::new(searcher, title);
    for (segment, first, i) in firsts {
        top[i].0 += scores.at(segment, first)?.unwrap_or(0.0);
    }
    top.sort_unstable_by(by_score);
    Ok(())
}

/// Best first; of equal scores, the smaller address first.
fn by_score(a: &(f32, DocAddress), b: &(f32, DocAddress)) -> Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
}

/// The most documents [`with_titles`] looks into for passages the first stage left out (those
/// whose titles score best): as many as there are candidates. On Cranfield, where the title
/// on every passage gave R@100 0.7401 and on first passages alone 0.7378, looking into 100
/// gave 0.7385, 150 0.7401, 200 0.7416, 300 0.7409, and every document that can lift a
/// passage 0.7409 (a median of 314 documents a query, at most 744 of 1,400). Each costs a
/// seek of the query's scorer: at 2 GB, where ten times as many documents qualify as at 200
/// MB, 1,000 made `water` and `king AND egypt` 1–2 ms of user time slower a process (in
/// process under 0.5 ms: the pages a fresh process touches).
const TITLED_DOCUMENTS: usize = RERANK_DEPTH;

/// A weight's scores at passages asked for in address order: one scorer a segment, seeking
/// forward.
struct Scores<'a> {
    searcher: &'a Searcher,
    weight: &'a dyn tantivy::query::Weight,
    /// The segment `scorer` scores, if any yet.
    segment: Option<SegmentOrdinal>,
    scorer: Box<dyn tantivy::query::Scorer>,
}

impl<'a> Scores<'a> {
    fn new(searcher: &'a Searcher, weight: &'a dyn tantivy::query::Weight) -> Scores<'a> {
        Scores { searcher, weight, segment: None, scorer: Box::new(tantivy::query::EmptyScorer) }
    }

    /// The scorer of `segment`, positioned at or after `doc`.
    fn scorer(
        &mut self,
        segment: SegmentOrdinal,
        doc: DocId,
    ) -> tantivy::Result<&mut dyn tantivy::query::Scorer> {
        if self.segment != Some(segment) {
            self.scorer = self.weight.scorer(self.searcher.segment_reader(segment), 1.0)?;
            self.segment = Some(segment);
        }
        if self.scorer.doc() < doc {
            self.scorer.seek(doc);
        }
        Ok(self.scorer.as_mut())
    }

    /// The score of passage `doc`, if it matches.
    fn at(&mut self, segment: SegmentOrdinal, doc: DocId) -> tantivy::Result<Option<Score>> {
        let scorer = self.scorer(segment, doc)?;
        Ok((scorer.doc() == doc).then(|| scorer.score()))
    }

    /// Each matching passage of `[start, end)` and its score.
    fn each(
        &mut self,
        segment: SegmentOrdinal,
        start: DocId,
        end: DocId,
        f: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        if start >= end {
            return Ok(());
        }
        let scorer = self.scorer(segment, start)?;
        let mut doc = scorer.doc();
        while doc < end {
            f(doc, scorer.score());
            doc = scorer.advance();
        }
        Ok(())
    }
}

/// BM25's constants, tantivy's.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Beyond this many passages holding a term, its document count is estimated, not counted.
const COUNTED_POSTINGS: u32 = 50_000;

/// Live documents holding a term: the runs of its passages' postings that share a `doc_key`
/// (a document's passages are consecutive). A term in more than [`COUNTED_POSTINGS`] passages
/// is so common that its IDF is near zero either way: it counts as being in as many documents
/// as passages, at most all of them.
fn live_documents_with(
    searcher: &Searcher,
    f: &Fields,
    keys: &[DocumentColumn],
    t: &str,
    documents: u64,
) -> tantivy::Result<f32> {
    let term = Term::from_field_text(f.text, t);
    let passages = searcher.doc_freq(&term)?;
    if passages > u64::from(COUNTED_POSTINGS) {
        return Ok(passages.min(documents) as f32);
    }
    let mut n = 0u32;
    for (reader, keys) in searcher.segment_readers().iter().zip(keys) {
        let Some(mut postings) =
            reader.inverted_index(f.text)?.read_postings(&term, IndexRecordOption::Basic)?
        else {
            continue;
        };
        // A document's passages are one run of doc ids: a posting past the end of the
        // current document's run begins another.
        let mut doc = postings.doc();
        let mut end = 0;
        while doc != tantivy::TERMINATED {
            if doc >= end {
                end = keys.end(doc);
                // A document is deleted whole: one passage says whether it is live.
                if !reader.is_deleted(doc) {
                    n += 1;
                }
            }
            doc = postings.advance();
        }
    }
    Ok(n as f32)
}

/// Sets each candidate's `document` score: BM25 of `terms` (each with its weight in the query)
/// over its whole document, from the
/// passages' own postings. A document is the run of consecutive passages sharing its
/// `doc_key` (the writer adds a document's passages as one batch): its term frequency is the
/// sum over its passages, its length the sum of their lengths. IDF counts documents, not
/// passages (nDCG@10 0.380 on Cranfield against 0.375 with the passages' IDF); the average
/// length is the average passage's times passages per document.
pub fn document_scores(
    searcher: &Searcher,
    f: &Fields,
    keys: &Keys,
    terms: &[(String, f32)],
    documents: u64,
    candidates: &mut [Candidate],
) -> tantivy::Result<()> {
    if terms.is_empty() || candidates.is_empty() {
        return Ok(());
    }
    let n = documents.max(1) as f32;
    let keys = &keys.doc;
    let mut weighted = Vec::with_capacity(terms.len());
    for (t, weight) in terms {
        let df = live_documents_with(searcher, f, keys, t, documents)?;
        weighted.push((Term::from_field_text(f.text, t), weight * (1.0 + (n - df + 0.5) / (df + 0.5)).ln()));
    }
    // Tokens and passages both still count replaced passages until segments merge: their
    // ratio does not drift; times the live passages per document.
    let all_passages: u64 = searcher.segment_readers().iter().map(|r| u64::from(r.max_doc())).sum();
    let avg_passage = searcher.total_num_tokens(f.text)? as f32 / all_passages.max(1) as f32;
    let avg_len = avg_passage * searcher.num_docs() as f32 / documents.max(1) as f32;
    let mut by_segment: HashMap<SegmentOrdinal, Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        by_segment.entry(c.address.segment_ord).or_default().push(i);
    }
    for (segment, members) in by_segment {
        let reader = searcher.segment_reader(segment);
        let scores = segment_document_scores(
            reader,
            &keys[segment as usize],
            f,
            &weighted,
            avg_len,
            candidates,
            &members,
        )?;
        for i in members {
            candidates[i].document = scores.get(&candidates[i].doc_key).copied().unwrap_or(0.0);
        }
    }
    Ok(())
}

/// The doc ids of the live passages of a candidate's document (see [`document_scores`]).
pub fn document_passages(searcher: &Searcher, keys: &Keys, c: &Candidate) -> Vec<DocAddress> {
    let reader = searcher.segment_reader(c.address.segment_ord);
    let (start, end) = keys.doc[c.address.segment_ord as usize].range(c.address.doc_id);
    (start..end)
        .filter(|&d| !reader.is_deleted(d))
        .map(|d| DocAddress::new(c.address.segment_ord, d))
        .collect()
}

/// Document scores of the candidates `members`, all in one segment, by `doc_key`.
fn segment_document_scores(
    reader: &SegmentReader,
    keys: &DocumentColumn,
    f: &Fields,
    terms: &[(Term, f32)],
    avg_len: f32,
    candidates: &[Candidate],
    members: &[usize],
) -> tantivy::Result<HashMap<u64, f32>> {
    // Looked up once: `SegmentReader::is_deleted` and `FieldNormReader::fieldnorm` are calls
    // into tantivy for each passage, and a long document has thousands (callgrind, `memory`
    // on the 200 MB bench: 225K instructions for the lengths of 127 documents).
    let alive_bits = reader.alive_bitset();
    let alive = |d: DocId| alive_bits.is_none_or(|b| b.is_alive(d));
    // Each document's doc-id range [start, end), found from one of its passages.
    let mut ranges: Vec<(DocId, DocId, u64)> = Vec::new();
    let mut done: HashSet<u64> = HashSet::with_capacity(members.len());
    for &i in members {
        let c = &candidates[i];
        if !done.insert(c.doc_key) {
            continue;
        }
        let (start, end) = keys.range(c.address.doc_id);
        ranges.push((start, end, c.doc_key));
    }
    ranges.sort_unstable();
    let norms = reader.get_fieldnorms_reader(f.text)?;
    let norm_of: [u32; 256] = std::array::from_fn(|id| FieldNormReader::id_to_fieldnorm(id as u8));
    let lengths: Vec<f32> = ranges
        .iter()
        .map(|&(s, e, _)| {
            (s..e)
                .filter(|&d| alive(d))
                .map(|d| u64::from(norm_of[usize::from(norms.fieldnorm_id(d))]))
                .sum::<u64>() as f32
        })
        .collect();
    let mut scores: Vec<f32> = vec![0.0; ranges.len()];
    let inverted = reader.inverted_index(f.text)?;
    for (term, idf) in terms {
        let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::WithFreqs)? else {
            continue;
        };
        for (r, &(start, end, _)) in ranges.iter().enumerate() {
            let mut doc = if postings.doc() < start { postings.seek(start) } else { postings.doc() };
            let mut tf = 0u32;
            while doc < end {
                if alive(doc) {
                    tf += postings.term_freq();
                }
                doc = postings.advance();
            }
            if tf > 0 {
                let tf = tf as f32;
                let norm = K1 * (1.0 - B + B * lengths[r] / avg_len.max(1.0));
                scores[r] += idf * tf * (K1 + 1.0) / (tf + norm);
            }
        }
    }
    Ok(ranges.iter().zip(scores).map(|(&(_, _, key), s)| (key, s)).collect())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn candidate(doc: u32, passage: f32, document: f32, doc_key: u64) -> Candidate {
        Candidate {
            address: DocAddress::new(0, doc),
            passage,
            document,
            crowding: 1.0,
            score: 0.0,
            doc_key,
            dup_key: u64::from(doc),
        }
    }

    fn ranked(cs: Vec<Candidate>) -> Vec<u32> {
        order(cs).iter().map(|c| c.address.doc_id).collect()
    }

    /// A xorshift generator: each call a number below its argument.
    pub(in crate::search) fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

    /// An index of documents `(title, passages' texts)`, the title on each document's first
    /// passage only or on every passage, and its `title` and `text` fields.
    fn title_index(
        docs: &[(String, Vec<String>)],
        every_passage: bool,
    ) -> (Searcher, tantivy::schema::Field, tantivy::schema::Field) {
        use tantivy::schema::{FAST, Schema, TEXT};
        let mut b = Schema::builder();
        let key = b.add_u64_field("doc_key", FAST);
        b.add_u64_field("dup_key", FAST);
        let title = b.add_text_field("title", TEXT);
        let text = b.add_text_field("text", TEXT);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for (k, (t, passages)) in docs.iter().enumerate() {
            for (seq, p) in passages.iter().enumerate() {
                let mut d = tantivy::TantivyDocument::new();
                if seq == 0 {
                    d.add_u64(key, k as u64);
                }
                if seq == 0 || every_passage {
                    d.add_text(title, t);
                }
                d.add_text(text, p);
                w.add_document(d).unwrap();
            }
        }
        w.commit().unwrap();
        (index.reader().unwrap().searcher(), title, text)
    }

    #[test]
    fn document_evidence_lifts_a_passage_of_a_relevant_document() {
        // Passage 1 scores a little higher alone; passage 2's document is about the query.
        let cs = vec![candidate(1, 5.0, 1.0, 10), candidate(2, 4.0, 3.0, 20)];
        assert_eq!(ranked(cs), vec![2, 1]);
    }

    #[test]
    fn crowding_halves_each_further_passage_of_a_document() {
        // Document 10 has three passages scoring 10, 9, 8; document 20 one scoring 6.
        let cs = vec![
            candidate(1, 10.0, 0.0, 10),
            candidate(2, 9.0, 0.0, 10),
            candidate(3, 8.0, 0.0, 10),
            candidate(4, 6.0, 0.0, 20),
        ];
        let out = order(cs);
        let got: Vec<(u32, f32)> = out.iter().map(|c| (c.address.doc_id, c.score)).collect();
        // 10, then 6 (beats 9 × 0.5 = 4.5), then 4.5, then 8 × 0.25 = 2.
        assert_eq!(got, vec![(1, 10.0), (4, 6.0), (2, 4.5), (3, 2.0)]);
    }

    #[test]
    fn equal_scores_come_in_document_then_reading_order_whatever_their_text() {
        // Passages of equal scores: document 5 before document 9, and within a document the
        // earlier passage first, though its dup key (its text's hash) is the larger.
        let mut cs = vec![
            candidate(8, 2.0, 0.0, 9),
            candidate(4, 2.0, 0.0, 5),
            candidate(3, 2.0, 0.0, 5),
            candidate(7, 2.0, 0.0, 9),
        ];
        for c in &mut cs {
            c.dup_key = 100 - u64::from(c.address.doc_id);
        }
        // Each document's second passage is crowded below both first passages.
        assert_eq!(ranked(cs), vec![3, 7, 4, 8]);
    }

    #[test]
    fn one_document_keeps_its_own_order() {
        let cs = vec![candidate(3, 1.0, 2.0, 7), candidate(1, 3.0, 2.0, 7), candidate(2, 2.0, 2.0, 7)];
        assert_eq!(ranked(cs), vec![1, 2, 3]);
    }

    /// An index of `segments` segments of short texts drawn from a few words, so that many
    /// passages score alike, with every 7th passage deleted; the searcher and a term query.
    fn scored_segments(segments: usize) -> (tantivy::Searcher, Box<dyn tantivy::query::Query>) {
        scored_segments_of(segments, 400)
    }

    /// `segments` segments of about `docs` passages each (`scored_segments`).
    fn scored_segments_of(
        segments: usize,
        docs: usize,
    ) -> (tantivy::Searcher, Box<dyn tantivy::query::Query>) {
        let mut b = tantivy::schema::Schema::builder();
        let text = b.add_text_field("text", tantivy::schema::TEXT);
        let id = b.add_u64_field("id", tantivy::schema::INDEXED);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let words = ["memory", "barrier", "lock", "page", "table"];
        let mut n = 0u64;
        for segment in 0..segments {
            for i in 0..docs + 37 * segment {
                let mut d = tantivy::TantivyDocument::new();
                // Lengths 1-6 and one to three "memory"s: few distinct scores, many ties.
                let body: Vec<&str> =
                    (0..1 + (i * 7 + segment) % 6).map(|j| words[(i + j * j) % words.len()]).collect();
                d.add_text(text, body.join(" "));
                d.add_u64(id, n);
                w.add_document(d).unwrap();
                n += 1;
            }
            w.commit().unwrap();
        }
        for gone in (0..n).step_by(7) {
            w.delete_term(Term::from_field_u64(id, gone));
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), segments);
        let term = Term::from_field_text(text, "memory");
        (searcher, Box::new(tantivy::query::TermQuery::new(term, IndexRecordOption::WithFreqs)))
    }

    /// Every live match scored, best first, equal scores by address.
    fn all_scored(searcher: &Searcher, q: &dyn tantivy::query::Query) -> Vec<(f32, DocAddress)> {
        let weight = q.weight(tantivy::query::EnableScoring::enabled_from_searcher(searcher)).unwrap();
        let mut all = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let alive = reader.alive_bitset();
            weight
                .for_each(reader, &mut |doc, score| {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        all.push((score, DocAddress::new(ord as SegmentOrdinal, doc)));
                    }
                })
                .unwrap();
        }
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        all
    }

    #[test]
    fn the_best_across_segments_are_the_best_of_all_matches() {
        let (searcher, q) = scored_segments(4);
        let all = all_scored(&searcher, q.as_ref());
        let weight = q.weight(tantivy::query::EnableScoring::enabled_from_searcher(&searcher)).unwrap();
        for k in [0, 1, 5, 50, 200, all.len(), all.len() + 10] {
            let got = best(&searcher, weight.as_ref(), k).unwrap();
            assert_eq!(got, all[..k.min(all.len())].to_vec(), "k = {k}");
        }
    }

    #[test]
    fn on_one_segment_the_best_are_what_top_docs_finds() {
        let (searcher, q) = scored_segments(1);
        let weight = q.weight(tantivy::query::EnableScoring::enabled_from_searcher(&searcher)).unwrap();
        for k in [1, 10, 200] {
            let top = searcher
                .search(q.as_ref(), &tantivy::collector::TopDocs::with_limit(k).order_by_score())
                .unwrap();
            assert_eq!(best(&searcher, weight.as_ref(), k).unwrap(), top, "k = {k}");
        }
    }

    #[test]
    fn every_match_counted_on_any_number_of_threads_gives_the_best_of_all_matches() {
        for segments in [1, 3] {
            // Long enough segments to be cut into several ranges (MIN_RANGE doc ids each).
            let (searcher, term) = scored_segments_of(segments, 5 * MIN_RANGE as usize);
            let text = searcher.schema().get_field("text").unwrap();
            let words = ["memory", "barrier"].map(|w| Term::from_field_text(text, w));
            let phrase: Box<dyn tantivy::query::Query> =
                Box::new(tantivy::query::PhraseQuery::new(words.to_vec()));
            for q in [term, phrase] {
                let all = all_scored(&searcher, q.as_ref());
                assert!(all.len() > 20, "{} matches", all.len());
                let weight =
                    q.weight(tantivy::query::EnableScoring::enabled_from_searcher(&searcher)).unwrap();
                let executors: Vec<Option<tantivy::Executor>> = [1, 2, 3, 8]
                    .iter()
                    .map(|&n| (n > 1).then(|| tantivy::Executor::multi_thread(n, "test-").unwrap()))
                    .collect();
                for (threads, executor) in [1, 2, 3, 8].iter().zip(&executors) {
                    for k in [0, 1, 10, 200, all.len() + 1] {
                        let (top, n) =
                            best_counted(&searcher, weight.as_ref(), k, executor.as_ref()).unwrap();
                        let want = all[..k.min(all.len())].to_vec();
                        assert_eq!(
                            (top, n),
                            (want, all.len() as u64),
                            "{segments} segments, {threads} threads, k = {k}"
                        );
                    }
                }
                if segments == 1 {
                    let collector = (
                        tantivy::collector::TopDocs::with_limit(10).order_by_score(),
                        tantivy::collector::Count,
                    );
                    let (top, n) = searcher.search(q.as_ref(), &collector).unwrap();
                    assert_eq!(
                        best_counted(&searcher, weight.as_ref(), 10, executors[1].as_ref()).unwrap(),
                        (top, n as u64)
                    );
                }
            }
        }
    }

    /// A segment whose documents have `lengths` passages, `doc_key` on each first passage
    /// as the writer sets it (the document's number, here 10 + its place).
    fn segment_of(lengths: &[usize]) -> tantivy::Index {
        let mut b = tantivy::schema::Schema::builder();
        let key = b.add_u64_field("doc_key", tantivy::schema::FAST);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for (k, &len) in lengths.iter().enumerate() {
            for seq in 0..len {
                let mut d = tantivy::TantivyDocument::new();
                if seq == 0 {
                    d.add_u64(key, 10 + k as u64);
                }
                w.add_document(d).unwrap();
            }
        }
        w.commit().unwrap();
        index
    }

    /// Checks every passage's document and range against the lengths.
    fn check_documents(lengths: &[usize]) {
        let index = segment_of(lengths);
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let column = DocumentColumn::open(searcher.segment_reader(0)).unwrap();
        let mut start = 0;
        for (k, &len) in lengths.iter().enumerate() {
            // Every passage of a short document, a sample of a long one.
            let last = start + len - 1;
            for d in (start..=last).filter(|&d| len < 100 || d % 97 == 0 || d == start || d == last) {
                let d = d as DocId;
                assert_eq!(column.key(d), Some(10 + k as u64), "document of {d}");
                assert_eq!(column.range(d), (start as DocId, (start + len) as DocId), "range of {d}");
                assert_eq!(column.end(d), (start + len) as DocId, "end of {d}");
            }
            start += len;
        }
    }

    #[test]
    fn a_passage_finds_its_document_and_its_range() {
        // Documents of every length from 1 to 40, then one across the column index's
        // 65,536-doc blocks, then enough short ones for a dense block (sparse blocks hold
        // fewer than 5,120 first passages).
        let mut lengths: Vec<usize> = (1..=40).collect();
        lengths.push(70_000);
        lengths.extend((0..12_000).map(|i| 1 + i % 3));
        check_documents(&lengths);
    }

    #[test]
    fn documents_of_one_passage_each_are_a_full_column() {
        check_documents(&[1; 50]);
    }

    /// The greedy selection [`crowd`] stands for, step by step.
    fn crowd_greedy(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
        let mut placed: HashMap<u64, i32> = HashMap::new();
        let mut out = Vec::new();
        while !candidates.is_empty() {
            let lowered = |c: &Candidate| {
                let mut c = c.clone();
                c.crowding = CROWDING.powi(placed.get(&c.doc_key).copied().unwrap_or(0));
                c.score *= c.crowding;
                c
            };
            let best = (0..candidates.len())
                .min_by(|&i, &j| best_first(&lowered(&candidates[i]), &lowered(&candidates[j])))
                .expect("not empty");
            let c = lowered(&candidates.swap_remove(best));
            *placed.entry(c.doc_key).or_default() += 1;
            out.push(c);
        }
        out
    }

    #[test]
    fn crowding_by_sorting_is_the_greedy_selection() {
        // Pseudo-random candidates: few documents, scores with ties, one document holding most
        // of them (as a long kernel document does for `memory`), deep enough to underflow.
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..300 {
            let n = 1 + next(if round % 10 == 0 { 400 } else { 60 }) as u32;
            let docs = 1 + next(8);
            let cs: Vec<Candidate> = (0..n)
                .map(|i| {
                    let doc = if next(3) == 0 { next(docs) } else { 0 };
                    let mut c = candidate(i, next(20) as f32 / 4.0, next(5) as f32, doc);
                    c.dup_key = next(50);
                    c.score = c.passage + c.document;
                    c
                })
                .collect();
            let fast = crowd(cs.clone());
            let slow = crowd_greedy(cs);
            // From about a document's 127th passage on, its factor is subnormal and products
            // round: the greedy selection may then order those passages (at the very bottom)
            // otherwise. Above them the two agree exactly; below, they hold the same ones.
            let view = |v: &[Candidate]| -> Vec<(DocAddress, u32, u32)> {
                v.iter()
                    .take_while(|c| c.crowding.is_normal())
                    .map(|c| (c.address, c.score.to_bits(), c.crowding.to_bits()))
                    .collect()
            };
            let rest = |v: &[Candidate]| -> Vec<DocAddress> {
                let mut a: Vec<DocAddress> = v.iter().skip(view(v).len()).map(|c| c.address).collect();
                a.sort_unstable();
                a
            };
            assert_eq!(rest(&fast), rest(&slow), "round {round}");
            assert_eq!(view(&fast), view(&slow), "round {round}");
        }
    }

    #[test]
    fn title_statistics_score_a_first_passage_as_every_passage_holding_the_title_was() {
        use tantivy::schema::IndexRecordOption;
        // Documents of three passages each; titles of one to three words.
        let titles = ["treaty of portsmouth", "portsmouth harbour", "treaty", "naval treaty of london"];
        let index_of = |every_passage: bool, lengths: &[usize]| {
            let docs: Vec<(String, Vec<String>)> =
                titles.iter().zip(lengths).map(|(t, &n)| (t.to_string(), vec![String::new(); n])).collect();
            let (searcher, title, _) = title_index(&docs, every_passage);
            (searcher, title)
        };
        let (before, title) = index_of(true, &[3; 4]);
        let (after, _) = index_of(false, &[3; 4]);
        let keys = Keys::open(&after).unwrap();
        let statistics = TitleStatistics::new(&after, &keys, title, titles.len() as u64);
        for word in ["treaty", "portsmouth", "london"] {
            let q = tantivy::query::TermQuery::new(
                Term::from_field_text(title, word),
                IndexRecordOption::WithFreqs,
            );
            let scores = |searcher: &Searcher, scoring| {
                let weight = tantivy::query::Query::weight(&q, scoring).unwrap();
                let mut scorer = weight.scorer(searcher.segment_reader(0), 1.0).unwrap();
                let mut out = Vec::new();
                while scorer.doc() != tantivy::TERMINATED {
                    out.push((scorer.doc(), scorer.score()));
                    scorer.advance();
                }
                out
            };
            let old = scores(&before, tantivy::query::EnableScoring::enabled_from_searcher(&before));
            let new = scores(
                &after,
                tantivy::query::EnableScoring::enabled_from_statistics_provider(&statistics, &after),
            );
            // The first passage of each document scores as any of its passages did.
            let firsts: Vec<(DocId, f32)> = old.iter().copied().filter(|(d, _)| d % 3 == 0).collect();
            assert_eq!(new.len(), firsts.len(), "{word}");
            for ((d, s), (d0, s0)) in new.iter().zip(&firsts) {
                assert_eq!(d, d0);
                assert!((s - s0).abs() < 1e-5, "{word}: {s} against {s0}");
            }
        }
        // Documents of unequal lengths: a title term's passages are counted, not estimated.
        let lengths = [1, 5, 2, 7];
        let (before, _) = index_of(true, &lengths);
        let (after, _) = index_of(false, &lengths);
        let keys = Keys::open(&after).unwrap();
        let statistics = TitleStatistics::new(&after, &keys, title, titles.len() as u64);
        for word in ["treaty", "portsmouth", "london", "harbour", "absent"] {
            let term = Term::from_field_text(title, word);
            assert_eq!(statistics.doc_freq(&term).unwrap(), before.doc_freq(&term).unwrap(), "{word}");
        }
    }

    #[test]
    fn with_titles_finds_the_passages_the_title_on_every_passage_ranked_first() {
        use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
        use tantivy::schema::IndexRecordOption;
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        const WORDS: [&str; 6] = ["treaty", "peace", "war", "port", "envoy", "tsar"];
        const PASSAGES: usize = 4; // a document's: equal, so that the title's lengths are exact
        for round in 0..40 {
            let docs: Vec<(String, Vec<String>)> = (0..2 + next(30))
                .map(|_| {
                    let mut words = |n: u64| -> String {
                        (0..1 + next(n)).map(|_| WORDS[next(6) as usize]).collect::<Vec<_>>().join(" ")
                    };
                    (words(3), (0..PASSAGES).map(|_| words(8)).collect())
                })
                .collect();
            let (before, title, text) = title_index(&docs, true);
            let (after, _, _) = title_index(&docs, false);
            let word = WORDS[next(6) as usize];
            let term = |f| -> Box<dyn Query> {
                Box::new(TermQuery::new(Term::from_field_text(f, word), IndexRecordOption::WithFreqs))
            };
            let both = BooleanQuery::new(vec![(Occur::Should, term(text)), (Occur::Should, term(title))]);
            // The definition: the passages holding the word in their text, and the first
            // passages of the documents whose title holds it, by the score the query gives
            // them with the title on every passage.
            let in_text = term(text).weight(EnableScoring::enabled_from_searcher(&before)).unwrap();
            let mut texts = HashSet::new();
            in_text.for_each(before.segment_reader(0), &mut |doc, _| _ = texts.insert(doc)).unwrap();
            let scored = both.weight(EnableScoring::enabled_from_searcher(&before)).unwrap();
            let mut expected: Vec<(f32, DocAddress)> = Vec::new();
            scored
                .for_each(before.segment_reader(0), &mut |doc, score| {
                    if texts.contains(&doc) || (doc as usize).is_multiple_of(PASSAGES) {
                        expected.push((score, DocAddress::new(0, doc)));
                    }
                })
                .unwrap();
            expected.sort_unstable_by(by_score);
            let depth = 1 + next(expected.len().max(1) as u64) as usize;
            expected.truncate(depth);

            let keys = Keys::open(&after).unwrap();
            let statistics = TitleStatistics::new(&after, &keys, title, docs.len() as u64);
            let scoring = || EnableScoring::enabled_from_statistics_provider(&statistics, &after);
            let query = both.weight(scoring()).unwrap();
            let title_part = term(title).weight(scoring()).unwrap();
            let first_stage = best(&after, query.as_ref(), depth).unwrap();
            let got = with_titles(&after, &keys, (query.as_ref(), title_part.as_ref()), first_stage, depth)
                .unwrap();

            assert_eq!(got.len(), expected.len(), "round {round}");
            let cut = expected.last().map_or(f32::MIN, |e| e.0);
            for (g, e) in got.iter().zip(&expected) {
                assert!((g.0 - e.0).abs() < 1e-4, "round {round}: {got:?} against {expected:?}");
            }
            // The same passages, but where equal scores (to rounding) at the cut may swap.
            let above = |v: &[(f32, DocAddress)]| -> Vec<DocAddress> {
                let mut a: Vec<DocAddress> = v.iter().filter(|x| x.0 > cut + 1e-4).map(|x| x.1).collect();
                a.sort_unstable();
                a
            };
            assert_eq!(above(&got), above(&expected), "round {round}");
        }
    }

    #[test]
    fn ties_break_on_document_not_address() {
        let cs = vec![candidate(4, 1.0, 0.0, 2), candidate(5, 1.0, 0.0, 1)];
        assert_eq!(ranked(cs), vec![5, 4]);
    }
}
