//! References and citations: the bibliography entries of a document, the citations flattened
//! into its prose, and the links between the two.
//!
//! - [`bibliography`] parses one References/Bibliography entry into a [`Reference`] record;
//! - [`inline`] finds citations inside a paragraph by their shape;
//! - [`link`] ties citations to the references they abbreviate and groups the same work
//!   listed or cited in several documents.

pub mod bibliography;
pub mod inline;
pub mod link;

pub use bibliography::Reference;
pub use inline::Citation;
