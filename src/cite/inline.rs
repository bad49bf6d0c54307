//! Inline citations flattened into prose (detector to be written: see `find`).

use serde::{Deserialize, Serialize};

/// The shape a citation was recognized by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `Jukes, The Russo-Japanese War 1904-1905, p. 86-90.`
    AuthorTitlePages,
    /// `White, J. A.: "Title", Journal of Peace Research, 6(4):362`
    AuthorTitleJournal,
    /// `"Title", New York Times. October 17, 1905.`
    Newspaper,
    /// `Partial record of … (from the National Archives of Japan)`
    Archival,
}

/// A citation found inside a paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// Byte range to remove from the paragraph (relative to the paragraph as given to
    /// [`find`]; absolute file offsets once attached to a passage). It includes one adjoining
    /// space, so that the prose reads on once it is removed.
    pub start: usize,
    pub end: usize,
    /// The citation's text, trimmed.
    pub raw: String,
    pub shape: Shape,
    /// Author as written (`Jukes`, `White, J. A.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Newspaper, journal or archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// Date as written (`October 17, 1905`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Year, from the date or elsewhere in the citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// Id of the bibliography entry this citation abbreviates, once linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Citation {
    /// The same citation with its byte range moved by `offset`.
    pub fn shifted(&self, offset: usize) -> Citation {
        Citation { start: self.start + offset, end: self.end + offset, ..self.clone() }
    }
}

/// Finds the citations of one paragraph, in order, non-overlapping.
pub fn find(_paragraph: &str) -> Vec<Citation> {
    Vec::new()
}
