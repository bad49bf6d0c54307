//! Plain text: the fallback format.
//!
//! ```text
//! The Title Line             the first line names the document when it looks like a title
//!                            (short, no final full stop); otherwise the file name does
//! A paragraph, possibly      paragraphs are separated by blank lines
//! over several lines.
//! ```

use super::{Block, Document, Kind, SourceFormat, lines, trimmed_range};
use std::path::Path;

/// Reader for plain text files.
pub struct PlainText;

/// Longest first line taken as a title, in words.
const MAX_TITLE_WORDS: usize = 15;

fn looks_like_title(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    (1..=MAX_TITLE_WORDS).contains(&words) && !t.ends_with(['.', ',', ';', ':']) && t.chars().count() <= 120
}

impl SourceFormat for PlainText {
    fn name(&self) -> &'static str {
        "plain"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["txt", "text"]
    }

    fn accepts(&self, _path: &Path, _text: &str) -> bool {
        true
    }

    fn read(&self, text: &str, fallback_title: &str) -> Vec<Document> {
        let mut doc = Document::new(fallback_title.to_string(), 0);
        let mut open: Option<(u32, u32, usize, usize)> = None;
        let mut first_line = true;
        let mut blocks = Vec::new();
        let all: Vec<(u32, usize, &str)> = lines(text).collect();
        for (i, &(number, start, line)) in all.iter().enumerate() {
            if line.trim().is_empty() {
                blocks.extend(open.take());
                continue;
            }
            if std::mem::take(&mut first_line) {
                let next_blank = all.get(i + 1).is_some_and(|l| l.2.trim().is_empty());
                let more = all[i + 1..].iter().any(|l| !l.2.trim().is_empty());
                if looks_like_title(line) && next_blank && more {
                    doc.title = line.trim().to_string();
                    doc.title_line = number;
                    continue;
                }
            }
            let (s, e) = trimmed_range(line, start, line);
            open = Some(match open {
                Some((first, _, os, _)) => (first, number, os, e),
                None => (number, number, s, e),
            });
        }
        blocks.extend(open);
        for (i, (first, last, s, e)) in blocks.into_iter().enumerate() {
            doc.blocks.push(Block {
                kind: Kind::Body,
                section: 0,
                paragraph: i as u32 + 1,
                line_start: first,
                line_end: last,
                byte_start: s,
                byte_end: e,
                file: None,
                ..Block::default()
            });
        }
        vec![doc]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_blank_line_paragraphs() {
        let text = "A Short History\n\nFirst paragraph\nwraps here.\n\nSecond.\n";
        let doc = PlainText.read(text, "file").remove(0);
        assert_eq!(doc.title, "A Short History");
        let got: Vec<&str> = doc.blocks.iter().map(|b| &text[b.byte_start..b.byte_end]).collect();
        assert_eq!(got, vec!["First paragraph\nwraps here.", "Second."]);
        assert_eq!((doc.blocks[0].line_start, doc.blocks[0].line_end), (3, 4));
    }

    #[test]
    fn a_lone_line_is_text_not_a_title() {
        let doc = PlainText.read("caf\u{e9} au lait\n", "file").remove(0);
        assert_eq!(doc.title, "file");
        assert_eq!(doc.blocks.len(), 1);
    }

    #[test]
    fn a_sentence_is_not_a_title() {
        let text = "This file starts with a sentence.\n\nMore.\n";
        let doc = PlainText.read(text, "file").remove(0);
        assert_eq!(doc.title, "file");
        assert_eq!(doc.blocks.len(), 2);
    }
}
