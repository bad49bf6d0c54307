//! Markdown (CommonMark with GitHub's footnotes, tables and strikethrough), read with
//! `pulldown-cmark` and its source offsets.
//!
//! ```text
//! ---                        optional front matter; its `title:` names the document
//! title: The Treaty
//! ---
//! # The Treaty               the first level-1 heading names the document (when no front matter
//!                            title; one repeating that title is the title too, not a section)
//! The Treaty                 a setext heading (text underlined with `===` or `---`) is a heading
//! ==========
//! The **Treaty** was signed  a paragraph: emphasis dropped, links read as their labels,
//! in [Kittery](https://…).   inline code as its text, entities as their characters
//! Jukes, p. 86.[^1]          a footnote mark: a citation, its text the footnote's
//! ## Background              `##` opens a section, `###` a subsection, and so on
//! - item                     each list item is a paragraph (in References: a reference)
//! > quoted text              each quoted paragraph is a paragraph, without its `>`
//! ```                        a fenced code block is one paragraph, fences excluded
//! ![Caption](file.jpg)       an image alone in its paragraph: a caption, with the file name kept
//! | a | b |                  each table row is a paragraph, its cells read `a | b`
//! ***                        a rule (`***`, `---`, `___`) is skipped; HTML blocks too
//! [^1]: Jukes, G. (2002).…   a footnote: a reference when it reads as a work, else a note
//! ```
//! Sections named References, Bibliography, External links or Notes give their paragraphs
//! those kinds, as in wiki text.
//!
//! Nothing is rewritten: the markup left out of a passage (`**`, `[`, `](https://…)`, a
//! blockquote's `>` on a continued line, `&amp;` read as `&`) is recorded in
//! [`super::Block::markup`], and footnote marks in [`super::Block::citations`], so a passage
//! maps back to the file exactly. Author–date citations in the prose (`(Jukes 2002, p. 86)`) are
//! found in the text as it reads, as in the other formats.

use super::{Block, Document, Kind, LineStarts, Markup, Section, SourceFormat, footnote};
use crate::cite::inline::{self, Citation};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::path::Path;

/// Reader for Markdown files.
pub struct Markdown;

impl SourceFormat for Markdown {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["md", "markdown", "mdown", "mkd"]
    }

    fn accepts(&self, path: &Path, text: &str) -> bool {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            e if self.extensions().contains(&e) => true,
            "txt" | "wiki" | "text" => false,
            _ => {
                let t = text.trim_start_matches('\u{feff}');
                t.starts_with("---\n") || t.starts_with("---\r\n") || t.starts_with("# ")
            }
        }
    }

    fn read(&self, text: &str, fallback_title: &str) -> Vec<Document> {
        vec![Reader::new(text, fallback_title).read()]
    }
}

/// What a leaf block is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum What {
    Paragraph,
    Heading(usize),
    Code,
    Row,
}

/// A piece of text as it reads: `source[start..end]`, or `with` in its place.
#[derive(Debug)]
struct Piece {
    start: usize,
    end: usize,
    with: Option<String>,
    /// What the gap before it reads as (a table's cell separator), when not nothing.
    gap: Option<&'static str>,
}

/// A leaf block being gathered.
#[derive(Debug)]
struct Leaf {
    what: What,
    pieces: Vec<Piece>,
    /// Footnote marks: byte range and label.
    marks: Vec<(usize, usize, String)>,
    /// The first image's file name, and whether any text lies outside images.
    image: Option<String>,
    text_outside_image: bool,
    /// A table cell began: the next piece is preceded by a separator.
    new_cell: bool,
}

/// A footnote mark waiting for its definition: (block, citation, label).
type Pending = (usize, usize, String);

struct Reader<'a> {
    text: &'a str,
    lines: LineStarts,
    doc: Document,
    titled: bool,
    stack: Vec<(usize, String)>,
    kind_of_section: Option<Kind>,
    leaf: Option<Leaf>,
    /// Inside a footnote definition: its label and whether it has a block yet.
    footnote: Option<(String, bool)>,
    /// The first block of each footnote definition.
    definitions: HashMap<String, usize>,
    pending: Vec<Pending>,
    images: u32,
    in_metadata: bool,
    in_html: u32,
    in_item: u32,
}

/// What the separator between two table cells reads as.
const CELL_GAP: &str = " | ";

impl<'a> Reader<'a> {
    fn new(text: &'a str, fallback_title: &str) -> Reader<'a> {
        let mut doc = Document::new(fallback_title.to_string(), 0);
        doc.marked_citations = true;
        Reader {
            text,
            lines: LineStarts::new(text),
            doc,
            titled: false,
            stack: Vec::new(),
            kind_of_section: None,
            leaf: None,
            footnote: None,
            definitions: HashMap::new(),
            pending: Vec::new(),
            images: 0,
            in_metadata: false,
            in_html: 0,
            in_item: 0,
        }
    }

    fn read(mut self) -> Document {
        // A byte-order mark is no text; offsets stay those of the file.
        let skip = if self.text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        let options = Options::ENABLE_FOOTNOTES
            | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            | Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH;
        let body = &self.text[skip..];
        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            self.event(event, range.start + skip, range.end + skip);
        }
        self.finish();
        self.resolve_footnotes();
        self.doc
    }

    fn event(&mut self, event: Event<'_>, start: usize, end: usize) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) if self.in_metadata => self.front_matter(&t, start),
            _ if self.in_metadata || self.in_html > 0 => {}
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.piece(start, end, &t)
            }
            Event::SoftBreak | Event::HardBreak => self.piece(start, end, "\n"),
            Event::FootnoteReference(label) => {
                self.open_leaf().marks.push((start, end, label.to_string()));
            }
            Event::Rule => self.finish(),
            Event::Html(_) | Event::InlineHtml(_) | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::MetadataBlock(_) => self.in_metadata = true,
            Tag::HtmlBlock => {
                self.finish();
                self.in_html += 1;
            }
            Tag::Paragraph => self.begin(What::Paragraph),
            Tag::Heading { level, .. } => self.begin(What::Heading(level as usize)),
            Tag::CodeBlock(_) => self.begin(What::Code),
            Tag::TableHead | Tag::TableRow => self.begin(What::Row),
            Tag::TableCell => {
                if let Some(leaf) = &mut self.leaf {
                    leaf.new_cell = !leaf.pieces.is_empty();
                }
            }
            Tag::Item => {
                self.finish();
                self.in_item += 1;
            }
            Tag::FootnoteDefinition(label) => {
                self.finish();
                self.footnote = Some((label.to_string(), false));
            }
            Tag::Image { dest_url, .. } => {
                self.images += 1;
                let leaf = self.open_leaf();
                if leaf.image.is_none() {
                    leaf.image = Some(dest_url.to_string());
                }
            }
            Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_) | Tag::DefinitionList => self.finish(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
            TagEnd::HtmlBlock => self.in_html = self.in_html.saturating_sub(1),
            TagEnd::Image => self.images = self.images.saturating_sub(1),
            TagEnd::Item => {
                self.finish();
                self.in_item = self.in_item.saturating_sub(1);
            }
            TagEnd::FootnoteDefinition => {
                self.finish();
                self.footnote = None;
            }
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::List(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::Table => self.finish(),
            _ => {}
        }
    }

    /// Front matter: its `title:` names the document.
    fn front_matter(&mut self, yaml: &str, start: usize) {
        let mut at = start;
        for line in yaml.split_inclusive('\n') {
            if let Some(v) = line.trim_end().strip_prefix("title:") {
                let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
                if !v.is_empty() {
                    self.doc.title = v.to_string();
                    self.doc.title_line = self.lines.line_of(at);
                    self.titled = true;
                }
            }
            at += line.len();
        }
    }

    fn begin(&mut self, what: What) {
        self.finish();
        self.leaf = Some(Leaf {
            what,
            pieces: Vec::new(),
            marks: Vec::new(),
            image: None,
            text_outside_image: false,
            new_cell: false,
        });
    }

    /// The open leaf, or a new paragraph (the text of a tight list item has none of its own).
    fn open_leaf(&mut self) -> &mut Leaf {
        if self.leaf.is_none() {
            self.begin(What::Paragraph);
        }
        self.leaf.as_mut().expect("a leaf was just opened")
    }

    /// Text that reads `shown` at `start..end`: the source itself where it is the same, else
    /// the part of the source that is (the `code` of `` `code` ``), else `shown` in its place.
    fn piece(&mut self, start: usize, end: usize, shown: &str) {
        let source = &self.text[start..end];
        let (start, end, with) = if source == shown {
            (start, end, None)
        } else if let Some(at) = source.find(shown).filter(|_| !shown.is_empty()) {
            (start + at, start + at + shown.len(), None)
        } else {
            (start, end, Some(shown.to_string()))
        };
        let in_image = self.images > 0;
        let leaf = self.open_leaf();
        if !in_image && !shown.trim().is_empty() {
            leaf.text_outside_image = true;
        }
        let gap = std::mem::take(&mut leaf.new_cell).then_some(CELL_GAP);
        leaf.pieces.push(Piece { start, end, with, gap });
    }

    /// Ends the open leaf: a heading, or a block with its markup and footnote marks.
    fn finish(&mut self) {
        let Some(mut leaf) = self.leaf.take() else { return };
        trim(self.text, &mut leaf.pieces);
        if leaf.pieces.is_empty() && leaf.marks.is_empty() {
            return;
        }
        if let What::Heading(level) = leaf.what {
            let (name, _) = reading(self.text, &leaf.pieces);
            let name = crate::cite::bibliography::collapse(&name);
            let at = leaf.pieces.first().map_or(0, |p| p.start);
            if !name.is_empty() {
                self.heading(level, &name, self.lines.line_of(at));
            }
            return;
        }
        let first = leaf.pieces.iter().map(|p| p.start).chain(leaf.marks.iter().map(|m| m.0)).min();
        let last = leaf.pieces.iter().map(|p| p.end).chain(leaf.marks.iter().map(|m| m.1)).max();
        let (Some(start), Some(end)) = (first, last) else { return };
        let note = self.footnote.as_ref().map(|(_, has_block)| *has_block);
        let (shown_text, runs) = reading(self.text, &leaf.pieces);
        let kind = match note {
            Some(false) if footnote::is_work(&shown_text) => Kind::Reference,
            Some(_) => Kind::Note,
            None if leaf.image.is_some() && !leaf.text_outside_image => Kind::Caption,
            None => self.kind_of_section.unwrap_or(Kind::Body),
        };
        let block_index = self.doc.blocks.len();
        let (markup, mut citations) = layout(self.text, start, end, &leaf);
        if kind == Kind::Body && leaf.what == What::Paragraph {
            prose_citations(&shown_text, &runs, &mut citations, &markup);
        }
        // Markup inside a citation goes with it. Both are sorted and do not overlap.
        let markup = markup
            .into_iter()
            .filter(|m| {
                let before = citations.partition_point(|c| c.start <= m.start);
                before == 0 || m.end > citations[before - 1].end
            })
            .collect();
        let marks: HashMap<(usize, usize), &String> = leaf.marks.iter().map(|m| ((m.0, m.1), &m.2)).collect();
        for (i, c) in citations.iter().enumerate() {
            if let Some(label) = marks.get(&(c.start, c.end)) {
                self.pending.push((block_index, i, (*label).clone()));
            }
        }
        if let Some((label, has_block)) = &mut self.footnote
            && !*has_block
        {
            *has_block = true;
            self.definitions.entry(label.clone()).or_insert(block_index);
        }
        let section = self.doc.sections.len() - 1;
        let paragraph =
            self.doc.blocks.last().filter(|b| b.section == section).map_or(1, |b| b.paragraph + 1);
        let (line_start, line_end) = self.lines.span(start, end);
        self.doc.blocks.push(Block {
            kind,
            section,
            paragraph,
            line_start,
            line_end,
            byte_start: start,
            byte_end: end,
            file: leaf.image.filter(|_| kind == Kind::Caption),
            markup,
            citations: citations.into_iter().map(|c| (c, None)).collect(),
            reference: None,
        });
    }

    /// A heading: the document's title (the first level-1 heading, or one that repeats the
    /// front matter's title), else a section.
    fn heading(&mut self, level: usize, name: &str, line: u32) {
        if level == 1 && !self.titled {
            self.doc.title = name.to_string();
            self.doc.title_line = line;
            self.titled = true;
            return;
        }
        let same_as_title = |a: &str, b: &str| a.split_whitespace().eq(b.split_whitespace());
        if level == 1 && self.doc.sections.len() == 1 && same_as_title(name, &self.doc.title) {
            return;
        }
        while self.stack.last().is_some_and(|(l, _)| *l >= level) {
            self.stack.pop();
        }
        self.stack.push((level, name.to_string()));
        self.kind_of_section = section_kind(name);
        self.doc.sections.push(Section { path: self.stack.iter().map(|(_, n)| n.clone()).collect() });
    }

    /// Each footnote mark reads as its footnote and points at it. A mark whose footnote
    /// yields no block keeps its place but cites nothing.
    fn resolve_footnotes(&mut self) {
        for (block, i, label) in std::mem::take(&mut self.pending) {
            let target = self.definitions.get(&label).copied();
            let shown = target.map(|t| {
                let b = &self.doc.blocks[t];
                crate::passage::render(self.text, b.byte_start, b.byte_end, &[], &b.markup)
            });
            let (c, to) = &mut self.doc.blocks[block].citations[i];
            *c = footnote::citation(shown.as_deref().unwrap_or(""), c.start, c.end, None);
            *to = target;
        }
    }
}

/// Drops the whitespace a leaf begins and ends with.
fn trim(text: &str, pieces: &mut Vec<Piece>) {
    while let Some(p) = pieces.first_mut() {
        if p.with.is_none() {
            let s = &text[p.start..p.end];
            p.start += s.len() - s.trim_start().len();
        }
        if p.start < p.end && p.with.as_deref().is_none_or(|w| !w.trim().is_empty()) {
            break;
        }
        pieces.remove(0);
    }
    while let Some(p) = pieces.last_mut() {
        if p.with.is_none() {
            p.end = p.start + text[p.start..p.end].trim_end().len();
        }
        if p.start < p.end && p.with.as_deref().is_none_or(|w| !w.trim().is_empty()) {
            break;
        }
        pieces.pop();
    }
}

/// Where a run of the text as it reads comes from: (read at, read length, source range,
/// whether it reads as written).
type Run = (usize, usize, usize, usize, bool);

/// The text the pieces read as, and where each of its runs comes from.
fn reading(text: &str, pieces: &[Piece]) -> (String, Vec<Run>) {
    let mut read = String::new();
    let mut runs = Vec::with_capacity(pieces.len());
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 && p.start > pieces[i - 1].end {
            read.push_str(p.gap.unwrap_or(""));
        }
        let shown = p.with.as_deref().unwrap_or(&text[p.start..p.end]);
        runs.push((read.len(), shown.len(), p.start, p.end, p.with.is_none()));
        read.push_str(shown);
    }
    (read, runs)
}

/// The markup of a leaf over `start..end` (what lies between its pieces, and pieces that read
/// otherwise than written) and its footnote marks as citations, which cut through gaps.
fn layout(text: &str, start: usize, end: usize, leaf: &Leaf) -> (Vec<Markup>, Vec<Citation>) {
    let mut cuts: Vec<(usize, usize)> = leaf.marks.iter().map(|m| (m.0, m.1)).collect();
    cuts.sort_unstable();
    let citations: Vec<Citation> = cuts
        .iter()
        .map(|&(a, b)| Citation::spanning(text, a, b, crate::cite::inline::Shape::Footnote))
        .collect();
    let mut markup = Vec::new();
    let gap = |from: usize, to: usize, with: &str, markup: &mut Vec<Markup>| {
        // A gap, less the footnote marks inside it.
        let mut at = from;
        let mut with = with.to_string();
        for &(a, b) in cuts.iter().filter(|&&(a, b)| a < to && b > from) {
            if a > at {
                markup.push(Markup { start: at, end: a, with: std::mem::take(&mut with) });
            }
            at = at.max(b);
        }
        if to > at || !with.is_empty() {
            markup.push(Markup { start: at, end: to.max(at), with });
        }
    };
    let mut at = start;
    for p in &leaf.pieces {
        if p.start > at {
            gap(at, p.start, p.gap.unwrap_or(""), &mut markup);
        }
        if let Some(w) = &p.with {
            markup.push(Markup { start: p.start, end: p.end, with: w.clone() });
        }
        at = at.max(p.end);
    }
    if end > at {
        gap(at, end, "", &mut markup);
    }
    markup.retain(|m| m.end > m.start || !m.with.is_empty());
    (markup, citations)
}

/// Author–date citations in a paragraph's prose, found in the text as it reads (markup left
/// out) and placed at their bytes in the file. Those that would cut a footnote mark or a
/// piece of markup in two are left in the text.
fn prose_citations(read: &str, map: &[Run], citations: &mut Vec<Citation>, markup: &[Markup]) {
    // Where a citation starting (ending) at `at` in the text as it reads starts (ends) in the
    // file: inside a verbatim run at the same place, else at the edge of the run or gap.
    let start_at = |at: usize| -> Option<usize> {
        let i = map.partition_point(|m| m.0 <= at).checked_sub(1)?;
        let (r, len, s, _, verbatim) = map[i];
        match at - r {
            o if o < len => Some(if verbatim { s + o } else { s }),
            _ => map.get(i + 1).map(|m| m.2),
        }
    };
    let end_at = |at: usize| -> Option<usize> {
        let i = map.partition_point(|m| m.0 < at).checked_sub(1)?;
        let (r, len, s, e, verbatim) = map[i];
        match at - r {
            o if o <= len && verbatim => Some(s + o),
            _ => Some(e),
        }
    };
    for c in inline::find(read) {
        let (Some(s), Some(e)) = (start_at(c.start), end_at(c.end)) else { continue };
        let crosses = |a: usize, b: usize| (a < s && b > s) || (a < e && b > e);
        if s >= e
            || citations.iter().any(|f| f.start < e && f.end > s)
            || markup.iter().any(|m| crosses(m.start, m.end))
        {
            continue;
        }
        citations.push(Citation { start: s, end: e, ..c });
    }
    citations.sort_by_key(|c| c.start);
}

fn section_kind(name: &str) -> Option<Kind> {
    match name.trim().to_lowercase().as_str() {
        "references" | "bibliography" | "sources" | "works cited" | "further reading" | "literature" => {
            Some(Kind::Reference)
        }
        "external links" | "links" => Some(Kind::Link),
        "notes" | "footnotes" => Some(Kind::Note),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::inline::Shape;
    use crate::passage::{self, Passage};

    fn read(text: &str) -> (Document, Vec<(Kind, String)>) {
        let doc = Markdown.read(text, "fallback").remove(0);
        let blocks =
            doc.blocks.iter().map(|b| (b.kind, text[b.byte_start..b.byte_end].to_string())).collect();
        (doc, blocks)
    }

    #[test]
    fn front_matter_headings_lists_quotes_code() {
        let text = "---\ntitle: \"The Treaty\"\ndate: 1905\n---\n# Ignored H1\nLead line one\nline two.\n\n\
                    ## Background\n- first item\n- second item\n> quoted\n\n```\nlet x = 1;\n```\n\
                    ![Signing](signing.jpg)\n### Deeper\nText.\n## References\n- Jukes, G. (2002). Title.\n";
        let (doc, blocks) = read(text);
        assert_eq!(doc.title, "The Treaty");
        assert_eq!(
            blocks,
            vec![
                (Kind::Body, "Lead line one\nline two.".to_string()),
                (Kind::Body, "first item".to_string()),
                (Kind::Body, "second item".to_string()),
                (Kind::Body, "quoted".to_string()),
                (Kind::Body, "let x = 1;".to_string()),
                (Kind::Caption, "Signing".to_string()),
                (Kind::Body, "Text.".to_string()),
                (Kind::Reference, "Jukes, G. (2002). Title.".to_string()),
            ]
        );
        // "# Ignored H1" is a level-1 heading after the title: a section.
        assert_eq!(doc.sections[1].path, vec!["Ignored H1"]);
        assert_eq!(doc.blocks[0].line_start, 6);
        assert_eq!(doc.blocks[0].line_end, 7);
        assert_eq!(doc.blocks[5].file.as_deref(), Some("signing.jpg"));
        assert_eq!(doc.sections[doc.blocks[6].section].path, vec!["Ignored H1", "Background", "Deeper"]);
    }

    #[test]
    fn title_from_first_heading_or_file_name() {
        assert_eq!(read("# Title\n\nText.\n").0.title, "Title");
        assert_eq!(read("Just text.\n").0.title, "fallback");
        assert_eq!(read("#hashtag is not a heading\n").1[0].1, "#hashtag is not a heading");
    }

    #[test]
    fn setext_headings_and_rules() {
        let text =
            "Treaty\n======\n\nLead text.\n\n***\n\nBackground\n----------\nBody text.\n\n- item\n---\n";
        let (doc, blocks) = read(text);
        assert_eq!(doc.title, "Treaty");
        assert_eq!(doc.title_line, 1);
        assert_eq!(doc.sections[1].path, vec!["Background"]);
        assert_eq!(
            blocks,
            vec![
                (Kind::Body, "Lead text.".to_string()),
                (Kind::Body, "Body text.".to_string()),
                (Kind::Body, "item".to_string()),
            ]
        );
        assert_eq!(doc.blocks[1].section, 1);
    }

    #[test]
    fn an_h1_repeating_the_front_matter_title_is_not_a_section() {
        let (doc, blocks) =
            read("---\ntitle: Witte  at Portsmouth\n---\n# Witte at Portsmouth\n\nLead.\n## Voyage\nText.\n");
        assert_eq!(doc.title, "Witte  at Portsmouth");
        assert_eq!(doc.sections.len(), 2);
        assert_eq!(doc.sections[1].path, vec!["Voyage"]);
        assert_eq!(blocks[0], (Kind::Body, "Lead.".to_string()));
        assert_eq!(doc.blocks[0].section, 0);
    }

    fn passages(text: &str) -> Vec<Passage> {
        passage::read_checked(&Markdown, text, "f.md", 100)
    }

    fn texts(ps: &[Passage]) -> Vec<(Kind, &str)> {
        ps.iter().map(|p| (p.kind, p.text.as_str())).collect()
    }

    #[test]
    fn footnote_definitions_are_notes_without_their_label() {
        let text =
            "Body text.[^1]\n\n[^1]: Jukes, The War, p. 86.\n    More of the note.\n[^long-2]: Second.\n";
        let ps = passages(text);
        assert_eq!(
            texts(&ps),
            vec![
                (Kind::Body, "Body text."),
                (Kind::Note, "Jukes, The War, p. 86.\nMore of the note."),
                (Kind::Note, "Second."),
            ]
        );
        let c = &ps[0].citations[0];
        assert_eq!((c.shape, c.raw.as_str()), (Shape::Footnote, "Jukes, The War, p. 86. More of the note."));
        assert_eq!(c.author.as_deref(), Some("Jukes"));
        assert_eq!(&text[c.start..c.end], "[^1]");
        // A note is no bibliography entry: the citation points at none.
        assert_eq!(c.reference, None);
    }

    #[test]
    fn inline_markup_is_left_out_and_recorded() {
        let text = "The **Treaty** of [Portsmouth Naval Shipyard](https://x.org) in *Kittery*. \
                    A \\*star\\* &amp; `code`\nsecond&ndash; <b>html</b> ~~gone~~ <https://x.org>.\n";
        let ps = passages(text);
        assert_eq!(
            ps[0].text,
            "The Treaty of Portsmouth Naval Shipyard in Kittery. A *star* & code\nsecond– html gone https://x.org."
        );
        let m = &ps[0].source.markup;
        assert_eq!(&text[m[0].start..m[0].end], "**");
        assert!(m.iter().any(|m| &text[m.start..m.end] == "&ndash;" && m.with == "–"));
        assert!(m.iter().any(|m| &text[m.start..m.end] == "](https://x.org)"));
    }

    #[test]
    fn footnotes_that_are_works_are_references_cited_by_their_marks() {
        let text = "Signed in Kittery.[^j] Again.[^j] An aside.[^n]\n\n\
                    [^j]: Jukes, Geoffrey (2002). *The Russo-Japanese War 1904–1905*. Oxford: Osprey.\n\
                    [^n]: Not a source.\n";
        let ps = passages(text);
        assert_eq!(
            texts(&ps),
            vec![
                (Kind::Body, "Signed in Kittery. Again. An aside."),
                (
                    Kind::Reference,
                    "Jukes, Geoffrey (2002). The Russo-Japanese War 1904–1905. Oxford: Osprey."
                ),
                (Kind::Note, "Not a source."),
            ]
        );
        let c = &ps[0].citations;
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].reference.as_deref(), Some(ps[1].id.as_str()));
        assert_eq!(c[1].reference.as_deref(), Some(ps[1].id.as_str()));
        assert_eq!(c[0].year, Some(2002));
        assert_eq!(c[2].reference, None);
        assert_eq!(
            ps[1].reference.as_ref().and_then(|r| r.title.as_deref()),
            Some("The Russo-Japanese War 1904–1905")
        );
    }

    #[test]
    fn quotes_tables_and_nested_lists() {
        let text = "> quoted line one\n> line two\n\n| Country | Delegate |\n|---|---|\n| Japan | Komura |\n\n\
                    - outer *item*\n  - inner item\n- last\n";
        let ps = passages(text);
        assert_eq!(
            texts(&ps),
            vec![
                (Kind::Body, "quoted line one\nline two"),
                (Kind::Body, "Country | Delegate"),
                (Kind::Body, "Japan | Komura"),
                (Kind::Body, "outer item"),
                (Kind::Body, "inner item"),
                (Kind::Body, "last"),
            ]
        );
        assert_eq!((ps[2].source.line_start, ps[2].source.line_end), (6, 6));
    }

    #[test]
    fn author_date_citations_in_the_prose_are_found_through_the_markup() {
        let text = "The **war** ended in 1905 (Jukes 2002, p. 86). The *talks* went on.\n";
        let ps = passages(text);
        assert_eq!(ps[0].text, "The war ended in 1905. The talks went on.");
        let c = &ps[0].citations[0];
        assert_eq!((c.author.as_deref(), c.year), (Some("Jukes"), Some(2002)));
        assert!(text[c.start..c.end].contains("(Jukes 2002, p. 86)"));
    }

    #[test]
    fn a_byte_order_mark_and_crlf_change_nothing() {
        let clean = passages("# T\n\nOne **two**\nthree.\n");
        let marked = passages("\u{feff}# T\r\n\r\nOne **two**\r\nthree.\r\n");
        assert_eq!(marked[0].text, clean[0].text);
        assert_eq!(marked[0].source.line_start, 3);
    }

    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("# Title\n".to_string()),
            Just("## References\n".to_string()),
            Just("Setext\n---\n".to_string()),
            Just("- ".to_string()),
            Just("> ".to_string()),
            Just("1. ".to_string()),
            Just("**".to_string()),
            Just("*".to_string()),
            Just("_".to_string()),
            Just("`".to_string()),
            Just("```\n".to_string()),
            Just("[".to_string()),
            Just("](https://x.org)".to_string()),
            Just("![cap](f.jpg)".to_string()),
            Just("[^1]".to_string()),
            Just("\n[^1]: Jukes, G. (2002). The War. Oxford.\n".to_string()),
            Just("&amp;".to_string()),
            Just("\\".to_string()),
            Just("<b>".to_string()),
            Just("| a | b |\n|---|---|\n".to_string()),
            Just("---\ntitle: T\n---\n".to_string()),
            Just(" (Jukes 2002, p. 8) ".to_string()),
            Just("\r\n".to_string()),
            "[a-zA-Zé日 .,]{1,20}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn random_markdown_maps_back_exactly(parts in proptest::collection::vec(fragment(), 0..40), words in 1usize..30) {
            let text: String = parts.concat();
            passage::read_checked(&Markdown, &text, "f.md", words);
        }
    }

    #[test]
    fn unclosed_fence_keeps_its_text() {
        let (_, blocks) = read("```\ncode line\n");
        assert_eq!(blocks, vec![(Kind::Body, "code line".to_string())]);
    }
}
