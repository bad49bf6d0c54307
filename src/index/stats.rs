//! What the index holds: the figures of `citedex stats`.

use super::CitedexIndex;
use crate::source::Kind;
use serde::Serialize;
use std::collections::BTreeMap;
use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

/// Figures about an index.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub documents: u64,
    pub passages: u64,
    pub passages_by_kind: BTreeMap<String, u64>,
    pub references: u64,
    pub citations: u64,
    pub files: u64,
    pub skipped_files: u64,
    pub index_bytes: u64,
    /// Last update, seconds since the epoch, and as an RFC 3339 UTC time.
    pub updated: u64,
    pub updated_utc: String,
    pub corpus: String,
    pub format: u32,
}

impl Stats {
    pub fn of(ci: &CitedexIndex) -> tantivy::Result<Stats> {
        let searcher = ci.searcher();
        let mut by_kind = BTreeMap::new();
        for k in Kind::ALL {
            let q =
                TermQuery::new(Term::from_field_text(ci.fields.kind, k.as_str()), IndexRecordOption::Basic);
            by_kind.insert(k.as_str().to_string(), searcher.search(&q, &Count)? as u64);
        }
        let files = &ci.meta.files;
        Ok(Stats {
            documents: files.iter().map(|f| f.document_count).sum(),
            passages: searcher.num_docs(),
            passages_by_kind: by_kind,
            references: files.iter().map(|f| f.references).sum(),
            citations: files.iter().map(|f| f.citations).sum(),
            files: files.iter().filter(|f| f.skipped.is_none()).count() as u64,
            skipped_files: files.iter().filter(|f| f.skipped.is_some()).count() as u64,
            index_bytes: ci.size_bytes(),
            updated: ci.meta.updated,
            updated_utc: utc(ci.meta.updated),
            corpus: ci.meta.corpus.clone(),
            format: ci.meta.format,
        })
    }
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian calendar).
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::utc(1_795_462_465), "2026-11-23T19:34:25Z");
    }
}
