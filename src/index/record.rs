//! A passage's stored record: a compact binary encoding of [`Passage`], the one field of the
//! index that is stored.
//!
//! The scalars and strings every passage has (id, section headings, kind, paragraph, seq,
//! text, provenance) are written as LEB128 varints and length-prefixed UTF-8; the parts only
//! some passages have (markup, citations, linked references, a parsed reference, a gallery
//! file name) follow as one JSON object, left out when all are empty. A parsed reference's
//! `raw` text is left out when it is the passage's text, which it almost always is.
//!
//! Against the JSON record of format 6 this is 0.60× the bytes before compression and 0.87×
//! after (in tantivy's 16 KB zstd blocks; the benchmark kit's 20 MB corpus), and the common
//! passage reads without a JSON parser. Decoding checks every length and never panics: a
//! damaged record is an error.

use crate::cite::Reference;
use crate::cite::inline::Citation;
use crate::cite::link::LinkedReference;
use crate::passage::{Passage, Provenance};
use crate::source::{Kind, Markup};
use serde::{Deserialize, Serialize};

/// First byte of every record: the encoding's version.
const TAG: u8 = 1;

/// Flag bits of the byte after the tag.
const HAS_REST: u8 = 1;
/// The reference's `raw` is the passage's text (left out of the JSON part).
const RAW_IS_TEXT: u8 = 2;

/// What a damaged record lacks, for the error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Damaged(&'static str);

/// The parts of a passage that most passages do not have, stored as JSON.
#[derive(Default, Serialize, Deserialize)]
struct Rest {
    #[serde(default, rename = "m", skip_serializing_if = "Vec::is_empty")]
    markup: Vec<Markup>,
    #[serde(default, rename = "c", skip_serializing_if = "Vec::is_empty")]
    citations: Vec<Citation>,
    #[serde(default, rename = "pc", skip_serializing_if = "Vec::is_empty")]
    paragraph_citations: Vec<Citation>,
    #[serde(default, rename = "l", skip_serializing_if = "Vec::is_empty")]
    cited: Vec<LinkedReference>,
    #[serde(default, rename = "r", skip_serializing_if = "Option::is_none")]
    reference: Option<Box<Reference>>,
    #[serde(default, rename = "f", skip_serializing_if = "Option::is_none")]
    file: Option<String>,
}

impl Rest {
    fn is_empty(&self) -> bool {
        self.markup.is_empty()
            && self.citations.is_empty()
            && self.paragraph_citations.is_empty()
            && self.cited.is_empty()
            && self.reference.is_none()
            && self.file.is_none()
    }
}

/// Encodes a passage, taking from it the parts that are moved into the record's JSON part
/// (its markup, citations, links, reference and gallery file): `p` is left without them.
pub fn encode(p: &mut Passage) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(64 + p.text.len() + p.id.len());
    let mut rest = Rest {
        markup: std::mem::take(&mut p.source.markup),
        citations: std::mem::take(&mut p.citations),
        paragraph_citations: std::mem::take(&mut p.paragraph_citations),
        cited: std::mem::take(&mut p.cited),
        reference: p.reference.take(),
        file: p.file.take(),
    };
    let mut flags = 0;
    if let Some(r) = rest.reference.as_mut()
        && r.raw == p.text
    {
        r.raw.clear();
        flags |= RAW_IS_TEXT;
    }
    if !rest.is_empty() {
        flags |= HAS_REST;
    }
    out.push(TAG);
    out.push(flags);
    put_str(&mut out, &p.id);
    put_str(&mut out, &p.document);
    put_str(&mut out, &p.document_slug);
    put_str(&mut out, &p.language);
    put_str(&mut out, &p.source.path);
    put_uint(&mut out, p.section.len() as u64);
    for h in &p.section {
        put_str(&mut out, h);
    }
    out.push(kind_code(p.kind));
    put_uint(&mut out, u64::from(p.paragraph));
    put_uint(&mut out, u64::from(p.seq));
    put_str(&mut out, &p.text);
    let s = &p.source;
    put_uint(&mut out, u64::from(s.line_start));
    put_uint(&mut out, u64::from(s.line_end.saturating_sub(s.line_start)));
    put_uint(&mut out, s.byte_start as u64);
    put_uint(&mut out, s.byte_end.saturating_sub(s.byte_start) as u64);
    if flags & HAS_REST != 0 {
        serde_json::to_writer(&mut out, &rest)?;
    }
    Ok(out)
}

/// Decodes a record written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Passage, Damaged> {
    let mut r = Reader { bytes, at: 0 };
    if r.byte()? != TAG {
        return Err(Damaged("a record of an unknown encoding"));
    }
    let flags = r.byte()?;
    let id = r.string()?;
    let document = r.string()?;
    let document_slug = r.string()?;
    let language = r.string()?;
    let path = r.string()?;
    let sections = r.uint()?;
    // Each heading takes at least its length byte: a count past the bytes left is damage.
    if sections > r.left() as u64 {
        return Err(Damaged("a record cut short"));
    }
    let section = (0..sections).map(|_| r.string()).collect::<Result<Vec<_>, _>>()?;
    let kind = kind_of(r.byte()?).ok_or(Damaged("a record of an unknown kind"))?;
    let paragraph = r.u32()?;
    let seq = r.u32()?;
    let text = r.string()?;
    let line_start = r.u32()?;
    let line_end = line_start.checked_add(r.u32()?).ok_or(Damaged("a record with bad lines"))?;
    let byte_start = r.usize()?;
    let byte_end = byte_start.checked_add(r.usize()?).ok_or(Damaged("a record with bad offsets"))?;
    let mut rest = if flags & HAS_REST != 0 {
        serde_json::from_slice::<Rest>(&bytes[r.at..])
            .map_err(|_| Damaged("a record with damaged citations"))?
    } else if r.left() > 0 {
        return Err(Damaged("a record with trailing bytes"));
    } else {
        Rest::default()
    };
    if flags & RAW_IS_TEXT != 0
        && let Some(reference) = rest.reference.as_mut()
    {
        reference.raw = text.clone();
    }
    Ok(Passage {
        id,
        document,
        document_slug,
        section,
        kind,
        paragraph,
        seq,
        text,
        language,
        source: Provenance { path, line_start, line_end, byte_start, byte_end, markup: rest.markup },
        file: rest.file,
        citations: rest.citations,
        paragraph_citations: rest.paragraph_citations,
        cited: rest.cited,
        reference: rest.reference,
    })
}

fn kind_code(k: Kind) -> u8 {
    Kind::ALL.iter().position(|&x| x == k).expect("every kind is in Kind::ALL") as u8
}

fn kind_of(code: u8) -> Option<Kind> {
    Kind::ALL.get(usize::from(code)).copied()
}

fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn byte(&mut self) -> Result<u8, Damaged> {
        let b = *self.bytes.get(self.at).ok_or(Damaged("a record cut short"))?;
        self.at += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, Damaged> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Damaged("a record with a bad number"))
    }

    fn u32(&mut self) -> Result<u32, Damaged> {
        u32::try_from(self.uint()?).map_err(|_| Damaged("a record with a bad number"))
    }

    fn usize(&mut self) -> Result<usize, Damaged> {
        usize::try_from(self.uint()?).map_err(|_| Damaged("a record with a bad number"))
    }

    fn string(&mut self) -> Result<String, Damaged> {
        let n = self.usize()?;
        if n > self.left() {
            return Err(Damaged("a record cut short"));
        }
        let s = std::str::from_utf8(&self.bytes[self.at..self.at + n])
            .map_err(|_| Damaged("a record with bad text"))?;
        self.at += n;
        Ok(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every passage of the bundled article and of the test fixtures, with all its parts.
    fn passages() -> Vec<Passage> {
        let mut out = Vec::new();
        for path in [
            "corpus/treaty-of-portsmouth.txt",
            "tests/fixtures/formats/portsmouth-real.wiki",
            "tests/fixtures/formats/witte-memoirs.md",
            "tests/fixtures/formats/portsmouth.bib",
        ] {
            let text = std::fs::read_to_string(path).unwrap();
            let format = crate::source::format_for(std::path::Path::new(path), &text);
            out.extend(crate::passage::read_and_check(format, &text, path, 120).unwrap());
        }
        out
    }

    #[test]
    fn every_bundled_passage_reads_back_the_same() {
        let all = passages();
        assert!(all.len() > 40, "the bundled corpus has passages");
        assert!(all.iter().any(|p| p.reference.is_some()), "and parsed references");
        assert!(all.iter().any(|p| !p.citations.is_empty()), "and citations");
        assert!(all.iter().any(|p| !p.source.markup.is_empty()), "and markup");
        assert!(all.iter().any(|p| !p.paragraph_citations.is_empty()), "and cut paragraphs");
        for p in all {
            let mut q = p.clone();
            let bytes = encode(&mut q).unwrap();
            assert_eq!(decode(&bytes).unwrap(), p);
        }
    }

    #[test]
    fn a_record_without_its_document_reads_back_without_it() {
        let mut p = passages().into_iter().nth(3).unwrap();
        p.without_document();
        let mut q = p.clone();
        assert_eq!(decode(&encode(&mut q).unwrap()).unwrap(), p);
    }

    #[test]
    fn a_reference_whose_raw_differs_from_the_text_keeps_it() {
        let mut p = passages().into_iter().find(|p| p.reference.is_some()).unwrap();
        p.reference.as_mut().unwrap().raw = "something else".into();
        let mut q = p.clone();
        assert_eq!(decode(&encode(&mut q).unwrap()).unwrap(), p);
    }

    #[test]
    fn every_cut_record_is_an_error_not_a_panic() {
        for p in passages().into_iter().take(30) {
            let bytes = encode(&mut p.clone()).unwrap();
            for n in 0..bytes.len() {
                assert!(decode(&bytes[..n]).is_err(), "cut at {n} of {}", bytes.len());
            }
            let mut longer = bytes.clone();
            longer.push(b'x');
            assert!(decode(&longer).is_err());
        }
    }

    #[test]
    fn numbers_round_trip_at_their_limits() {
        for v in [0, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            put_uint(&mut out, v);
            assert_eq!(Reader { bytes: &out, at: 0 }.uint().unwrap(), v);
        }
        let too_long = [0xffu8; 11];
        assert!(Reader { bytes: &too_long, at: 0 }.uint().is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Any bytes decode to a passage or an error; a real record with one byte changed too.
        #[test]
        fn any_bytes_decode_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
            let mut with_tag = vec![TAG, HAS_REST | RAW_IS_TEXT];
            with_tag.extend(&bytes);
            let _ = decode(&with_tag);
        }

        #[test]
        fn a_changed_byte_is_read_or_refused(at in any::<prop::sample::Index>(), to in any::<u8>()) {
            static RECORD: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
            let mut bytes = RECORD
                .get_or_init(|| {
                    let mut p = passages().into_iter().find(|p| p.reference.is_some()).unwrap();
                    encode(&mut p).unwrap()
                })
                .clone();
            let i = at.index(bytes.len());
            bytes[i] = to;
            let _ = decode(&bytes);
        }
    }
}
