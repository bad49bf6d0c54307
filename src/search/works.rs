//! Works: what `citedex cite` looks up. A work is one bibliography entry wherever it is listed
//! (entries with the same ISBN, or the same authors, year and title, in any document, are one
//! work), or a work known only from inline citations. Each comes with every passage citing it.

use super::{SearchError, load_many};
use crate::analysis::{analyze, terms};
use crate::cite::bibliography::date::month_day;
use crate::cite::bibliography::labeller::PassThrough;
use crate::cite::bibliography::{Name, Reference};
use crate::cite::bibliography::{identifier_digits, normalize_isbn};
use crate::cite::link::{citation_key, hash64, hash128, work_hash, work_key};
use crate::index::{CitedexIndex, Fields};
use crate::passage::Passage;
use crate::render::bibtex::{KeyParts, key_base};
use crate::source::Kind;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::rc::Rc;
use tantivy::collector::DocSetCollector;
use tantivy::columnar::{Column, ColumnIndex};
use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

/// Where a work is listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub id: String,
    pub document: String,
    pub path: String,
    pub line: u32,
}

/// A passage citing a work, with the citation as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citing {
    pub id: String,
    pub cite_as: String,
    pub citation: String,
}

/// One work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work {
    /// The id of its first listing, or the key of a work known only from citations.
    pub id: String,
    pub reference: Reference,
    pub listed: Vec<Listing>,
    pub cited_by: Vec<Citing>,
}

impl Work {
    /// Titles of the documents listing or citing the work.
    pub fn documents(&self) -> Vec<String> {
        let mut d: Vec<String> = self.listed.iter().map(|l| l.document.clone()).collect();
        d.sort();
        d.dedup();
        d
    }
}

fn term(field: Field, s: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, s), IndexRecordOption::Basic))
}

fn all(searcher: &Searcher, f: &Fields, q: &dyn Query) -> Result<Vec<Passage>, SearchError> {
    Ok(in_corpus_order(load_many(searcher, f, &matches(searcher, q)?)?))
}

/// Where the passages matching `q` are, in the order of doc addresses.
fn matches(searcher: &Searcher, q: &dyn Query) -> Result<Vec<DocAddress>, SearchError> {
    let mut addresses: Vec<_> = searcher.search(q, &DocSetCollector)?.into_iter().collect();
    addresses.sort();
    Ok(addresses)
}

/// Passages in corpus order, not in the order of doc ids (which the indexing threads decide).
fn in_corpus_order(mut passages: Vec<Passage>) -> Vec<Passage> {
    passages
        .sort_by(|a, b| (&a.source.path, a.source.byte_start).cmp(&(&b.source.path, b.source.byte_start)));
    passages
}

/// Where the entries listing each work of `keys` are, in their order: the passages whose
/// `work` value is a key's hash, found in one pass over each segment's column for all the
/// keys (a range query a key read the column once a key: 11.8 s for the 6,454 works of `cite
/// Dalrymple` at 2 GB, against 1.1 s by terms). [`listings`] reads them.
fn listing_addresses(
    searcher: &Searcher,
    f: &Fields,
    keys: &[String],
) -> Result<Vec<Vec<DocAddress>>, SearchError> {
    let mut wanted: HashMap<u64, Vec<usize>, BuildHasherDefault<PassThrough>> = HashMap::default();
    for (i, key) in keys.iter().enumerate() {
        wanted.entry(work_hash(key)).or_default().push(i);
    }
    let mut addresses: Vec<Vec<DocAddress>> = vec![Vec::new(); keys.len()];
    let name = searcher.schema().get_field_name(f.work);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        // tantivy 0.27 writes the column, empty, for a segment without a bibliography entry;
        // a segment without one (another writer's) has no work listed either.
        let Some(Column { index, values }) = reader.fast_fields().column_opt::<u64>(name)? else { continue };
        let mut rows: Vec<u32> = Vec::new();
        let mut of_key: Vec<&[usize]> = Vec::new();
        for (row, hash) in values.iter().enumerate() {
            if let Some(is) = wanted.get(&hash) {
                rows.push(row as u32);
                of_key.push(is);
            }
        }
        // Value rows to doc ids, one for one: a passage lists one work at most (several would
        // fold rows of one passage into one doc id, which `of_key` does not follow).
        if let ColumnIndex::Multivalued(_) = index {
            return Err(SearchError::Record("a passage listing several works".into()));
        }
        index.select_batch_in_place(0, &mut rows);
        let alive = reader.alive_bitset();
        for (doc, is) in rows.into_iter().zip(of_key) {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                for &i in is {
                    addresses[i].push(DocAddress::new(ord as u32, doc));
                }
            }
        }
    }
    Ok(addresses)
}

/// The entries of the work of `key` at `at` ([`listing_addresses`]), in corpus order, those
/// whose own key is another (sharing its hash) left out. Read one work at a time, so that
/// `cite` holds one work's entries at once (with the entries read in chunks in [`find`]:
/// every work of the 2 GB bench corpus peaked at 5.0 GB before, 4.3 GB after, the works).
fn listings(
    searcher: &Searcher,
    f: &Fields,
    key: &str,
    at: &[DocAddress],
) -> Result<Vec<Passage>, SearchError> {
    let mut listings = in_corpus_order(load_many(searcher, f, at)?);
    listings.retain(|p| p.reference.as_ref().is_some_and(|r| work_key(r) == key));
    Ok(listings)
}

/// One word of a `cite` query: in the text or author of a reference, as an ISBN or OCLC
/// number, or as a year.
fn word_query(f: &Fields, word: &str, citation: bool) -> Box<dyn Query> {
    // A year alone asks for works of that year, not titles that mention it.
    if let Some(year) = year_of(word) {
        if citation {
            return Box::new(AllQuery);
        }
        return Box::new(TermQuery::new(Term::from_field_u64(f.year, year), IndexRecordOption::Basic));
    }
    let terms = terms(word);
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let text_field = if citation { f.citation } else { f.text };
    let in_field = |field: Field| -> Option<Box<dyn Query>> {
        let ts: Vec<Term> = terms.iter().map(|t| Term::from_field_text(field, t)).collect();
        match ts.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(ts[0].clone(), IndexRecordOption::Basic))),
            _ => Some(Box::new(PhraseQuery::new(ts))),
        }
    };
    should.extend(in_field(text_field).map(|q| (Occur::Should, q)));
    if !citation {
        should.extend(in_field(f.author).map(|q| (Occur::Should, q)));
        if let Some(isbn) = normalize_isbn(word) {
            should.push((Occur::Should, term(f.ids, &isbn)));
        }
        if let Some(digits) = identifier_digits(word) {
            should.push((Occur::Should, term(f.ids, &digits)));
        }
    }
    Box::new(BooleanQuery::new(should))
}

/// A publication year as a query word (`1905`).
fn year_of(word: &str) -> Option<u64> {
    crate::cite::bibliography::year_of(word).map(u64::from)
}

/// Passages read at a time where `cite` reads many (see [`listings`]).
const CHUNK: usize = 4096;

/// What `cite` reads for `words`: the passages holding each word, bibliography entries where
/// `kind` says so, or passages citing something (`citation`).
fn matching(f: &Fields, words: &[&str], citation: bool, kind: Option<Kind>) -> Box<dyn Query> {
    let mut must: Vec<(Occur, Box<dyn Query>)> =
        words.iter().map(|w| (Occur::Must, word_query(f, w, citation))).collect();
    if let Some(k) = kind {
        must.push((Occur::Must, term(f.kind, k.as_str())));
    }
    if citation {
        must.push((
            Occur::Must,
            Box::new(RegexQuery::from_pattern("cited:.*", f.cites).expect("valid regex")),
        ));
    }
    if must.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(must)) }
}

/// Every work matching `query` (all works when `None`), sorted by author and year.
pub fn find(ci: &CitedexIndex, query: Option<&str>) -> Result<Vec<Work>, SearchError> {
    let searcher = ci.searcher();
    let f = &ci.fields;
    // Words that analyze to nothing (`—`, `&`) and are no identifier constrain nothing.
    let words: Vec<&str> =
        query.map(|q| q.split_whitespace().filter(|w| !analyze(w).is_empty()).collect()).unwrap_or_default();
    // Listed works: matching entries, then every entry of the same work.
    // In the order first met; a set to tell them apart (a search of the list was quadratic:
    // 60% of `cite` listing the 112 K entries of the 200 MB bench corpus).
    let mut keys: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    // Read a few thousand at a time, not all at once (see `listings`). The order of the keys
    // is not the output's (works are sorted below).
    for some in matches(&searcher, &*matching(f, &words, false, Some(Kind::Reference)))?.chunks(CHUNK) {
        for p in load_many(&searcher, f, some)? {
            if let Some(r) = &p.reference {
                let key = work_key(r);
                if seen.insert(key.clone()) {
                    keys.push(key);
                }
            }
        }
    }
    let mut works = Vec::new();
    for (key, at) in keys.iter().zip(listing_addresses(&searcher, f, &keys)?) {
        let listings = listings(&searcher, f, key, &at)?;
        let Some(first) = listings.first() else { continue };
        let reference = first.reference.clone().unwrap_or_default();
        let mut cited_by = Vec::new();
        for l in &listings {
            for p in all(&searcher, f, &*term(f.cites, &l.id))? {
                for c in p.citations.iter().filter(|c| c.reference.as_deref() == Some(l.id.as_str())) {
                    cited_by.push(Citing { id: p.id.clone(), cite_as: p.cite_as(), citation: c.raw.clone() });
                }
            }
        }
        works.push(Work {
            id: first.id.clone(),
            reference: *reference,
            listed: listings
                .iter()
                .map(|l| Listing {
                    id: l.id.clone(),
                    document: l.document.clone(),
                    path: l.source.path.clone(),
                    line: l.source.line_start,
                })
                .collect(),
            cited_by,
        });
    }

    // Works known only from citations.
    let mut cited: BTreeMap<String, Work> = BTreeMap::new();
    let years: Vec<u64> = words.iter().filter_map(|w| year_of(w)).collect();
    let wanted: Vec<String> =
        words.iter().filter(|w| year_of(w).is_none()).flat_map(|w| analyze(w)).map(|t| t.text).collect();
    for p in all(&searcher, f, &*matching(f, &words, true, None))? {
        for c in p.citations.iter().filter(|c| c.reference.is_none()) {
            let have = terms(&c.raw);
            if !wanted.iter().all(|w| have.contains(w)) || !years.iter().all(|y| c.year == Some(*y as u32)) {
                continue;
            }
            let key = citation_key(c);
            let work = cited.entry(key.clone()).or_insert_with(|| Work {
                id: key,
                reference: reference_of(c),
                listed: Vec::new(),
                cited_by: Vec::new(),
            });
            work.cited_by.push(Citing { id: p.id.clone(), cite_as: p.cite_as(), citation: c.raw.clone() });
        }
    }
    works.extend(cited.into_values());
    // Works of the same author, year and title (two editions, two lists) in corpus order.
    works.sort_by_cached_key(|w| {
        (sort_key(&w.reference), w.listed.first().map(|l| (l.path.clone(), l.line)), w.id.clone())
    });
    Ok(works)
}

/// The id and [`KeyParts`] of every work whose key base is one of `bases` or that of a work of
/// `ids` (the works exported and their bases, as [`find`] gives them), as
/// [`find`]`(ci, None)` gives them (each listed work's first entry in corpus order, each
/// cited one's first citation): what the export keys of works of those bases are made of
/// ([`crate::render::bibtex::keys_of`]; a key depends only on the works sharing its base).
///
/// Every entry and citing passage is read once, a few thousand at a time, keeping for each
/// work only where its first passage is and the hash of its base; then the first passages of
/// the works of those bases are read again. A BibTeX export of one query needed every work of the
/// index before (`cite --format bibtex Dalrymple`: 200 MB bench corpus 5.4 s and 449 MB, 2 GB
/// 76 s and 4.35 GB).
pub fn key_parts(
    ci: &CitedexIndex,
    ids: &HashSet<String>,
    bases: &HashSet<String>,
) -> Result<Vec<(String, KeyParts)>, SearchError> {
    let searcher = ci.searcher();
    let f = &ci.fields;
    let mut wanted: HashSet<u64> = bases.iter().map(|b| hash64(b.as_bytes())).collect();
    // Paths are kept once each: a work points at its first passage's.
    let mut paths: HashSet<Rc<str>> = HashSet::new();
    let mut path = |p: &str| -> Rc<str> {
        if let Some(known) = paths.get(p) {
            return Rc::clone(known);
        }
        let new: Rc<str> = Rc::from(p);
        paths.insert(Rc::clone(&new));
        new
    };
    // By the hash of the work's key (128 bits: two keys sharing one would be one work).
    let mut listed: HashMap<u128, First> = HashMap::new();
    for some in matches(&searcher, &*matching(f, &[], false, Some(Kind::Reference)))?.chunks(CHUNK) {
        for (&address, p) in some.iter().zip(load_many(&searcher, f, some)?) {
            if let Some(r) = &p.reference {
                let at = (path(&p.source.path), p.source.byte_start);
                keep_first(&mut listed, hash128(work_key(r).as_bytes()), at, || {
                    (address, 0, hash64(key_base(r).as_bytes()))
                });
            }
        }
    }
    let mut cited: HashMap<u128, First> = HashMap::new();
    for some in matches(&searcher, &*matching(f, &[], true, None))?.chunks(CHUNK) {
        for (&address, p) in some.iter().zip(load_many(&searcher, f, some)?) {
            let at = (path(&p.source.path), p.source.byte_start);
            for (i, c) in p.citations.iter().enumerate().filter(|(_, c)| c.reference.is_none()) {
                let base = || (address, i, hash64(key_base(&reference_of(c)).as_bytes()));
                keep_first(&mut cited, hash128(citation_key(c).as_bytes()), at.clone(), base);
            }
        }
    }
    // A work known only from citations takes its key's base from its first citation, while a
    // query shows it with the first citation the query matches (`1922` finds a work first
    // cited in 1921): the base of each work of `ids` joins those wanted.
    let cited_ids: HashSet<u128> = ids.iter().map(|id| hash128(id.as_bytes())).collect();
    wanted.extend(cited.iter().filter(|(key, _)| cited_ids.contains(key)).map(|(_, first)| first.base));
    // The first passages of the works of those bases, read again.
    let of_bases = |firsts: HashMap<u128, First>| -> Vec<(DocAddress, usize)> {
        let mut at: Vec<(DocAddress, usize)> = firsts
            .into_values()
            .filter(|f| wanted.contains(&f.base))
            .map(|f| (f.address, f.citation))
            .collect();
        at.sort();
        at
    };
    let mut out = Vec::new();
    let listed = of_bases(listed);
    let addresses: Vec<DocAddress> = listed.iter().map(|&(a, _)| a).collect();
    for some in addresses.chunks(CHUNK) {
        for p in load_many(&searcher, f, some)? {
            if let Some(r) = &p.reference {
                out.push((p.id, KeyParts::of(r)));
            }
        }
    }
    let cited = of_bases(cited);
    for some in cited.chunks(CHUNK) {
        let addresses: Vec<DocAddress> = some.iter().map(|&(a, _)| a).collect();
        for (&(_, i), p) in some.iter().zip(load_many(&searcher, f, &addresses)?) {
            if let Some(c) = p.citations.get(i) {
                out.push((citation_key(c), KeyParts::of(&reference_of(c))));
            }
        }
    }
    // A base sharing another's hash brought works of its own.
    let exact: HashSet<String> = bases
        .iter()
        .cloned()
        .chain(out.iter().filter(|(id, _)| ids.contains(id)).map(|(_, parts)| parts.base().to_string()))
        .collect();
    out.retain(|(_, parts)| exact.contains(parts.base()));
    Ok(out)
}

/// Where a work's first passage met so far is ([`keep_first`]), that passage's address, the
/// citation's place in it (for a work known only from citations) and the hash of the work's
/// key base.
struct First {
    at: (Rc<str>, usize),
    address: DocAddress,
    citation: usize,
    base: u64,
}

/// Keeps what `first` gives for `key` if `at` (a passage's path and start) comes before the
/// passage kept so far, as [`in_corpus_order`] would sort them: passages read in the order of
/// their doc addresses keep the first met where two start at the same place, as its stable
/// sort does.
fn keep_first(
    firsts: &mut HashMap<u128, First>,
    key: u128,
    at: (Rc<str>, usize),
    first: impl FnOnce() -> (DocAddress, usize, u64),
) {
    let make = |at| {
        let (address, citation, base) = first();
        First { at, address, citation, base }
    };
    match firsts.entry(key) {
        Entry::Occupied(mut kept) => {
            if at < kept.get().at {
                kept.insert(make(at));
            }
        }
        Entry::Vacant(slot) => {
            slot.insert(make(at));
        }
    }
}

fn sort_key(r: &Reference) -> (String, u32, String) {
    let who = r
        .authors
        .first()
        .map(|a| a.family.to_lowercase())
        .unwrap_or_else(|| r.title.clone().or(r.container.clone()).unwrap_or_default().to_lowercase());
    (who, r.year.unwrap_or(0), r.title.clone().unwrap_or_default().to_lowercase())
}

/// A record built from a citation, for works no bibliography lists.
fn reference_of(c: &crate::cite::Citation) -> Reference {
    let authors = c
        .author
        .as_deref()
        .map(|a| {
            let (family, given) = a.split_once(',').unwrap_or((a, ""));
            vec![Name { family: family.trim().to_string(), given: given.trim().to_string() }]
        })
        .unwrap_or_default();
    let date = c.year.and_then(|y| month_day(c.date.as_deref().unwrap_or(&c.raw), y));
    Reference {
        authors,
        year: c.year,
        month: date.map(|d| d.month),
        day: date.and_then(|d| d.day),
        years: c.year.into_iter().collect(),
        title: c.title.clone(),
        container: c.container.clone(),
        volume: c.volume.clone(),
        issue: c.issue.clone(),
        pages: c.pages.clone(),
        raw: c.raw.clone(),
        ..Reference::default()
    }
}
