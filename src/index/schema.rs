//! The one place that defines the index's fields.

use crate::analysis::{ANALYZER, REPEATED_ANALYZER};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};

/// Bump when the schema, the analyzer or the stored record changes in a way an older index
/// cannot serve: an index of another version is refused with a hint to rebuild.
///
/// Ranking relies on one more invariant of the index (version 2 on): the passages of a
/// document are added as one batch, so they hold consecutive doc ids in one segment (merges
/// keep that order), and a document is the run of passages sharing its `doc_key` (from
/// version 7, the run from a passage holding `doc_key` to the next one).
///
/// Version 3: a passage's stored record leaves out its document's title, slug, language and
/// path after the document's first passage (`seq` 0, at doc id `doc − seq`), and `id` is not
/// stored or indexed (a passage is found by its document's slug); exact fields keep no
/// length norms; the store is compressed with zstd; `doc_key` is the document's number, not a
/// hash; `seq` is a fast field only and `year` is indexed only.
///
/// Version 4: runs of CJK characters are indexed as overlapping bigrams, not one term per
/// character (`analysis::each_word`).
///
/// Version 5: words are folded to NFKC before lowercasing (full-width `ＧＨＱ` is `ghq`).
///
/// Version 6: words are stemmed by their document's language where Snowball has a stemmer
/// for it (`analysis::Lang`): analyzed values of other languages start with a language tag,
/// and the commit's payload lists the languages (`Meta::stemming`).
///
/// Version 7: the stored record is a compact binary encoding (`index::record`), not JSON,
/// in store blocks of 8 KB; `doc_key` is set on a document's first passage only.
///
/// Version 8: no `path` and `lang` fields (a file's passages are replaced by its documents'
/// slugs; the language is in the catalog and the first passage's record).
///
/// Version 9: the `title` field is indexed on a document's first passage only; a search
/// scores it for the document's other passages (`search::rank::with_titles`).
///
/// Version 10: `work` is a fast field of the work key's hash (`cite::link::work_hash`), not
/// an indexed term: one unique term per reference passage cost the final merge 0.5 s in 6.
pub const FORMAT_VERSION: u32 = 10;

/// Bump when a source reader, the splitter or a citation parser changes what it makes of a
/// file: the next update reads every file again, though the index format is unchanged.
pub const PARSER_VERSION: u32 = 15;

/// Handles of every field.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Document slug, exact (also how a file's passages are replaced: by its documents').
    pub doc: Field,
    /// Position of the passage in its document.
    pub seq: Field,
    /// Passage kind, exact.
    pub kind: Field,
    /// Document title, analyzed, on the document's first passage only (`seq` 0): repeated on
    /// every passage it was a fifth of the index's postings, and of the build's work (200 MB
    /// bench corpus: 9.6 M of 44 M postings; builds 8.7% faster without them). A search
    /// scores it as the whole document's (`search::rank::with_titles`).
    pub title: Field,
    /// Section headings, analyzed.
    pub section: Field,
    /// Passage text, analyzed, with positions.
    pub text: Field,
    /// Reference authors, analyzed.
    pub author: Field,
    /// Reference years.
    pub year: Field,
    /// Text of the inline citations carried by the passage, analyzed.
    pub citation: Field,
    /// Reference identifiers: ISBN-13s and OCLC numbers, exact.
    pub ids: Field,
    /// Works the passage cites: reference ids or keys of works known only from a citation.
    pub cites: Field,
    /// For reference passages, the hash of the key of the work they list
    /// ([`crate::cite::link::work_hash`]), a fast field looked up by value.
    pub work: Field,
    /// The whole passage ([`crate::index::record`]), stored only.
    pub record: Field,
    /// The document's number ([`crate::index::DocumentEntry::key`]), on the document's first
    /// passage only: the passages up to the next first passage are the document's (ranking
    /// groups by it; `search::rank::DocumentColumn`).
    pub doc_key: Field,
    /// Hash of the passage's kind and words, equal for near-identical passages (folded into one hit).
    pub dup_key: Field,
}

impl Fields {
    /// Builds the schema and its field handles.
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let analyzed = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let repeated = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(REPEATED_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        // Exact terms, matched or not: no positions, frequencies or length norms.
        let exact = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::Basic),
        );
        let fields = Fields {
            doc: b.add_text_field("doc", exact.clone()),
            seq: b.add_u64_field("seq", FAST),
            kind: b.add_text_field("kind", exact.clone()),
            title: b.add_text_field("title", repeated.clone()),
            section: b.add_text_field("section", repeated),
            text: b.add_text_field("text", analyzed.clone()),
            author: b.add_text_field("author", analyzed.clone()),
            year: b.add_u64_field("year", NumericOptions::default().set_indexed()),
            citation: b.add_text_field("citation", analyzed.clone()),
            ids: b.add_text_field("ids", exact.clone()),
            cites: b.add_text_field("cites", exact.clone()),
            work: b.add_u64_field("work", FAST),
            record: b.add_bytes_field("record", STORED),
            doc_key: b.add_u64_field("doc_key", FAST),
            dup_key: b.add_u64_field("dup_key", FAST),
        };
        (b.build(), fields)
    }

    /// Field handles of an opened index, checking that every field is there.
    pub fn of(schema: &Schema) -> Option<Fields> {
        let f = |name| schema.get_field(name).ok();
        Some(Fields {
            doc: f("doc")?,
            seq: f("seq")?,
            kind: f("kind")?,
            title: f("title")?,
            section: f("section")?,
            text: f("text")?,
            author: f("author")?,
            year: f("year")?,
            citation: f("citation")?,
            ids: f("ids")?,
            cites: f("cites")?,
            work: f("work")?,
            record: f("record")?,
            doc_key: f("doc_key")?,
            dup_key: f("dup_key")?,
        })
    }
}
