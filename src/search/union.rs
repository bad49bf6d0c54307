//! A word's union over the fields it is scored in, where a query seeks it from match to match
//! (`king AND egypt`, an optional word beside a required one) rather than reads it in order.
//!
//! tantivy scores a union through a window of 4,096 doc ids (a bitset and a score for each):
//! fast where it is read in order, but an intersection seeks it from match to match of its
//! other side, and each seek past the window clears the window's 16 KB of scores and fills it
//! again. [`FieldsUnion`] keeps no window: it seeks each of its few parts (a term in each
//! field, in each stemming) and sums the scores of those on the passage, in the same order as
//! tantivy's union, so it scores the same.

use std::sync::Arc;
use tantivy::query::{
    BooleanWeight, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, SumCombiner, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// The union of `parts`, each match scored by the sum of the parts holding it.
#[derive(Debug)]
pub struct FieldsUnion {
    parts: Vec<Box<dyn Query>>,
}

impl Clone for FieldsUnion {
    fn clone(&self) -> FieldsUnion {
        FieldsUnion { parts: self.parts.iter().map(|q| q.box_clone()).collect() }
    }
}

impl FieldsUnion {
    pub fn new(parts: Vec<Box<dyn Query>>) -> FieldsUnion {
        FieldsUnion { parts }
    }
}

impl Query for FieldsUnion {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts: Vec<Arc<dyn Weight>> =
            self.parts.iter().map(|q| q.weight(scoring).map(Arc::from)).collect::<tantivy::Result<_>>()?;
        let shared =
            parts.iter().map(|w| (Occur::Should, Box::new(Shared(w.clone())) as Box<dyn Weight>)).collect();
        let buffered = BooleanWeight::with_minimum_number_should_match(
            shared,
            1,
            scoring.is_scoring_enabled(),
            Box::new(SumCombiner::default),
        );
        Ok(Box::new(UnionWeight { parts, buffered }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.parts {
            q.query_terms(visitor);
        }
    }
}

/// The parts' weights, and tantivy's union of the same weights for a dense union.
struct UnionWeight {
    parts: Vec<Arc<dyn Weight>>,
    buffered: BooleanWeight<SumCombiner>,
}

/// A union matching more than this share of a segment's passages is read through tantivy's
/// window: sought at nearly every passage (`the AND of`), it fills each window once, where
/// seeking each part at each match cost 1.7x (200 MB) to 2.2x (2 GB) the time.
const DENSE: u32 = 16;

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for w in &self.parts {
            let s = w.scorer(reader, boost)?;
            if s.doc() != TERMINATED {
                parts.push(s);
            }
        }
        let matches = size_hints(&parts);
        Ok(match parts.len() {
            0 => Box::new(EmptyScorer),
            1 => parts.pop().expect("one part"),
            _ if matches > reader.max_doc() / DENSE => self.buffered.scorer(reader, boost)?,
            _ => Box::new(SumUnion::new(parts)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.buffered.explain(reader, doc)
    }
}

/// The matches the scorers expect together, at most (their size hints added, saturating).
fn size_hints(scorers: &[Box<dyn Scorer>]) -> u32 {
    scorers.iter().map(|s| s.size_hint()).fold(0u32, u32::saturating_add)
}

/// A weight shared by [`UnionWeight`]'s parts and its tantivy union.
struct Shared(Arc<dyn Weight>);

impl Weight for Shared {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// The scorers of a [`FieldsUnion`] on one segment, none terminated when made.
struct SumUnion {
    parts: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl SumUnion {
    fn new(parts: Vec<Box<dyn Scorer>>) -> SumUnion {
        let mut union = SumUnion { parts, doc: TERMINATED };
        union.settle();
        union
    }

    /// The union's doc: the first any part is on.
    fn settle(&mut self) -> DocId {
        self.doc = self.parts.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for SumUnion {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for s in &mut self.parts {
            if s.doc() == self.doc {
                s.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for s in &mut self.parts {
            if s.doc() < target {
                s.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        size_hints(&self.parts)
    }

    fn cost(&self) -> u64 {
        self.parts.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for SumUnion {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut sum = 0.0;
        for s in &mut self.parts {
            if s.doc() == doc {
                sum += s.score();
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{Searcher, doc};

    /// Passages of random words (of six, each in about 4% of the passages: sparse) and `the`
    /// (in all: dense) in two fields, over more doc ids than tantivy's union window, in two
    /// segments.
    fn index() -> (Searcher, Field, Field) {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let section = b.add_text_field("section", TEXT);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let mut next = crate::search::rank::tests::xorshift(0x9e37_79b9_7f4a_7c15);
        const WORDS: [&str; 6] = ["king", "egypt", "river", "horse", "lock", "tree"];
        for segment in 0..2 {
            for _ in 0..PASSAGES {
                let mut words = |n: usize| {
                    let mut out = vec!["the"];
                    for _ in 0..n {
                        if next(60) == 0 {
                            out.push(WORDS[next(6) as usize]);
                        }
                    }
                    out.join(" ")
                };
                let (t, s) = (words(12), words(3));
                w.add_document(doc!(text => t, section => s)).unwrap();
            }
            if segment == 0 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        (index.reader().unwrap().searcher(), text, section)
    }

    const PASSAGES: u32 = 20_000;

    /// A word in both fields, the section boosted, as tantivy's union or as [`FieldsUnion`].
    fn word(text: Field, section: Field, w: &str, ours: bool) -> Box<dyn Query> {
        let term = |f| Box::new(TermQuery::new(Term::from_field_text(f, w), IndexRecordOption::WithFreqs));
        let parts: Vec<Box<dyn Query>> = vec![term(text), Box::new(BoostQuery::new(term(section), 0.7))];
        if ours {
            Box::new(FieldsUnion::new(parts))
        } else {
            Box::new(BooleanQuery::new(parts.into_iter().map(|q| (Occur::Should, q)).collect()))
        }
    }

    fn matches(searcher: &Searcher, q: &dyn Query) -> Vec<(u32, DocId, Score)> {
        let weight = q.weight(EnableScoring::enabled_from_searcher(searcher)).unwrap();
        let mut out = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            weight.for_each(reader, &mut |doc, score| out.push((ord as u32, doc, score))).unwrap();
        }
        out
    }

    #[test]
    fn an_intersection_of_fields_unions_matches_and_scores_as_tantivys_unions() {
        let (searcher, text, section) = index();
        let pairs =
            [("king", "egypt", None), ("river", "horse", Some("lock")), ("the", "tree", Some("egypt"))];
        for (a, b, c) in pairs {
            let query = |ours: bool| {
                let mut clauses = vec![
                    (Occur::Must, word(text, section, a, ours)),
                    (Occur::Must, word(text, section, b, ours)),
                ];
                clauses.extend(c.map(|c| (Occur::MustNot, word(text, section, c, ours))));
                BooleanQuery::new(clauses)
            };
            let (theirs, ours) = (matches(&searcher, &query(false)), matches(&searcher, &query(true)));
            assert!(ours.len() > 30, "{a} {b}: {} matches", ours.len());
            // The same passages with bit-identical scores (summed in the same order).
            assert_eq!(ours, theirs, "{a} AND {b}");
        }
    }

    #[test]
    fn a_sparse_union_seeks_its_parts_and_a_dense_one_is_tantivys() {
        let (searcher, text, section) = index();
        let kind = |w: &str| {
            let weight =
                word(text, section, w, true).weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
            let scorer = weight.scorer(searcher.segment_reader(0), 1.0).unwrap();
            scorer.downcast_ref::<SumUnion>().is_some()
        };
        assert!(kind("king"));
        assert!(!kind("the"));
    }

    #[test]
    fn a_fields_union_alone_counts_seeks_and_explains_like_a_union() {
        let (searcher, text, section) = index();
        let (theirs, ours) = (word(text, section, "horse", false), word(text, section, "horse", true));
        assert_eq!(matches(&searcher, &*ours), matches(&searcher, &*theirs));
        assert_eq!(ours.count(&searcher).unwrap(), theirs.count(&searcher).unwrap());
        let weight = ours.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
        let reader = searcher.segment_reader(1);
        let mut scorer = weight.scorer(reader, 1.0).unwrap();
        // Seeking in long strides lands on the first match at or after each target.
        let all: Vec<DocId> = matches(&searcher, &*theirs).iter().filter(|m| m.0 == 1).map(|m| m.1).collect();
        for target in (0..PASSAGES).step_by(997) {
            let expected = all.iter().copied().find(|&d| d >= target).unwrap_or(TERMINATED);
            if scorer.doc() < target {
                assert_eq!(scorer.seek(target), expected);
            }
        }
        let first = all[0];
        let mut fresh = weight.scorer(reader, 1.0).unwrap();
        assert_eq!(fresh.doc(), first);
        let explained = weight.explain(reader, first).unwrap();
        assert_eq!(explained.value(), fresh.score());
        let missing = (0..PASSAGES).find(|d| !all.contains(d)).unwrap();
        assert!(weight.explain(reader, missing).is_err());
        // Its terms, for the checks that look at them.
        let mut terms = Vec::new();
        ours.query_terms(&mut |t, _| terms.push(t.clone()));
        assert_eq!(terms.len(), 2);
    }
}
