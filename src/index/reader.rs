//! Reading passages back by id, and their neighbours in the document.

use super::CitedexIndex;
use crate::passage::Passage;
use crate::search::{SearchError, load, record};
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

/// A passage with the ones before and after it in its document.
pub struct InContext {
    pub passage: Passage,
    pub before: Option<Passage>,
    pub after: Option<Passage>,
}

impl CitedexIndex {
    /// The passage with this id, if any. Ids are not indexed: the passage is found among its
    /// document's (the slug before the first `/`), which hold consecutive doc ids in one
    /// segment in `seq` order, so its neighbours are the doc ids beside it.
    pub fn passage(&self, id: &str) -> Result<Option<InContext>, SearchError> {
        let searcher = self.searcher();
        let f = &self.fields;
        let slug = id.split('/').next().unwrap_or_default();
        let q = TermQuery::new(Term::from_field_text(f.doc, slug), IndexRecordOption::Basic);
        let mut addresses: Vec<DocAddress> = searcher.search(&q, &DocSetCollector)?.into_iter().collect();
        addresses.sort();
        // Records are matched as stored; only the one found is completed with its document.
        let mut found = None;
        for (i, a) in addresses.iter().enumerate() {
            if record(&searcher, f, *a)?.id == id {
                found = Some(i);
                break;
            }
        }
        let Some(i) = found else { return Ok(None) };
        let passage = load(&searcher, f, addresses[i])?;
        let neighbour = |j: Option<usize>| -> Result<Option<Passage>, SearchError> {
            let Some(a) = j.and_then(|j| addresses.get(j)) else { return Ok(None) };
            let p = load(&searcher, f, *a)?;
            Ok((p.document_slug == passage.document_slug).then_some(p))
        };
        let before = if passage.seq == 0 { None } else { neighbour(i.checked_sub(1))? };
        let after = neighbour(Some(i + 1))?;
        Ok(Some(InContext { passage, before, after }))
    }
}
