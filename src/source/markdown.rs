//! Markdown.
//!
//! ```text
//! ---                        optional front matter; its `title:` names the document
//! title: The Treaty
//! ---
//! # The Treaty               the first level-1 heading names the document (when no front matter
//!                            title; one repeating that title is the title too, not a section)
//! The Treaty                 a setext heading (text underlined with `===` or `---`) is a heading
//! ==========
//! Lead paragraph, possibly   consecutive lines form one paragraph
//! wrapped over lines.
//! ## Background              `##` opens a section, `###` a subsection, and so on
//! - item                     each list item is a paragraph (in References: a reference)
//! > quoted line              each quoted line is a paragraph, without its `>`
//! ```                        a fenced code block is one paragraph, fences excluded
//! ![Caption](file.jpg)       an image on its own line: a caption, with the file name kept
//! ***                        a rule (`***`, `---`, `___`) is skipped
//! [^1]: Note text.           a footnote definition: a note, without its label
//! ```
//! Sections named References, Bibliography, External links or Notes give their paragraphs
//! those kinds, as in wiki text.

use super::{Block, Document, Kind, Section, SourceFormat, lines, trimmed_range};
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
        let mut r = Reader { doc: Document::new(fallback_title.to_string(), 0), ..Reader::default() };
        let mut all: Vec<(u32, usize, &str)> = lines(text).collect();
        let body_from = r.front_matter(&all);
        for (number, start, line) in all.drain(body_from..) {
            r.line(text, number, start, line);
        }
        r.flush();
        vec![r.doc]
    }
}

#[derive(Default)]
struct Reader {
    doc: Document,
    titled: bool,
    stack: Vec<(usize, String)>,
    kind_of_section: Option<Kind>,
    /// The paragraph being gathered: (first line, last line, byte start, byte end).
    open: Option<(u32, u32, usize, usize)>,
    /// Whether the open paragraph is plain lines (not a list item or quote), which an
    /// underline of `=` or `-` turns into a heading.
    open_plain: bool,
    /// Whether the open paragraph is a footnote's text (`[^1]: …`): a note.
    open_note: bool,
    /// Inside a fenced code block: its fence.
    fence: Option<String>,
}

impl Reader {
    /// Reads front matter, if any; returns the index of the first line after it.
    fn front_matter(&mut self, all: &[(u32, usize, &str)]) -> usize {
        if all.first().is_none_or(|(_, _, l)| l.trim() != "---") {
            return 0;
        }
        let Some(end) = all.iter().skip(1).position(|(_, _, l)| l.trim() == "---" || l.trim() == "...")
        else {
            return 0;
        };
        for (number, _, line) in &all[1..=end] {
            if let Some(v) = line.strip_prefix("title:") {
                let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
                if !v.is_empty() {
                    self.doc.title = v.to_string();
                    self.doc.title_line = *number;
                    self.titled = true;
                }
            }
        }
        end + 2
    }

    fn line(&mut self, text: &str, number: u32, start: usize, line: &str) {
        let t = line.trim();
        if let Some(fence) = &self.fence {
            if t.starts_with(fence.as_str()) {
                self.fence = None;
                self.flush();
            } else if !t.is_empty() {
                self.extend(number, start, line);
            }
            return;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            self.flush();
            self.fence = Some(t[..3].to_string());
            return;
        }
        if t.is_empty() {
            self.flush();
            return;
        }
        if let Some(level) = setext_underline(t)
            && let Some((first, _, s, e)) = self.open.filter(|_| self.open_plain)
        {
            // The paragraph above was a heading's text (CommonMark's setext heading).
            self.open = None;
            let name = text[s..e].split_whitespace().collect::<Vec<_>>().join(" ");
            self.heading(level, &name, first);
            return;
        }
        if is_thematic_break(t) {
            self.flush();
            return;
        }
        if let Some((level, name)) = heading(t) {
            self.flush();
            self.heading(level, name, number);
            return;
        }
        if let Some((caption, file)) = image(t) {
            self.flush();
            let (s, e) = trimmed_range(line, start, caption);
            self.push(Kind::Caption, number, number, s, e, Some(file.to_string()));
            return;
        }
        let note = footnote(line);
        if let Some(content) = note.or_else(|| list_item(line)).or_else(|| quote(line)) {
            self.flush();
            if !content.trim().is_empty() {
                let (s, e) = trimmed_range(line, start, content);
                self.open = Some((number, number, s, e));
                self.open_plain = false;
                self.open_note = note.is_some();
            }
            return;
        }
        self.extend(number, start, line);
    }

    /// A heading at `line`: the document's title (the first level-1 heading, or one that
    /// repeats the front matter's title), else a section.
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

    fn extend(&mut self, number: u32, start: usize, line: &str) {
        let (s, e) = trimmed_range(line, start, line);
        if s == e {
            return;
        }
        self.open = Some(match self.open {
            Some((first, _, os, _)) => (first, number, os, e),
            None => {
                self.open_plain = true;
                (number, number, s, e)
            }
        });
    }

    fn flush(&mut self) {
        if let Some((first, last, s, e)) = self.open.take() {
            let note = std::mem::take(&mut self.open_note);
            let kind = if note { Kind::Note } else { self.kind_of_section.unwrap_or(Kind::Body) };
            self.push(kind, first, last, s, e, None);
        }
    }

    fn push(&mut self, kind: Kind, first: u32, last: u32, s: usize, e: usize, file: Option<String>) {
        let section = self.doc.sections.len() - 1;
        let paragraph =
            self.doc.blocks.last().filter(|b| b.section == section).map_or(1, |b| b.paragraph + 1);
        self.doc.blocks.push(Block {
            kind,
            section,
            paragraph,
            line_start: first,
            line_end: last,
            byte_start: s,
            byte_end: e,
            file,
            ..Block::default()
        });
    }
}

fn heading(t: &str) -> Option<(usize, &str)> {
    let level = t.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &t[level..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    let name = rest.trim().trim_end_matches('#').trim();
    (!name.is_empty()).then_some((level, name))
}

/// `===` (level 1) or `---` (level 2) under a paragraph: a setext heading's underline.
fn setext_underline(t: &str) -> Option<usize> {
    let first = t.chars().next()?;
    (matches!(first, '=' | '-') && t.chars().all(|c| c == first)).then_some(if first == '=' { 1 } else { 2 })
}

/// `***`, `---`, `___` (three or more, spaces allowed between): a rule, not text.
fn is_thematic_break(t: &str) -> bool {
    let Some(first) = t.chars().next().filter(|c| matches!(c, '*' | '-' | '_')) else { return false };
    t.chars().all(|c| c == first || c == ' ' || c == '\t') && t.chars().filter(|&c| c == first).count() >= 3
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

/// `![caption](file)` alone on a line → (caption or file, file).
fn image(t: &str) -> Option<(&str, &str)> {
    let rest = t.strip_prefix("![")?;
    let (caption, rest) = rest.split_once("](")?;
    let file = rest.strip_suffix(')')?.split_whitespace().next()?;
    Some((if caption.trim().is_empty() { file } else { caption }, file))
}

/// The content of a list item (`- `, `* `, `+ `, `1. `, `1) `).
fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return Some(rest);
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 9 {
        let rest = &t[digits..];
        return rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") "));
    }
    None
}

/// The text of a footnote definition (`[^1]: text`), without its label.
fn footnote(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("[^")?;
    let (label, text) = rest.split_once("]:")?;
    (!label.is_empty() && !label.contains(char::is_whitespace)).then_some(text)
}

/// The content of a quoted line.
fn quote(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('>')?;
    Some(rest.trim_start_matches('>'))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn footnote_definitions_are_notes_without_their_label() {
        let text = "Body text.[^1]\n\n[^1]: Jukes, The War, p. 86.\n    More of the note.\n[^long-2]: Second.\n\n[^ x]: not one\n";
        let (_, blocks) = read(text);
        assert_eq!(
            blocks,
            vec![
                (Kind::Body, "Body text.[^1]".to_string()),
                (Kind::Note, "Jukes, The War, p. 86.\n    More of the note.".to_string()),
                (Kind::Note, "Second.".to_string()),
                (Kind::Body, "[^ x]: not one".to_string()),
            ]
        );
    }

    #[test]
    fn unclosed_fence_keeps_its_text() {
        let (_, blocks) = read("```\ncode line\n");
        assert_eq!(blocks, vec![(Kind::Body, "code line".to_string())]);
    }
}
