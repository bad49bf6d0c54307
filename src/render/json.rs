//! JSON output. The shapes here are a public contract: fields may be added, never renamed or
//! removed. `tests/cli/json.rs` deserializes them into its own structs.
//!
//! ```json
//! {"query": "...", "total_hits": 3, "total_hits_relation": "eq" (or "gte": at least that
//!  many, past `search::COUNT_UP_TO`), "corrections": [{"from", "to"}],
//!  "expansion": [{"term", "weight"}] (with --expand only),
//!  "hits": [{"rank", "score", "id", "document", "section": ["..."], "kind", "paragraph",
//!            "text", "snippet", "highlights": [[0, 6]] (bytes), "highlights_chars": [[0, 6]]
//!            (characters), "source": {"path", "line_start",
//!            "line_end", "byte_start", "byte_end"}, "cite_as", "language", "citations": [...],
//!            "duplicates": ["id"] (those among the first candidates, at most `--duplicates`),
//!            "duplicates_total": 0 (near-identical passages folded into the hit, among the
//!            candidates read), "duplicates_total_relation": "eq" (or "gte": at least that
//!            many, when not every matching passage was read),
//!            "explanation": {...}}]}
//! ```

use crate::passage::Passage;
use crate::search::{Hit, Results};
use serde_json::{Value, json};
use std::io::{self, Write};

/// A passage's own fields, shared by search hits and `show`.
pub fn passage(p: &Passage) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(p.id));
    m.insert("document".into(), json!(p.document));
    m.insert("section".into(), json!(p.section));
    m.insert("kind".into(), json!(p.kind));
    m.insert("paragraph".into(), json!(p.paragraph));
    m.insert("text".into(), json!(p.text));
    m.insert("source".into(), json!(p.source));
    m.insert("cite_as".into(), json!(p.cite_as()));
    m.insert("language".into(), json!(p.language));
    if let Some(f) = &p.file {
        m.insert("file".into(), json!(f));
    }
    let own = p.citations.iter().map(|c| citation(p, c, "sentence"));
    let paragraph = p.paragraph_citations.iter().map(|c| citation(p, c, "paragraph"));
    m.insert("citations".into(), Value::Array(own.chain(paragraph).collect()));
    m
}

/// `{"text", "scope", "reference": {"id", "authors", "year", "title"} | null, "byte_start",
/// "byte_end", …}`; `scope` is `sentence` for a citation cut from this passage, `paragraph`
/// for one of another passage of the same paragraph.
fn citation(p: &Passage, c: &crate::cite::Citation, scope: &str) -> Value {
    let linked = p.linked(c);
    json!({
        "text": c.raw,
        "scope": scope,
        "reference": linked.map(|r| json!({
            "id": r.id, "authors": r.authors, "year": r.year, "title": r.title,
        })),
        "shape": c.shape,
        "author": c.author,
        "title": c.title,
        "container": c.container,
        "pages": c.pages,
        "date": c.date,
        "byte_start": c.start,
        "byte_end": c.end,
    })
}

fn hit(h: &Hit) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("rank".into(), json!(h.rank));
    m.insert("score".into(), json!((f64::from(h.score) * 1e4).round() / 1e4));
    m.extend(passage(&h.passage));
    m.insert("snippet".into(), json!(h.snippet.text));
    m.insert("highlights".into(), json!(h.snippet.highlights));
    m.insert("highlights_chars".into(), json!(char_ranges(&h.snippet.text, &h.snippet.highlights)));
    m.insert("duplicates".into(), json!(h.duplicates));
    m.insert("duplicates_total".into(), json!(h.folded));
    m.insert("duplicates_total_relation".into(), json!(if h.folded_exact { "eq" } else { "gte" }));
    if let Some(e) = &h.explanation {
        m.insert("explanation".into(), json!(e));
    }
    Value::Object(m)
}

/// Byte ranges of `text` as ranges of characters (Unicode scalar values), for languages whose
/// strings index by character (Python, and JavaScript outside the astral planes).
fn char_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let chars = |b: usize| text.get(..b).map_or(0, |s| s.chars().count());
    ranges.iter().map(|&(a, b)| (chars(a), chars(b))).collect()
}

/// A search's results as one JSON object.
pub fn results(w: &mut impl Write, r: &Results) -> io::Result<()> {
    value(w, &results_value(r))
}

/// The object of [`results`] (also the answer of `GET /api/search`).
pub fn results_value(r: &Results) -> Value {
    let mut v = json!({
        "query": r.query,
        "total_hits": r.total_hits,
        "total_hits_relation": if r.total_exact { "eq" } else { "gte" },
        "corrections": r.corrections,
        "hits": r.hits.iter().map(hit).collect::<Vec<_>>(),
    });
    if !r.expansion.is_empty() {
        v["expansion"] = json!(r.expansion);
    }
    v
}

/// `citedex show --json` (also `GET /api/passages/{id}`): the passage, its reference when it
/// is one, and the ids of the passages before and after it.
pub fn shown(found: &crate::index::reader::InContext) -> Value {
    let mut v = passage(&found.passage);
    if let Some(r) = &found.passage.reference {
        v.insert("reference".into(), json!(r));
    }
    v.insert("before".into(), found.before.as_ref().map_or(Value::Null, |p| p.id.clone().into()));
    v.insert("after".into(), found.after.as_ref().map_or(Value::Null, |p| p.id.clone().into()));
    Value::Object(v)
}

/// `search --json-lines`: each hit as one line of JSON (the objects of `hits`, with the query
/// and the total), for streaming into `jq -c` or a line-by-line reader.
pub fn hit_lines(w: &mut impl Write, r: &Results) -> io::Result<()> {
    for h in &r.hits {
        let mut v = hit(h);
        v["query"] = json!(r.query);
        v["total_hits"] = json!(r.total_hits);
        serde_json::to_writer(&mut *w, &v)?;
        writeln!(w)?;
    }
    Ok(())
}

/// `search --count --json` and `search --files-with-matches --json`.
pub fn matching(w: &mut impl Write, m: &crate::search::Matching, documents: bool) -> io::Result<()> {
    let mut v = json!({"query": m.query, "count": m.passages, "corrections": m.corrections});
    if documents {
        v["documents"] = m
            .documents
            .iter()
            .map(|d| json!({"document": d.document, "slug": d.document_slug, "path": d.path, "language": d.language}))
            .collect();
    }
    value(w, &v)
}

/// Any JSON value (or what serializes as one), pretty-printed, with a final newline.
pub fn value(w: &mut impl Write, v: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    writeln!(w)
}

/// `citedex cite --json`.
pub fn works(
    w: &mut impl Write,
    query: Option<&str>,
    works: &[crate::search::works::Work],
) -> io::Result<()> {
    /// The works as a JSON array, each made a value only when written: the whole answer as
    /// one value took four times the memory of the works themselves (2 GB for the 112 K works
    /// of the 200 MB bench corpus).
    struct Each<'a>(&'a [crate::search::works::Work]);
    impl serde::Serialize for Each<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(work))
        }
    }
    #[derive(serde::Serialize)]
    struct Answer<'a> {
        query: Option<&'a str>,
        references: Each<'a>,
    }
    value(w, &Answer { query, references: Each(works) })
}

/// One work of [`works`] (also `GET /api/works/{key}`).
pub fn work(work: &crate::search::works::Work) -> Value {
    let r = &work.reference;
    json!({
        "id": work.id,
        "documents": work.documents(),
        "raw": r.raw,
        "authors": r.authors,
        "year": r.year,
        "years": r.years,
        "date": r.iso_date(),
        "type": r.genre().name(),
        "title": r.title,
        "container": r.container,
        "volume": r.volume,
        "issue": r.issue,
        "pages": r.pages,
        "publisher": r.publisher,
        "place": r.place,
        "edition": r.edition,
        "series": r.series,
        "isbn": r.isbn13(),
        "isbn_invalid": r.isbns.iter().filter(|i| i.isbn13.is_none()).map(|i| &i.raw).collect::<Vec<_>>(),
        "oclc": r.oclc,
        "issn": r.issn,
        "doi": r.doi,
        "url": r.url,
        "roles": r.roles,
        "ditto": r.ditto,
        "listed": work.listed.iter().map(|l| json!({"id": l.id, "document": l.document, "path": l.path, "line": l.line})).collect::<Vec<_>>(),
        "cited_by": work.cited_by.iter().map(|c| &c.id).collect::<Vec<_>>(),
        "citations": work.cited_by.iter().map(|c| json!({"id": c.id, "cite_as": c.cite_as, "text": c.citation})).collect::<Vec<_>>(),
    })
}

/// `citedex list --json` (also `GET /api/documents`): every document with its file, and the
/// files skipped with the reason.
pub fn listing(files: &[crate::index::FileEntry]) -> Value {
    let docs: Vec<Value> = files
        .iter()
        .flat_map(|f| {
            f.documents.iter().map(move |d| {
                json!({
                    "document": d.title, "slug": d.slug, "path": f.path, "format": f.format,
                    "language": d.language, "passages": d.passages, "references": d.references,
                })
            })
        })
        .collect();
    let skipped: Vec<Value> = files
        .iter()
        .filter_map(|f| f.skipped.as_ref().map(|r| json!({"path": f.path, "reason": r})))
        .collect();
    json!({"documents": docs, "skipped": skipped})
}
