//! Queries over whole documents. A document's passages hold consecutive doc ids of one
//! segment (`index::schema::FORMAT_VERSION`), so "every passage of a document" is a doc-id
//! range, read from the document column (`rank::DocumentColumn`).

use super::rank::DocumentColumn;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Matches every passage of each document one of whose passages `inner` matches, scoring 0:
/// a filter. `doc:portsmouth` looks for the words in the title, which only a document's first
/// passage holds (`index::Fields::title`); wrapped in this, it takes the whole document.
#[derive(Debug)]
pub struct Whole {
    inner: Box<dyn Query>,
}

impl Clone for Whole {
    fn clone(&self) -> Whole {
        Whole { inner: self.inner.box_clone() }
    }
}

impl Whole {
    pub fn of(inner: Box<dyn Query>) -> Whole {
        Whole { inner }
    }
}

impl Query for Whole {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let unscored = match enable_scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(enable_scoring.schema()),
        };
        Ok(Box::new(WholeWeight { inner: self.inner.weight(unscored)? }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct WholeWeight {
    inner: Box<dyn Weight>,
}

impl Weight for WholeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        Ok(Box::new(WholeScorer::new(inner, DocumentColumn::open(reader)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("a passage of a matching document", 0.0))
    }
}

/// The passages of the documents `inner` matches, in doc-id order: `doc` runs through the
/// current document's range up to `end`, then jumps to the next match's document.
struct WholeScorer {
    inner: Box<dyn Scorer>,
    documents: DocumentColumn,
    doc: DocId,
    end: DocId,
}

impl WholeScorer {
    fn new(inner: Box<dyn Scorer>, documents: DocumentColumn) -> WholeScorer {
        let mut scorer = WholeScorer { inner, documents, doc: TERMINATED, end: 0 };
        let first = scorer.inner.doc();
        scorer.enter(first, 0);
        scorer
    }

    /// Moves to the first passage at or after `target` of the documents of the inner match
    /// `m` (at or after the current document's end) and of the matches after it.
    fn enter(&mut self, mut m: DocId, target: DocId) -> DocId {
        loop {
            if m == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let (start, end) = self.documents.range(m);
            if target < end {
                (self.doc, self.end) = (start.max(target), end);
                return self.doc;
            }
            m = self.inner.seek(end);
        }
    }
}

impl DocSet for WholeScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc += 1;
        if self.doc < self.end {
            return self.doc;
        }
        let m = if self.inner.doc() < self.end { self.inner.seek(self.end) } else { self.inner.doc() };
        self.enter(m, 0)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc == TERMINATED || target <= self.doc {
            return self.doc;
        }
        if target < self.end {
            self.doc = target;
            return target;
        }
        // A match anywhere in the target's document makes the target a passage of it.
        let (start, _) = self.documents.range(target);
        let m = if self.inner.doc() < start { self.inner.seek(start) } else { self.inner.doc() };
        self.enter(m, target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for WholeScorer {
    fn score(&mut self) -> Score {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::TermQuery;
    use tantivy::schema::{FAST, IndexRecordOption, STRING, Schema};

    /// One segment of documents of `lengths` passages; passage `i` (counted over the whole
    /// segment) holds the word `m` where `marked[i]`.
    fn segment(lengths: &[usize], marked: &[bool]) -> (tantivy::Searcher, Whole) {
        let mut b = Schema::builder();
        let key = b.add_u64_field("doc_key", FAST);
        let word = b.add_text_field("w", STRING);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let mut i = 0;
        for (k, &len) in lengths.iter().enumerate() {
            for seq in 0..len {
                let mut d = tantivy::TantivyDocument::new();
                if seq == 0 {
                    d.add_u64(key, k as u64);
                }
                d.add_text(word, if marked[i] { "m" } else { "x" });
                w.add_document(d).unwrap();
                i += 1;
            }
        }
        w.commit().unwrap();
        let q = TermQuery::new(Term::from_field_text(word, "m"), IndexRecordOption::Basic);
        (index.reader().unwrap().searcher(), Whole::of(Box::new(q)))
    }

    /// The passages of the documents holding a marked passage, by the definition.
    fn expected(lengths: &[usize], marked: &[bool]) -> Vec<DocId> {
        let mut out = Vec::new();
        let mut start = 0;
        for &len in lengths {
            if marked[start..start + len].iter().any(|&m| m) {
                out.extend((start..start + len).map(|d| d as DocId));
            }
            start += len;
        }
        out
    }

    fn scorer(searcher: &tantivy::Searcher, q: &Whole) -> Box<dyn Scorer> {
        let weight = q.weight(EnableScoring::disabled_from_searcher(searcher)).unwrap();
        weight.scorer(searcher.segment_reader(0), 1.0).unwrap()
    }

    #[test]
    fn a_match_in_a_first_passage_takes_its_whole_document() {
        let lengths = [2, 3, 1, 4];
        let mut marked = [false; 10];
        marked[2] = true; // the first passage of the second document
        marked[9] = true; // the last passage of the fourth
        let (searcher, q) = segment(&lengths, &marked);
        let mut s = scorer(&searcher, &q);
        let mut got = Vec::new();
        while s.doc() != TERMINATED {
            got.push(s.doc());
            s.advance();
        }
        assert_eq!(got, vec![2, 3, 4, 6, 7, 8, 9]);
        assert_eq!(q.count(&searcher).unwrap(), 7);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Advancing lists the passages of the matching documents; seeking any target lands
        /// on the first of them at or after it.
        #[test]
        fn whole_documents_are_the_definitions(
            docs in proptest::collection::vec((1usize..6, proptest::collection::vec(proptest::bool::weighted(0.2), 6)), 1..40),
            targets in proptest::collection::vec(0u32..250, 0..20),
        ) {
            let lengths: Vec<usize> = docs.iter().map(|(n, _)| *n).collect();
            let marked: Vec<bool> = docs.iter().flat_map(|(n, m)| m[..*n].iter().copied()).collect();
            let (searcher, q) = segment(&lengths, &marked);
            let want = expected(&lengths, &marked);
            let mut s = scorer(&searcher, &q);
            let mut got = Vec::new();
            while s.doc() != TERMINATED {
                got.push(s.doc());
                s.advance();
            }
            proptest::prop_assert_eq!(&got, &want);
            let mut targets = targets;
            targets.sort_unstable();
            let mut s = scorer(&searcher, &q);
            for t in targets {
                let at = want.iter().copied().find(|&d| d >= t.max(s.doc()));
                let landed = s.seek(t);
                proptest::prop_assert_eq!(landed, at.unwrap_or(TERMINATED), "seek {}", t);
                if landed == TERMINATED {
                    break;
                }
            }
        }
    }
}
