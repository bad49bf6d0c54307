//! The ranking model: how candidates found by tantivy are ordered. Every part is here because
//! it measurably helps on Cranfield 1400 (`benches/cranfield.sh`); what did not was left out.
//!
//! score(passage) = BM25(passage) + [`DOCUMENT_WEIGHT`] × BM25(its whole document)
//!
//! - BM25(passage) is tantivy's (k1 1.2, b 0.75) summed over the query's words, each in the
//!   passage text, its document title and section heading (weighted [`TITLE_WEIGHT`],
//!   [`SECTION_WEIGHT`]) and its inline citations. Rare words weigh more through IDF; a word
//!   repeated in the query counts once; function words leave the query when it has other words.
//! - BM25(document) scores the text of the passage's whole document (the `body` field), with
//!   document-level statistics: a passage of a document that is about the query, though the
//!   passage holds only some of its words, ranks above an isolated mention.
//! - Crowding: each further passage of a document already ranked has its score multiplied by
//!   [`CROWDING`] once more, so that the first page spans documents instead of repeating one.
//!
//! Counting matched words and rewarding words close together were both measured and both made
//! Cranfield worse (nDCG@10 −0.008 and −0.010): they are not used.
//!
//! Only the first [`RERANK_DEPTH`] candidates are re-ordered, always the same number whatever
//! `--limit` and `--offset` ask for, so that paging never changes the order of the hits.

use crate::index::Fields;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{Bm25StatisticsProvider, Query as TQuery};
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// Weight of a match in the document title and in the section heading, against 1 for text.
pub const TITLE_WEIGHT: f32 = 0.5;
pub const SECTION_WEIGHT: f32 = 0.5;
/// Weight of a match in the inline citations a passage carries.
pub const CITATION_WEIGHT: f32 = 0.5;
/// Weight of the whole document's BM25 in a passage's score.
pub const DOCUMENT_WEIGHT: f32 = 1.0;
/// Factor applied to a passage's score for each passage of its document ranked above it.
pub const CROWDING: f32 = 0.5;
/// Candidates re-ordered by the full model (more when a page reaches beyond half of them).
pub const RERANK_DEPTH: usize = 1000;

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

/// Heap entry: a candidate's current score, with a tie-break that does not depend on how the
/// index was split into segments (its document, its text, then its address).
struct Entry {
    score: f32,
    index: usize,
    tie: (u64, u64, DocAddress),
    /// Passages of its document already placed when `score` was computed.
    seen: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.tie.cmp(&self.tie))
    }
}

/// Greedy selection: the best remaining candidate, its score lowered by [`CROWDING`] for each
/// passage of its document already placed.
fn crowd(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut heap: BinaryHeap<Entry> = candidates
        .iter()
        .enumerate()
        .map(|(index, c)| Entry { score: c.score, index, tie: (c.doc_key, c.dup_key, c.address), seen: 0 })
        .collect();
    let mut placed: HashMap<u64, u32> = HashMap::new();
    let mut order = Vec::with_capacity(candidates.len());
    while let Some(e) = heap.pop() {
        let c = &candidates[e.index];
        let now = placed.get(&c.doc_key).copied().unwrap_or(0);
        if now != e.seen {
            let factor = CROWDING.powi(now as i32);
            heap.push(Entry { score: c.score * factor, seen: now, ..e });
            continue;
        }
        *placed.entry(c.doc_key).or_default() += 1;
        order.push((e.index, CROWDING.powi(now as i32)));
    }
    let mut slots: Vec<Option<Candidate>> = candidates.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|(i, factor)| {
            let mut c = slots[i].take().expect("each placed once");
            c.crowding = factor;
            c.score *= factor;
            c
        })
        .collect()
}

/// Reads the `doc_key` and `dup_key` of candidates.
pub fn keys(searcher: &Searcher, top: &[(f32, DocAddress)]) -> tantivy::Result<Vec<Candidate>> {
    let mut columns: HashMap<SegmentOrdinal, (Column<u64>, Column<u64>)> = HashMap::new();
    let mut out = Vec::with_capacity(top.len());
    for &(score, address) in top {
        let (doc, dup) = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                e.insert((fast.u64("doc_key")?, fast.u64("dup_key")?))
            }
        };
        out.push(Candidate {
            address,
            passage: score,
            document: 0.0,
            crowding: 1.0,
            score,
            doc_key: doc.first(address.doc_id).unwrap_or(0),
            dup_key: dup.first(address.doc_id).unwrap_or(0),
        });
    }
    Ok(out)
}

/// BM25 of every document matching `query` (a query on the `body` field), by `doc_key`.
pub fn document_scores(
    searcher: &Searcher,
    f: &Fields,
    query: &dyn TQuery,
    documents: u64,
) -> tantivy::Result<HashMap<u64, f32>> {
    let stats = DocumentStatistics { searcher, body: f.body, documents };
    searcher.search_with_statistics_provider(query, &DocumentScores, &stats)
}

/// BM25 statistics of the `body` field: it is set on one passage per document, so averages
/// and IDF are over documents, not over all passages.
struct DocumentStatistics<'a> {
    searcher: &'a Searcher,
    body: Field,
    documents: u64,
}

impl Bm25StatisticsProvider for DocumentStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.documents.max(1))
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        debug_assert_eq!(term.field(), self.body);
        self.searcher.doc_freq(term)
    }
}

/// Collects the score of every match by its `doc_key`.
struct DocumentScores;

struct SegmentDocumentScores {
    keys: Column<u64>,
    scores: HashMap<u64, f32>,
}

impl Collector for DocumentScores {
    type Fruit = HashMap<u64, f32>;
    type Child = SegmentDocumentScores;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(SegmentDocumentScores { keys: reader.fast_fields().u64("doc_key")?, scores: HashMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, f32>>) -> tantivy::Result<HashMap<u64, f32>> {
        let mut all = HashMap::new();
        for fruit in fruits {
            all.extend(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentDocumentScores {
    type Fruit = HashMap<u64, f32>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(key) = self.keys.first(doc) {
            self.scores.insert(key, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.scores
    }
}

#[cfg(test)]
mod tests {
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
    fn one_document_keeps_its_own_order() {
        let cs = vec![candidate(3, 1.0, 2.0, 7), candidate(1, 3.0, 2.0, 7), candidate(2, 2.0, 2.0, 7)];
        assert_eq!(ranked(cs), vec![1, 2, 3]);
    }

    #[test]
    fn ties_break_on_document_not_address() {
        let cs = vec![candidate(4, 1.0, 0.0, 2), candidate(5, 1.0, 0.0, 1)];
        assert_eq!(ranked(cs), vec![5, 4]);
    }
}
