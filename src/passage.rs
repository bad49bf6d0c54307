//! Passages: the unit citedex indexes, searches and cites.
//!
//! A paragraph found by a source reader becomes one passage, unless it is longer than the word
//! limit: then it is cut at sentence boundaries (UAX #29) into consecutive passages, and a
//! single over-long sentence at word boundaries. Inline citations found in a paragraph are
//! never cut, and are removed from the passage text (see [`crate::cite::inline`]).
//!
//! Every passage knows exactly where it comes from: `source[byte_start..byte_end]` is its text
//! with its citations and markup still in place; removing the citations' byte ranges from that
//! slice, and reading each markup range as its replacement ([`Provenance::markup`]), gives
//! [`Passage::text`] exactly (see [`render`]).

use crate::cite::inline::{self, Citation};
pub use crate::source::Markup;
use crate::source::{Document, Kind};
use serde::{Deserialize, Serialize};

/// Default word limit of a passage.
pub const DEFAULT_MAX_WORDS: usize = 100;

/// Where a passage comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Left empty in the index's stored records after a document's first passage (see
    /// [`Passage::without_document`]).
    #[serde(default)]
    pub path: String,
    pub line_start: u32,
    pub line_end: u32,
    pub byte_start: usize,
    pub byte_end: usize,
    /// Markup within `byte_start..byte_end` that is not text (MediaWiki's `'''`, `[[Target|`,
    /// templates), in order: each range reads as its `with`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markup: Vec<Markup>,
}

/// The fields of a passage that are its document's: the same for all its passages (kept in
/// this short form in the index's document table, `index::documents`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPart {
    #[serde(rename = "t")]
    pub document: String,
    #[serde(rename = "s")]
    pub document_slug: String,
    #[serde(rename = "l")]
    pub language: String,
    #[serde(rename = "p")]
    pub path: String,
}

/// One searchable passage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// `{document-slug}/{section-slug}/{paragraph}`, with `.{part}` (1, 2, …) for the pieces
    /// of a paragraph cut for length.
    pub id: String,
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub document_slug: String,
    /// Headings, outermost first; empty for the lead.
    pub section: Vec<String>,
    pub kind: Kind,
    /// 1-based paragraph number within the section; the passages of one cut paragraph share it.
    pub paragraph: u32,
    /// 0-based position of the passage within its document.
    pub seq: u32,
    pub text: String,
    /// Language of the document (`en`, `ru`, `ja`, `zh`, …), detected from its text.
    #[serde(default)]
    pub language: String,
    pub source: Provenance,
    /// For gallery captions, the image file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
    /// The citations of the other passages cut from the same paragraph (their byte ranges
    /// lie outside this passage): what the paragraph rests on, shown with scope `paragraph`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paragraph_citations: Vec<Citation>,
    /// The bibliography entries this passage's citations are linked to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cited: Vec<crate::cite::link::LinkedReference>,
    /// For bibliography entries, the parsed record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Box<crate::cite::Reference>>,
}

impl Passage {
    /// The bibliography entry one of this passage's citations is linked to, if any.
    pub fn linked(&self, c: &Citation) -> Option<&crate::cite::link::LinkedReference> {
        c.reference.as_ref().and_then(|id| self.cited.iter().find(|r| &r.id == id))
    }

    /// Takes out what every passage of a document repeats (its title, slug, language and
    /// file path), for a stored record that [`Passage::with_document`] completes again.
    pub fn without_document(&mut self) -> DocumentPart {
        DocumentPart {
            document: std::mem::take(&mut self.document),
            document_slug: std::mem::take(&mut self.document_slug),
            language: std::mem::take(&mut self.language),
            path: std::mem::take(&mut self.source.path),
        }
    }

    /// Puts back what [`Passage::without_document`] took out.
    pub fn with_document(&mut self, part: DocumentPart) {
        self.document = part.document;
        self.document_slug = part.document_slug;
        self.language = part.language;
        self.source.path = part.path;
    }

    /// `Document › Section ¶n — path:line`, the line a reader copies into a footnote.
    pub fn cite_as(&self) -> String {
        let mut s = self.document.clone();
        for h in &self.section {
            s.push_str(" › ");
            s.push_str(h);
        }
        if self.section.is_empty() {
            s.push_str(" › lead");
        }
        s.push_str(&format!(" ¶{} — {}:{}", self.paragraph, self.source.path, self.source.line_start));
        if self.source.line_end != self.source.line_start {
            s.push_str(&format!("-{}", self.source.line_end));
        }
        s
    }
}

/// A URL- and shell-friendly form of a title: lowercase letters and digits joined by `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    // Ids are exact index terms, which have a size limit: keep slugs short.
    if out.chars().count() > MAX_SLUG_CHARS {
        let cut: String = out.chars().take(MAX_SLUG_CHARS).collect();
        out = cut.trim_end_matches('-').to_string();
    }
    if out.is_empty() { "untitled".to_string() } else { out }
}

/// Longest slug, in characters.
const MAX_SLUG_CHARS: usize = 80;

/// Splits the documents of one file into passages.
///
/// `path` is recorded as the provenance; `doc_slugs` are the slugs already used by other
/// documents (a repeated title gets `-2`, `-3`, …) and receives the new ones.
pub fn split(
    text: &str,
    path: &str,
    docs: &[Document],
    max_words: usize,
    doc_slugs: &mut std::collections::HashSet<String>,
) -> Vec<Passage> {
    let slugs = document_slugs(docs, doc_slugs);
    split_with_slugs(text, path, docs, &slugs, max_words)
}

/// The slug of each document, unique among `used` (a repeated title gets `-2`, `-3`, …),
/// which receives them.
pub fn document_slugs(docs: &[Document], used: &mut std::collections::HashSet<String>) -> Vec<String> {
    docs.iter().map(|d| unique(slug(&d.title), used)).collect()
}

/// [`split`] with the documents' slugs given (from [`document_slugs`]), so that files can be
/// split on several threads while their slugs are given out in order.
pub fn split_with_slugs(
    text: &str,
    path: &str,
    docs: &[Document],
    slugs: &[String],
    max_words: usize,
) -> Vec<Passage> {
    // A passage a block at least.
    let mut out = Vec::with_capacity(docs.iter().map(|d| d.blocks.len()).sum());
    for (doc, document_slug) in docs.iter().zip(slugs) {
        let document_slug = document_slug.clone();
        // `lead` names the lead section: a section called Lead becomes `lead-2`.
        let mut section_slugs = std::collections::HashSet::from(["lead".to_string()]);
        let section_ids: Vec<String> = doc
            .sections
            .iter()
            .map(|s| match s.path.last() {
                None => "lead".to_string(),
                Some(h) => unique(slug(h), &mut section_slugs),
            })
            .collect();
        let language = crate::analysis::detect_language(
            doc.blocks.iter().take(200).map(|b| &text[b.byte_start..b.byte_end]),
        );
        let mut seq = 0u32;
        // Where each block's passages begin in `out`, and the bibliography entry each
        // reader-marked citation points to (a block index), to fill in once ids are known.
        let first = out.len();
        let mut block_starts = Vec::with_capacity(doc.blocks.len());
        let mut targets: Vec<(usize, usize, usize)> = Vec::new(); // (passage, citation, block)
        for block in &doc.blocks {
            block_starts.push(out.len());
            let para = &text[block.byte_start..block.byte_end];
            let (citations, pointers): (Vec<Citation>, Vec<Option<usize>>) = if doc.marked_citations {
                block.citations.iter().map(|(c, to)| (c.shifted_back(block.byte_start), *to)).unzip()
            } else if block.kind == Kind::Body {
                inline::find(para).into_iter().map(|c| (c, None)).unzip()
            } else {
                (Vec::new(), Vec::new())
            };
            let markup: Vec<Markup> = block
                .markup
                .iter()
                .map(|m| Markup {
                    start: m.start - block.byte_start,
                    end: m.end - block.byte_start,
                    ..m.clone()
                })
                .collect();
            debug_assert!(markup.windows(2).all(|w| w[0].end <= w[1].start), "markup is sorted");
            // Neither citations nor markup are cut, and their words do not count.
            let mut kept: Vec<(usize, usize)> = citations
                .iter()
                .map(|c| (c.start, c.end))
                .chain(markup.iter().map(|m| (m.start, m.end)))
                .collect();
            kept.sort_unstable();
            let pieces = chunks(para, &kept, max_words);
            let cut = pieces.len() > 1;
            let mut line_cursor = (block.byte_start, block.line_start);
            for (part, (start, end)) in pieces.into_iter().enumerate() {
                // A chunk is never cut inside a citation, but trimming may cut off the space a
                // citation's removal range starts or ends with.
                let mut own: Vec<Citation> = Vec::new();
                for (i, c) in citations.iter().enumerate().filter(|(_, c)| c.end > start && c.start < end) {
                    // Nor may it take in markup before it (markup is sorted and does not
                    // overlap, so its ends are sorted too).
                    let ended = markup.partition_point(|m| m.end <= c.start);
                    let markup_before = ended.checked_sub(1).map_or(0, |i| markup[i].end);
                    let floor = own.last().map_or(start, |p: &Citation| p.end).max(markup_before);
                    own.push(fit(para, c, floor, end));
                    if let Some(to) = pointers[i] {
                        targets.push((out.len(), own.len() - 1, to));
                    }
                }
                let own: Vec<Citation> = own.into_iter().map(|c| c.shifted(block.byte_start)).collect();
                let own_markup: Vec<Markup> = markup
                    .iter()
                    .filter(|m| m.start >= start && m.end <= end)
                    .map(|m| Markup {
                        start: m.start + block.byte_start,
                        end: m.end + block.byte_start,
                        ..m.clone()
                    })
                    .collect();
                let byte_start = block.byte_start + start;
                let byte_end = block.byte_start + end;
                let body = render(text, byte_start, byte_end, &own, &own_markup);
                let (line_start, line_end) = line_span(text, block, &mut line_cursor, byte_start, byte_end);
                out.push(Passage {
                    // The paragraph's number, as ¶ shows it; the pieces of a cut paragraph
                    // add theirs (`…/4.1`, `…/4.2`).
                    id: passage_id(
                        &document_slug,
                        &section_ids[block.section],
                        block.paragraph,
                        cut.then_some(part + 1),
                    ),
                    document: doc.title.clone(),
                    document_slug: document_slug.clone(),
                    section: doc.sections[block.section].path.clone(),
                    kind: block.kind,
                    paragraph: block.paragraph,
                    seq,
                    text: body,
                    language: language.to_string(),
                    source: Provenance {
                        path: path.to_string(),
                        line_start,
                        line_end,
                        byte_start,
                        byte_end,
                        markup: own_markup,
                    },
                    file: block.file.clone(),
                    citations: own,
                    paragraph_citations: Vec::new(),
                    cited: Vec::new(),
                    reference: block.reference.clone(),
                });
                seq += 1;
            }
        }
        // A citation the markup ties to an entry points to the entry's (first) passage.
        for (p, c, to) in targets {
            let id = block_starts.get(to).and_then(|&i| out.get(i)).filter(|_| to < doc.blocks.len());
            let id = id.filter(|q| q.kind == Kind::Reference).map(|q| q.id.clone());
            out[p].citations[c].reference = id;
        }
        debug_assert!(out[first..].iter().all(|p| p.document_slug == document_slug));
    }
    out
}

/// A passage's id: `slug/section/paragraph`, and `.part` for a piece of a cut paragraph
/// (`…/4.1`, `…/4.2`). Pushed in parts with `itoa` for the numbers: `format!` here was 0.8% of a
/// build.
fn passage_id(slug: &str, section: &str, paragraph: u32, part: Option<usize>) -> String {
    let mut digits = itoa::Buffer::new();
    let mut id = String::with_capacity(slug.len() + section.len() + 12);
    id.push_str(slug);
    id.push('/');
    id.push_str(section);
    id.push('/');
    id.push_str(digits.format(paragraph));
    if let Some(part) = part {
        id.push('.');
        id.push_str(digits.format(part));
    }
    id
}

/// A citation's removal range within a chunk ending at `end`: clamped to the chunk, and when
/// the citation ends the chunk, widened over the space before it so no space is left dangling.
///
/// `floor` is where the removal may start at the earliest: the chunk's start, or the end of
/// the citation before it.
fn fit(para: &str, c: &Citation, floor: usize, end: usize) -> Citation {
    let mut fitted = c.clone();
    fitted.start = c.start.max(floor);
    if c.end >= end {
        fitted.end = end;
        let before = para[..fitted.start].trim_end_matches(char::is_whitespace);
        fitted.start = before.len().max(floor);
    }
    fitted
}

fn unique(base: String, used: &mut std::collections::HashSet<String>) -> String {
    let mut candidate = base.clone();
    let mut n = 1;
    while used.contains(&candidate) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    used.insert(candidate.clone());
    candidate
}

/// Lines of a chunk of a (possibly multi-line) block.
///
/// `cursor` is a byte of the block at or before `start` and its line, moved to `start`: the
/// pieces of a block come in order, so counting from the last one keeps a block of a million
/// lines linear.
fn line_span(
    text: &str,
    block: &crate::source::Block,
    cursor: &mut (usize, u32),
    start: usize,
    end: usize,
) -> (u32, u32) {
    if block.line_start == block.line_end {
        return (block.line_start, block.line_end);
    }
    let line_start = cursor.1 + crate::source::line_breaks(&text[cursor.0..start]) as u32;
    *cursor = (start, line_start);
    let inside = crate::source::line_breaks(&text[start..end]) as u32;
    (line_start, line_start + inside)
}

/// `text[start..end]` without the citations' byte ranges (absolute offsets), each removal
/// also taking one adjoining space so the prose reads on.
pub fn remove_ranges(text: &str, start: usize, end: usize, citations: &[Citation]) -> String {
    render(text, start, end, citations, &[])
}

/// `text[start..end]` as a passage reads it: the citations' byte ranges removed and each
/// markup range read as its replacement (all absolute offsets, in order, not overlapping).
pub fn render(text: &str, start: usize, end: usize, citations: &[Citation], markup: &[Markup]) -> String {
    let mut cuts: Vec<(usize, usize, &str)> = citations
        .iter()
        .map(|c| (c.start, c.end, ""))
        .chain(markup.iter().map(|m| (m.start, m.end, m.with.as_str())))
        .collect();
    cuts.sort_unstable_by_key(|c| c.0);
    let mut out = String::with_capacity(end - start);
    let mut at = start;
    for (from, to, with) in cuts {
        out.push_str(&text[at..from.clamp(at, end)]);
        out.push_str(with);
        at = to.clamp(at, end);
    }
    out.push_str(&text[at..end]);
    out
}

/// Cuts a paragraph into chunks of at most `max_words` words, at sentence boundaries where it
/// can, never inside a citation. Returns byte ranges into `para`, trimmed of whitespace.
fn chunks(para: &str, kept: &[(usize, usize)], max_words: usize) -> Vec<(usize, usize)> {
    let max_words = max_words.max(1);
    // Citations and markup are removed from passages: their words do not count.
    let cited_in = |s: usize, e: usize| -> usize {
        kept.iter().filter(|&&(a, b)| a >= s && b <= e).map(|&(a, b)| word_count(&para[a..b])).sum()
    };
    // A word has a byte at least, and an ASCII word but the last a separating byte after
    // it: a paragraph this short holds no more words than allowed, uncounted.
    let short = para.len() <= max_words || (para.len() < max_words.saturating_mul(2) && para.is_ascii());
    if short {
        return vec![(0, para.len())];
    }
    // Where the paragraph's words start, read once: four bytes a word (room for one every 5
    // bytes), less than the text; a paragraph past 4 GB counts its sentences one by one.
    let fits = u32::try_from(para.len()).is_ok();
    let mut starts: Vec<u32> = Vec::with_capacity(if fits { para.len() / 5 } else { 0 });
    let mut total = 0usize;
    crate::analysis::word_segments(para, |i, _| {
        total += 1;
        if fits {
            starts.push(i as u32);
        }
    });
    if total <= max_words.saturating_add(cited_in(0, para.len())) {
        return vec![(0, para.len())];
    }
    // `kept` is sorted by start, and its ranges do not overlap.
    let inside_citation = |i: usize| {
        let n = kept.partition_point(|&(a, _)| a < i);
        n > 0 && kept[n - 1].1 > i
    };
    // Sentence pieces, merged where a boundary falls inside a citation.
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    crate::analysis::sentences(para, |i, end| match pieces.last_mut() {
        Some(last) if inside_citation(i) => last.1 = end,
        _ => pieces.push((i, end)),
    });
    // Over-long pieces are cut at word boundaries.
    let mut units: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, words)
    // The words of `para[s..e]` are those starting there where the words split at both ends
    // (a sentence after a space, most); the others (after a `.` with no space) are counted.
    let split = |i: usize| crate::analysis::words_split_at(para, i);
    // The pieces follow each other, so each starts at the word `next` (or after it).
    let mut next = 0;
    for (s, e) in pieces {
        let starting = starts[next..].iter().take_while(|&&w| (w as usize) < e).count();
        next += starting;
        let words = if fits && split(s) && split(e) { starting } else { word_count(&para[s..e]) };
        let words = words.saturating_sub(cited_in(s, e));
        if words <= max_words {
            units.push((s, e, words));
            continue;
        }
        let mut start = s;
        let mut n = 0;
        crate::analysis::word_segments(&para[s..e], |i, _| {
            let at = s + i;
            if n >= max_words && !inside_citation(at) {
                units.push((start, at, n));
                start = at;
                n = 0;
            }
            n += 1;
        });
        units.push((start, e, n));
    }
    // Greedy packing of units into chunks.
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize, usize)> = None;
    for (s, e, w) in units {
        current = match current {
            Some((cs, _, cw)) if cw + w <= max_words => Some((cs, e, cw + w)),
            Some(c) => {
                out.push((c.0, c.1));
                Some((s, e, w))
            }
            None => Some((s, e, w)),
        };
    }
    out.extend(current.map(|c| (c.0, c.1)));
    out.into_iter()
        .filter_map(|(s, e)| {
            let piece = &para[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let t = piece.trim();
            (!t.is_empty()).then(|| (s + lead, s + lead + t.len()))
        })
        .collect()
}

pub use crate::analysis::word_count;

/// Reads `text` as the file `path` with `format` (named after the file), splits and links it,
/// and checks that every passage maps back to the text ([`check_maps_back`]). The fuzz
/// targets run every reader through this.
pub fn read_and_check(
    format: &dyn crate::source::SourceFormat,
    text: &str,
    path: &str,
    max_words: usize,
) -> Result<Vec<Passage>, String> {
    let stem =
        std::path::Path::new(path).file_stem().map_or(String::new(), |s| s.to_string_lossy().into_owned());
    let docs = format.read(text, &stem);
    let mut ps = split(text, path, &docs, max_words, &mut std::collections::HashSet::new());
    crate::cite::link::link(&mut ps);
    check_maps_back(text, &ps)?;
    Ok(ps)
}

/// [`read_and_check`] as a test assertion.
#[cfg(test)]
pub(crate) fn read_checked(
    format: &dyn crate::source::SourceFormat,
    text: &str,
    path: &str,
    max_words: usize,
) -> Vec<Passage> {
    read_and_check(format, text, path, max_words).unwrap_or_else(|e| panic!("{e}"))
}

/// Checks that every passage maps back to the file exactly: its text is its byte range with
/// the citations removed and the markup read as its replacement; every range lies inside the
/// file on character boundaries; markup and citations lie inside the passage without
/// overlapping; two passages overlap only where one is a footnote's entry inside the other's
/// citation. The first broken rule, naming the passage, is the error.
///
/// The tests and the fuzz targets (`fuzz/`) hold every reader to this.
pub fn check_maps_back(text: &str, ps: &[Passage]) -> Result<(), String> {
    let ensure = |ok: bool, what: &dyn Fn() -> String| if ok { Ok(()) } else { Err(what()) };
    let on_boundary = |b: usize| b <= text.len() && text.is_char_boundary(b);
    for p in ps {
        let s = &p.source;
        let id = &p.id;
        ensure(s.byte_start <= s.byte_end && s.byte_end <= text.len(), &|| {
            format!("{id}: range {}..{} outside the file of {} bytes", s.byte_start, s.byte_end, text.len())
        })?;
        let mut ranges: Vec<(usize, usize)> = p
            .citations
            .iter()
            .map(|c| (c.start, c.end))
            .chain(s.markup.iter().map(|m| (m.start, m.end)))
            .collect();
        ranges.push((s.byte_start, s.byte_end));
        for &(a, b) in &ranges {
            ensure(a <= b && on_boundary(a) && on_boundary(b), &|| {
                format!("{id}: range {a}..{b} not on characters")
            })?;
        }
        ranges.pop();
        ranges.sort_unstable();
        ensure(ranges.windows(2).all(|w| w[0].1 <= w[1].0), &|| format!("{id}: overlapping markup"))?;
        ensure(ranges.iter().all(|&(a, b)| a >= s.byte_start && b <= s.byte_end), &|| {
            format!("{id}: markup or citation outside the passage")
        })?;
        let rendered = render(text, s.byte_start, s.byte_end, &p.citations, &s.markup);
        ensure(rendered == p.text, &|| format!("{id}: text {:?} but its source reads {rendered:?}", p.text))?;
    }
    // In file order, to count lines and find overlaps in one pass (a fuzzed file of thousands
    // of passages must not take quadratic time to check).
    let mut order: Vec<&Passage> = ps.iter().collect();
    order.sort_by_key(|p| (p.source.byte_start, p.source.byte_end));
    let (mut at, mut line) = (0, 1);
    for p in &order {
        let s = &p.source;
        line += crate::source::line_breaks(&text[at..s.byte_start]) as u32;
        at = s.byte_start;
        ensure(line == s.line_start, &|| format!("{}: starts on line {line}, not {}", p.id, s.line_start))?;
    }
    for (i, p) in order.iter().enumerate() {
        for q in &order[i + 1..] {
            let (a, b) = (&p.source, &q.source);
            if b.byte_start >= a.byte_end {
                break;
            }
            if a.byte_start < b.byte_end {
                // Inside a citation, or inside markup (a template holding a footnote).
                let within = |outer: &Passage, inner: &Passage| {
                    let (s, e) = (inner.source.byte_start, inner.source.byte_end);
                    outer.citations.iter().any(|c| c.start <= s && e <= c.end)
                        || outer.source.markup.iter().any(|m| m.start <= s && e <= m.end)
                };
                ensure(within(p, q) || within(q, p), &|| format!("{} and {} overlap", p.id, q.id))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Treaty of Portsmouth"), "treaty-of-portsmouth");
        assert_eq!(slug("External links"), "external-links");
        assert_eq!(slug("Договор — мир"), "договор-мир");
        assert_eq!(slug("***"), "untitled");
    }

    #[test]
    fn adjacent_citations_at_the_end_of_a_paragraph() {
        let text = "[[T]]\nThe war ended. Jukes, The War, p. 86. Kowner, History, p. 300.\n\
                    Some prose here. (Kowner 2006, p. 300) (Jukes 2002, p. 86)\n";
        check_invariants(text, DEFAULT_MAX_WORDS);
        check_invariants(text, 3);
    }

    #[test]
    fn a_section_called_lead_does_not_clash_with_the_lead() {
        let text = "[[Doc]]\nLead text about alpha.\n==Lead==\nSection text about beta.\n";
        check_invariants(text, DEFAULT_MAX_WORDS);
    }

    #[test]
    fn long_titles_give_short_slugs() {
        assert!(slug(&"abcdefghij ".repeat(7000)).chars().count() <= 80);
    }

    #[test]
    fn short_paragraph_is_one_chunk() {
        assert_eq!(chunks("One. Two.", &[], 100), vec![(0, 9)]);
    }

    #[test]
    fn long_paragraph_is_cut_at_sentences() {
        let para = "One two three. Four five six. Seven eight.";
        let got: Vec<&str> = chunks(para, &[], 6).into_iter().map(|(s, e)| &para[s..e]).collect();
        assert_eq!(got, vec!["One two three. Four five six.", "Seven eight."]);
    }

    #[test]
    fn long_sentence_is_cut_at_words() {
        let para = "a b c d e f g";
        let got: Vec<&str> = chunks(para, &[], 3).into_iter().map(|(s, e)| &para[s..e]).collect();
        assert_eq!(got, vec!["a b c", "d e f", "g"]);
    }

    use crate::source::{SourceFormat, WikiText, lines};
    use proptest::prelude::*;

    /// Every passage maps back to its source exactly, passages never overlap, and every
    /// non-blank line that is not markup (title, heading, empty bullet) is in a passage.
    fn check_invariants(text: &str, max_words: usize) {
        let docs = WikiText.read(text, "fallback");
        let passages = split(text, "f.txt", &docs, max_words, &mut std::collections::HashSet::new());
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for p in &passages {
            let s = &p.source;
            assert_eq!(remove_ranges(text, s.byte_start, s.byte_end, &p.citations), p.text, "{}", p.id);
            let line_of = |b: usize| crate::source::line_breaks(&text[..b]) as u32 + 1;
            assert_eq!(line_of(s.byte_start), s.line_start, "{}", p.id);
            assert!(word_count(&p.text) <= max_words, "{p:#?}");
            // The id ends in the paragraph's number, as ¶ shows it (and `.part` when cut).
            let last = p.id.rsplit('/').next().unwrap_or_default();
            assert_eq!(last.split('.').next().and_then(|n| n.parse().ok()), Some(p.paragraph), "{}", p.id);
            ranges.push((s.byte_start, s.byte_end));
        }
        ranges.sort_unstable();
        assert!(ranges.windows(2).all(|w| w[0].1 <= w[1].0), "passages overlap");
        let mut ids: Vec<&str> = passages.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), passages.len(), "ids are unique");
        for (number, start, line) in lines(text) {
            let t = line.trim();
            let markup = t.is_empty()
                || t.trim_start_matches('*').trim().is_empty()
                || (t.starts_with("[[") && (t.ends_with("]]") || !t.contains("]]")))
                || (t.starts_with("==") && !t.trim_matches('=').trim().is_empty());
            if markup {
                continue;
            }
            let end = start + line.len();
            assert!(ranges.iter().any(|&(a, b)| a < end && b > start), "line {number} lost: {line:?}");
        }
    }

    #[test]
    fn the_seed_maps_back_exactly() {
        let text = include_str!("../corpus/treaty-of-portsmouth.txt");
        check_invariants(text, DEFAULT_MAX_WORDS);
        check_invariants(text, 7);
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(" ".to_string()),
            "[a-zA-Z ]{0,12}".prop_map(|t| format!("[[{t}]]")),
            "[a-zA-Z ]{0,12}".prop_map(|t| format!("[[{t}")),
            "[a-zA-Z ]{0,12}".prop_map(|t| format!("=={t}==")),
            Just("==References==".to_string()),
            Just("==Notes==".to_string()),
            "[a-z ]{0,10}".prop_map(|t| format!("* {t}")),
            "[a-z]{1,5}".prop_map(|t| format!("File:{t}.jpg|{t} caption")),
            "(\\PC{1,12}[ .!?]){1,40}",
            Just("Jukes, The Russo-Japanese War 1904-1905, p. 86-90. And more text.".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_wiki_text_maps_back_exactly(lines in proptest::collection::vec(line(), 0..30), crlf: bool, words in 1usize..20) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            check_invariants(&text, words);
        }

        #[test]
        fn passage_ids_read_as_formatted(slug in "\\PC{0,12}", section in "\\PC{0,12}", paragraph: u32, part: Option<usize>) {
            let expected = match part {
                Some(p) => format!("{slug}/{section}/{paragraph}.{p}"),
                None => format!("{slug}/{section}/{paragraph}"),
            };
            prop_assert_eq!(passage_id(&slug, &section, paragraph, part), expected);
        }
    }

    #[test]
    fn passage_ids_at_the_edges() {
        assert_eq!(passage_id("a", "lead", 0, None), "a/lead/0");
        assert_eq!(passage_id("a", "s", 10, Some(1)), "a/s/10.1");
        assert_eq!(
            passage_id("a", "s", u32::MAX, Some(usize::MAX)),
            format!("a/s/{}.{}", u32::MAX, usize::MAX)
        );
    }
}
