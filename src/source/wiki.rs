//! The wiki-text format of the bundled corpus.
//!
//! ```text
//! [[Title]]                      opens a document (a file may hold several)
//! Caption line                   consecutive lines right under the title: image captions
//! Caption line
//!
//! Lead paragraph.                one non-blank line is one paragraph
//! ==Section==                    opens a section; ===Sub=== nests inside it
//! File:Name.jpg|Caption          gallery line: a caption, with the file name kept
//! ==References==                 `* ` bullets: bibliography entries (empty bullets skipped)
//! ==External links==             `* ` bullets: links
//! ==Notes==                      every line: a note
//! ```
//!
//! Broken markup loses no text: an unclosed `==Heading` is still a heading, an unclosed
//! `[[Title` still a title, and text before the first title belongs to a document named after
//! the file.

use super::{Block, Document, Kind, Section, SourceFormat, lines, trimmed_range};
use std::path::Path;

/// Reader for `[[Title]]` / `==Heading==` wiki text.
pub struct WikiText;

impl SourceFormat for WikiText {
    fn name(&self) -> &'static str {
        "wiki"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["wiki"]
    }

    fn accepts(&self, path: &Path, text: &str) -> bool {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        self.extensions().contains(&ext.as_str())
            || lines(text).take(50).any(|(_, _, l)| title_of(l).is_some() || heading_of(l).is_some())
    }

    fn read(&self, text: &str, fallback_title: &str) -> Vec<Document> {
        let mut reader = Reader::default();
        for (number, start, line) in lines(text) {
            reader.line(number, start, line, fallback_title);
        }
        reader.finish()
    }
}

/// What kind of section a heading opens, judged by its name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SectionRole {
    Prose,
    References,
    Links,
    Notes,
}

pub(super) fn role_of(heading: &str) -> SectionRole {
    let h = heading.trim().to_lowercase();
    match h.as_str() {
        "references"
        | "bibliography"
        | "sources"
        | "works cited"
        | "further reading"
        | "literature"
        | "citations"
        | "литература"
        | "источники"
        | "参考文献" => SectionRole::References,
        "external links" | "links" | "ссылки" | "外部リンク" => SectionRole::Links,
        "notes" | "footnotes" | "примечания" | "脚注" | "注釈" => SectionRole::Notes,
        _ => SectionRole::Prose,
    }
}

/// `[[Title]]` (or an unclosed `[[Title`) → the title.
fn title_of(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t.strip_prefix("[[")?;
    let inner = match inner.strip_suffix("]]") {
        Some(i) if !i.contains("]]") && !i.contains("[[") => i,
        Some(_) => return None,
        None if !inner.contains("]]") => inner,
        None => return None,
    };
    let inner = inner.trim();
    (!inner.is_empty()).then_some(inner)
}

/// `==Heading==` → (level, heading). Unclosed headings are accepted.
fn heading_of(line: &str) -> Option<(usize, &str)> {
    let t = line.trim();
    let level = t.chars().take_while(|&c| c == '=').count();
    if level < 2 {
        return None;
    }
    let name = t.trim_matches('=').trim();
    (!name.is_empty()).then_some((level, name))
}

#[derive(Default)]
struct Reader {
    docs: Vec<Document>,
    /// Heading stack of the current document: (level, name).
    stack: Vec<(usize, String)>,
    role: Option<SectionRole>,
    /// Lines of the block of consecutive lines right under the title, if still open.
    lead_block: Option<Vec<usize>>,
    lead_block_closed: bool,
    last_blank: bool,
}

impl Reader {
    fn doc(&mut self, fallback_title: &str) -> &mut Document {
        if self.docs.is_empty() {
            self.docs.push(Document::new(fallback_title.to_string(), 0));
            self.start_document();
        }
        self.docs.last_mut().expect("just pushed")
    }

    fn start_document(&mut self) {
        self.stack.clear();
        self.role = Some(SectionRole::Prose);
        self.lead_block = Some(Vec::new());
        self.lead_block_closed = false;
    }

    fn line(&mut self, number: u32, start: usize, line: &str, fallback_title: &str) {
        if line.trim().is_empty() {
            self.last_blank = true;
            if self.lead_block.as_ref().is_some_and(|b| !b.is_empty()) {
                self.lead_block_closed = true;
            }
            return;
        }
        let after_blank = std::mem::replace(&mut self.last_blank, false);
        if let Some(title) = title_of(line) {
            self.settle_lead_captions(true);
            self.docs.push(Document::new(title.to_string(), number));
            self.start_document();
            return;
        }
        if let Some((level, name)) = heading_of(line) {
            self.doc(fallback_title);
            self.settle_lead_captions(true);
            while self.stack.last().is_some_and(|(l, _)| *l >= level) {
                self.stack.pop();
            }
            self.stack.push((level, name.to_string()));
            self.role = Some(role_of(name));
            let path: Vec<String> = self.stack.iter().map(|(_, n)| n.clone()).collect();
            let doc = self.docs.last_mut().expect("document exists");
            doc.sections.push(Section { path });
            return;
        }
        self.doc(fallback_title);
        if self.lead_block_closed || !self.stack.is_empty() {
            self.settle_lead_captions(!self.stack.is_empty() || after_blank);
        }
        let role = self.role.unwrap_or(SectionRole::Prose);
        let doc = self.docs.last_mut().expect("document exists");
        let section = doc.sections.len() - 1;
        let paragraph = doc.blocks.last().filter(|b| b.section == section).map_or(1, |b| b.paragraph + 1);
        let Some((kind, content, file)) = classify(role, line) else {
            return; // an empty bullet
        };
        let (byte_start, byte_end) = trimmed_range(line, start, content);
        doc.blocks.push(Block {
            kind,
            section,
            paragraph,
            line_start: number,
            line_end: number,
            byte_start,
            byte_end,
            file,
            ..Block::default()
        });
        if let Some(block) = self.lead_block.as_mut()
            && !self.lead_block_closed
            && section == 0
        {
            block.push(doc.blocks.len() - 1);
        }
    }

    /// Decides whether the block of lines right under the title were image captions: they
    /// are when there are at least two of them and the lead goes on after them.
    fn settle_lead_captions(&mut self, lead_goes_on: bool) {
        let Some(block) = self.lead_block.take() else {
            return;
        };
        if block.len() >= 2 && lead_goes_on {
            let doc = self.docs.last_mut().expect("lead block belongs to a document");
            for i in block {
                if doc.blocks[i].kind == Kind::Body {
                    doc.blocks[i].kind = Kind::Caption;
                }
            }
        }
    }

    fn finish(mut self) -> Vec<Document> {
        self.settle_lead_captions(false);
        self.docs
    }
}

/// Kind and content of one non-blank, non-structural line; `None` for an empty bullet.
fn classify(role: SectionRole, line: &str) -> Option<(Kind, &str, Option<String>)> {
    let trimmed = line.trim_start();
    let bullet = trimmed.starts_with('*');
    let content = if bullet { trimmed.trim_start_matches('*') } else { line };
    if content.trim().is_empty() {
        return None;
    }
    if let Some((file, caption)) = gallery_of(content) {
        let text = if caption.trim().is_empty() { file } else { caption };
        return Some((Kind::Caption, text, Some(file.trim().to_string())));
    }
    let kind = match role {
        SectionRole::References => Kind::Reference,
        SectionRole::Links => Kind::Link,
        SectionRole::Notes => Kind::Note,
        SectionRole::Prose => Kind::Body,
    };
    Some((kind, content, None))
}

/// `File:NAME|caption` or `Image:NAME|caption` → (NAME, caption).
fn gallery_of(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    let rest = ["File:", "Image:", "file:", "image:"].iter().find_map(|p| t.strip_prefix(p))?;
    match rest.split_once('|') {
        Some((name, caption)) if !name.trim().is_empty() => Some((name, caption)),
        None if !rest.trim().is_empty() => Some((rest, "")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Document> {
        WikiText.read(text, "fallback")
    }

    fn texts<'a>(text: &'a str, doc: &Document) -> Vec<(Kind, &'a str)> {
        doc.blocks.iter().map(|b| (b.kind, &text[b.byte_start..b.byte_end])).collect()
    }

    #[test]
    fn titles_sections_and_kinds() {
        let text = "[[A]]\n\nCap one\nCap two\n\nLead.\n==S==\nBody *x*.\n===T===\nDeep.\n\
                    File:P.jpg|Pic\n==References==\n* Ref one\n*\n*Ref two\n==External links==\n\n\
                    * Link\n==Notes==\n\nNote\n[[B]]\nOther.\n";
        let docs = read(text);
        assert_eq!(docs.len(), 2);
        let a = &docs[0];
        assert_eq!(a.title, "A");
        assert_eq!(
            texts(text, a),
            vec![
                (Kind::Caption, "Cap one"),
                (Kind::Caption, "Cap two"),
                (Kind::Body, "Lead."),
                (Kind::Body, "Body *x*."),
                (Kind::Body, "Deep."),
                (Kind::Caption, "Pic"),
                (Kind::Reference, "Ref one"),
                (Kind::Reference, "Ref two"),
                (Kind::Link, "Link"),
                (Kind::Note, "Note"),
            ]
        );
        assert_eq!(a.sections[a.blocks[4].section].path, vec!["S", "T"]);
        assert_eq!(a.blocks[5].file.as_deref(), Some("P.jpg"));
        assert_eq!(a.blocks[2].paragraph, 3);
        assert_eq!(a.blocks[7].paragraph, 2);
        assert_eq!(texts(text, &docs[1]), vec![(Kind::Body, "Other.")]);
    }

    #[test]
    fn a_single_lead_paragraph_is_not_a_caption() {
        let text = "[[A]]\n\nOnly lead.\n\nSecond.\n";
        let docs = read(text);
        assert!(docs[0].blocks.iter().all(|b| b.kind == Kind::Body));
        let text = "[[A]]\nOne\nTwo\n";
        assert!(read(text)[0].blocks.iter().all(|b| b.kind == Kind::Body));
    }

    #[test]
    fn broken_markup_keeps_text() {
        let text = "before\n[[Unclosed\n==Open heading\ntext\n* \n";
        let docs = read(text);
        assert_eq!(docs[0].title, "fallback");
        assert_eq!(texts(text, &docs[0]), vec![(Kind::Body, "before")]);
        assert_eq!(docs[1].title, "Unclosed");
        assert_eq!(docs[1].sections[1].path, vec!["Open heading"]);
        assert_eq!(texts(text, &docs[1]), vec![(Kind::Body, "text")]);
    }

    #[test]
    fn headings_need_two_equals_and_a_name() {
        assert_eq!(heading_of("==A=="), Some((2, "A")));
        assert_eq!(heading_of(" ===B "), Some((3, "B")));
        assert_eq!(heading_of("=A="), None);
        assert_eq!(heading_of("===="), None);
        assert_eq!(title_of("[[T]]"), Some("T"));
        assert_eq!(title_of("[[a]] and [[b]]"), None);
    }
}
