//! Bibliography entries: one line of a References/Bibliography list → a [`Reference`].
//!
//! (Parser to be written: see `parse`.)

use serde::{Deserialize, Serialize};

/// A person's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Name {
    pub family: String,
    /// Given names or initials as written ("Geoffrey", "J. A."); empty when unknown.
    pub given: String,
}

/// A contributor other than an author (`translator, Sidney Harcave`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// `translator`, `editor`, …
    pub role: String,
    pub name: Name,
}

/// An ISBN as written, and its validated 13-digit form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isbn {
    /// As written in the entry (`0-7656-1422-7`).
    pub raw: String,
    /// 13 digits, no hyphens; `None` when the check digit is wrong or the length is not 10/13.
    pub isbn13: Option<String>,
}

/// One parsed bibliography entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub authors: Vec<Name>,
    /// Set when the authors were taken from the entry above (a `______.` or `---.` ditto).
    pub ditto: bool,
    /// The publication year (the first one given).
    pub year: Option<u32>,
    /// Every year given, e.g. `(1985, 2002)`.
    pub years: Vec<u32>,
    pub title: Option<String>,
    /// Journal, review or newspaper.
    pub container: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub isbns: Vec<Isbn>,
    pub oclc: Option<String>,
    pub roles: Vec<Role>,
    /// The entry as written, without its bullet.
    pub raw: String,
}

impl Reference {
    /// Valid ISBNs in 13-digit form.
    pub fn isbn13(&self) -> Vec<String> {
        self.isbns.iter().filter_map(|i| i.isbn13.clone()).collect()
    }
}

/// Parses one entry. `previous` is the entry above it, whose authors a ditto line takes.
pub fn parse(raw: &str, previous: Option<&Reference>) -> Reference {
    let _ = previous;
    Reference { raw: raw.trim().to_string(), ..Reference::default() }
}
