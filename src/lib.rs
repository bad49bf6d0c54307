//! citedex: full-text search for source texts that carry references.
//!
//! The pipeline, one module per step:
//!
//! ```text
//! corpus ─▶ corpus (scan, decode) ─▶ source (wiki, markdown, plain) ─▶ Document
//! Document ─▶ passage (splitter, provenance) ─▶ Passage ◀─ cite (bibliography, inline, link)
//! Passage ─▶ index (schema, writer, manifest/catalog, reader, stats) ─▶ tantivy
//! query ─▶ search (query, matcher, ranking, snippet, works) ─▶ Hit / Work
//! Hit / Work ─▶ render (text, json, bibtex, csl, progress)
//! queries + qrels ─▶ eval (files, search, metrics, report) ─▶ nDCG@10, MAP, recall, MRR@10
//! ```
//!
//! `analysis` is the one analyzer (UAX #29 words, folding, stemming, CJK) used at index time,
//! at query time and for snippets.
//!
//! [`commands`] ties the steps together for the command line; the binary only parses
//! arguments and maps [`Outcome`]s to exit codes.

pub mod analysis;
pub mod cite;
pub mod cli;
pub mod commands;
pub mod corpus;
pub mod eval;
pub mod index;
pub mod location;
pub mod memory;
pub mod passage;
pub mod render;
pub mod search;
pub mod serve;
pub mod source;

/// How a successful command ended, for the exit code (0 and 1, like grep).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found or done.
    Success,
    /// The search ran but nothing matched.
    NoMatch,
}
