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

/// A passage with the passages of its section around it, in order (it among them).
pub struct Reading {
    pub passage: Passage,
    pub section: Vec<Passage>,
}

impl CitedexIndex {
    /// The doc addresses of the passages of `id`'s document in order, and the place of `id`
    /// among them. Ids are not indexed: the passage is found among its document's (the slug
    /// before the first `/`), which hold consecutive doc ids in one segment in `seq` order, so
    /// its neighbours are the doc ids beside it.
    fn locate(&self, id: &str) -> Result<Option<(Vec<DocAddress>, usize)>, SearchError> {
        let searcher = self.searcher();
        let f = &self.fields;
        let slug = id.split('/').next().unwrap_or_default();
        let q = TermQuery::new(Term::from_field_text(f.doc, slug), IndexRecordOption::Basic);
        let mut addresses: Vec<DocAddress> = searcher.search(&q, &DocSetCollector)?.into_iter().collect();
        addresses.sort();
        // Records are matched as stored; only the one found is completed with its document.
        for (i, a) in addresses.iter().enumerate() {
            if record(&searcher, f, *a)?.id == id {
                return Ok(Some((addresses, i)));
            }
        }
        Ok(None)
    }

    /// The passage with this id and the passages of its section, at most `around` on each
    /// side of it (the reading view of `citedex serve`).
    pub fn reading(&self, id: &str, around: usize) -> Result<Option<Reading>, SearchError> {
        let Some((addresses, i)) = self.locate(id)? else { return Ok(None) };
        let searcher = self.searcher();
        let from = i.saturating_sub(around);
        let to = (i + around + 1).min(addresses.len());
        let window = crate::search::load_many(&searcher, &self.fields, &addresses[from..to])?;
        let at = i - from;
        let passage = window[at].clone();
        let same = |p: &Passage| p.document_slug == passage.document_slug && p.section == passage.section;
        let start = (0..at).rev().take_while(|&j| same(&window[j])).last().unwrap_or(at);
        let end = (at + 1..window.len()).take_while(|&j| same(&window[j])).last().map_or(at + 1, |j| j + 1);
        Ok(Some(Reading { section: window[start..end].to_vec(), passage }))
    }

    /// The passage with this id, if any, with the passages before and after it.
    pub fn passage(&self, id: &str) -> Result<Option<InContext>, SearchError> {
        let Some((addresses, i)) = self.locate(id)? else { return Ok(None) };
        let searcher = self.searcher();
        let f = &self.fields;
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
