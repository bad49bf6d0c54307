//! Reading passages back by id, and their neighbours in the document.

use super::CitedexIndex;
use crate::passage::Passage;
use crate::search::{SearchError, load};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

/// A passage with the ones before and after it in its document.
pub struct InContext {
    pub passage: Passage,
    pub before: Option<Passage>,
    pub after: Option<Passage>,
}

fn first(searcher: &Searcher, ci: &CitedexIndex, q: &dyn Query) -> Result<Option<Passage>, SearchError> {
    let top = searcher.search(q, &TopDocs::with_limit(1).order_by_score())?;
    top.first().map(|(_, a)| load(searcher, &ci.fields, *a)).transpose()
}

impl CitedexIndex {
    /// The passage with this id, if any.
    pub fn passage(&self, id: &str) -> Result<Option<InContext>, SearchError> {
        let searcher = self.searcher();
        let f = &self.fields;
        let q = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
        let Some(passage) = first(&searcher, self, &q)? else {
            return Ok(None);
        };
        let at = |seq: u32| -> Result<Option<Passage>, SearchError> {
            let q = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.doc, &passage.document_slug),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.seq, u64::from(seq)),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            first(&searcher, self, &q)
        };
        let before = match passage.seq {
            0 => None,
            s => at(s - 1)?,
        };
        let after = at(passage.seq + 1)?;
        Ok(Some(InContext { passage, before, after }))
    }
}
