//! Real MediaWiki wikitext, as saved from a wiki's edit box or an export.
//!
//! ```text
//! {{Infobox treaty | name = … }}          templates: dropped (a few keep their text, below)
//! '''Treaty''' of [[Kittery, Maine|Kittery]]  emphasis dropped, links read as their labels
//! …signed in 1905.<ref name="j">{{cite book |last=Jukes |title=… |year=2002}}</ref>
//!                                         a footnote: a citation at its exact byte range,
//!                                         its text an entry of the reference list
//! …again.<ref name="j" />                 the same footnote, cited again
//! …in Portsmouth.{{sfn|Jukes|2002|p=86}}  a short footnote, linked to Jukes's 2002 entry
//! == Background ==  === Talks ===         headings of every level
//! * item   # item   : indented            list items: one paragraph each
//! [[File:Witte.jpg|thumb|Sergei Witte]]   on a line of its own: a caption
//! {| class="wikitable" … |}               tables: skipped
//! == References ==  {{reflist}}           where the footnotes' entries are listed
//! * {{cite book |last=Trani |…}}          an entry with exact fields
//! ```
//!
//! Lines that follow each other make one paragraph; a blank line ends it. Templates that stand
//! for text keep it (`{{lang|ja|…}}`, `{{nowrap|…}}`, `{{convert|5|km}}`, `{{ndash}}`);
//! `{{cite …}}` and `{{citation}}` become references with exact fields
//! ([`crate::cite::bibliography::from_fields`]), read as the entry they render; comments,
//! `<math>`, categories and interlanguage links are dropped; entities (`&nbsp;`, `&ndash;`)
//! read as their characters.
//!
//! Nothing is rewritten: every piece of markup left out of a passage is recorded
//! ([`super::Block::markup`], [`super::Block::citations`]), so the passage maps back to the
//! file exactly. The entry of a footnote lies, in the file, inside the paragraph that cites
//! it: its byte range is inside that paragraph's citation. Broken markup loses no text: an
//! unclosed `{{`, `[[` or `<ref>` is read as text.
//!
//! The document is named after the file (`Treaty_of_Portsmouth.wiki` → Treaty of
//! Portsmouth), or by a `[[Title]]` line before anything else, as in the flattened format.

use super::wiki::{SectionRole, role_of};
use super::{Block, Document, Kind, LineStarts, Markup, Section, SourceFormat, footnote, lines};
use crate::cite::bibliography::{self, Reference, prefix};
use crate::cite::inline::{Citation, Shape};
use std::collections::HashMap;
use std::path::Path;

/// Reader for MediaWiki wikitext.
pub struct MediaWiki;

/// How deep templates, links and footnotes nested in each other are read.
const MAX_DEPTH: u32 = 24;
/// How far a tag (`<ref name="…">`) may reach for its `>`.
const MAX_TAG: usize = 500;
/// How much of a file is looked at to tell MediaWiki from the flattened format.
const SNIFF: usize = 64 * 1024;
/// How far an external link (`[https://… label]`) may reach for its `]`.
const MAX_URL_LINK: usize = 2000;

impl SourceFormat for MediaWiki {
    fn name(&self) -> &'static str {
        "mediawiki"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["mediawiki"]
    }

    fn accepts(&self, path: &Path, text: &str) -> bool {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "mediawiki" => true,
            "wiki" | "txt" | "text" | "" => looks_like_mediawiki(text),
            _ => false,
        }
    }

    fn read(&self, text: &str, fallback_title: &str) -> Vec<Document> {
        vec![Reader::new(text, fallback_title).read()]
    }
}

/// Footnotes, bold or italics, a template or a piped link: markup the flattened format
/// never has.
fn looks_like_mediawiki(text: &str) -> bool {
    let head = prefix(text, SNIFF);
    let piped_link = head.match_indices("[[").any(|(i, _)| {
        let rest = &head[i + 2..];
        let close = rest.find("]]").unwrap_or(rest.len());
        rest[..close].contains('|') && !rest[..close].contains('\n')
    });
    head.contains("<ref") || head.contains("'''") || head.contains("{{") || piped_link
}

/// What a piece of markup is.
#[derive(Clone, Debug, PartialEq)]
enum Role {
    /// Not text: left out, or read as its `with`.
    Hide,
    /// A `<ref>` tag (index into `Marks::refs`): a citation.
    Ref(usize),
    /// A short footnote template (index into `Marks::shorts`): a citation.
    Short(usize),
    /// A `{{cite …}}` template (index into `Marks::cites`), read as the entry it renders.
    Cite(usize),
    /// An image link (index into `Marks::images`), left out of the text around it.
    Image(usize),
}

/// A piece of markup: `text[start..end]` reads as `with` (citations read as nothing).
#[derive(Clone, Debug)]
struct Atom {
    start: usize,
    end: usize,
    with: String,
    role: Role,
}

impl Atom {
    fn is_citation(&self) -> bool {
        matches!(self.role, Role::Ref(_) | Role::Short(_))
    }

    /// Whether it puts something other than space into the text.
    fn shows(&self) -> bool {
        !self.is_citation() && !self.with.trim().is_empty()
    }
}

/// A `<ref>` tag: its byte range, its name, and the range of its content when it has one.
#[derive(Clone, Debug)]
struct RefTag {
    name: Option<String>,
    content: Option<(usize, usize)>,
}

/// An image link: the file, and the range of its caption when it has one.
#[derive(Clone, Debug)]
struct Image {
    file: String,
    caption: Option<(usize, usize)>,
}

#[derive(Default)]
struct Marks {
    atoms: Vec<Atom>,
    refs: Vec<RefTag>,
    /// Short footnotes, as citations without a range yet.
    shorts: Vec<Citation>,
    cites: Vec<Reference>,
    images: Vec<Image>,
    /// Where `{{reflist}}` or `<references />` stands.
    reflists: Vec<usize>,
}

/// The positions of matching two-byte delimiters (`{{`/`}}`, `[[`/`]]`): open → end of close.
fn pairs(text: &str, open: &[u8; 2], close: &[u8; 2]) -> HashMap<usize, usize> {
    let b = text.as_bytes();
    let mut out = HashMap::new();
    let mut stack = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == open[0] && b[i + 1] == open[1] {
            stack.push(i);
            i += 2;
        } else if b[i] == close[0] && b[i + 1] == close[1] {
            if let Some(o) = stack.pop() {
                out.insert(o, i + 2);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

/// Finds the markup of a whole text (or of one template field, for its plain text).
struct Scanner<'a> {
    text: &'a str,
    braces: HashMap<usize, usize>,
    brackets: HashMap<usize, usize>,
    marks: Marks,
    /// For each closing delimiter searched for up to an end, the earliest start from which it
    /// was not found: a later search from further on cannot find it either (keeps the scan
    /// linear on unclosed markup).
    missing: HashMap<(&'static str, usize), usize>,
}

/// HTML tags whose content is not text.
const DROPPED_TAGS: &[&str] =
    &["math", "chem", "score", "timeline", "graph", "templatedata", "imagemap", "includeonly", "hiero"];
/// HTML tags that are markup around text.
const INLINE_TAGS: &[&str] = &[
    "abbr",
    "b",
    "big",
    "blockquote",
    "center",
    "cite",
    "code",
    "del",
    "div",
    "em",
    "font",
    "i",
    "ins",
    "noinclude",
    "onlyinclude",
    "p",
    "poem",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "tt",
    "u",
    "var",
    "section",
    "mark",
    "kbd",
    "samp",
    "syntaxhighlight",
    "source",
    "dfn",
    "bdi",
];
/// Short footnote templates (`{{sfn|Jukes|2002|p=86}}`).
const SHORT_TEMPLATES: &[&str] = &[
    "sfn",
    "sfnp",
    "sfnm",
    "harv",
    "harvnb",
    "harvp",
    "harvtxt",
    "harvcol",
    "harvcolnb",
    "harvcoltxt",
    "harvs",
    "shortened footnote template",
];
/// Templates that stand where the footnotes are listed.
const REFLIST_TEMPLATES: &[&str] = &["reflist", "references", "notelist", "reflist-talk", "refs"];
/// Footnote templates whose first field is the note (`{{efn|…}}`).
const NOTE_TEMPLATES: &[&str] = &["efn", "refn", "efn-ua", "efn-lr", "efn-la"];

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            braces: pairs(text, b"{{", b"}}"),
            brackets: pairs(text, b"[[", b"]]"),
            marks: Marks::default(),
            missing: HashMap::new(),
        }
    }

    fn hide(&mut self, start: usize, end: usize) {
        self.put(start, end, "", Role::Hide);
    }

    fn put(&mut self, start: usize, end: usize, with: &str, role: Role) {
        if start < end {
            self.marks.atoms.push(Atom { start, end, with: with.to_string(), role });
        }
    }

    /// The start of `needle` (ASCII, lowercase) in `text[from..end]`, ignoring ASCII case.
    fn find(&mut self, needle: &'static str, from: usize, end: usize) -> Option<usize> {
        if self.missing.get(&(needle, end)).is_some_and(|&m| from >= m) {
            return None;
        }
        let b = &self.text.as_bytes()[..end];
        let n = needle.as_bytes();
        let found = (from..b.len().saturating_sub(n.len() - 1))
            .find(|&i| b[i..i + n.len()].iter().zip(n).all(|(x, y)| x.to_ascii_lowercase() == *y));
        if found.is_none() {
            let m = self.missing.entry((needle, end)).or_insert(from);
            *m = (*m).min(from);
        }
        found
    }

    /// Reads the markup of `text[start..end]`.
    fn scan(&mut self, start: usize, end: usize, depth: u32, in_ref: bool) {
        if depth > MAX_DEPTH {
            return;
        }
        let b = self.text.as_bytes();
        let mut i = start;
        while i < end {
            let next = match b[i] {
                b'<' => self.tag(i, end, depth, in_ref),
                b'{' if b.get(i + 1) == Some(&b'{') => self.template(i, end, depth, in_ref),
                b'{' if b.get(i + 1) == Some(&b'|') && at_line_start(b, i) => self.table(i, end, depth),
                b'[' if b.get(i + 1) == Some(&b'[') => self.link(i, end, depth),
                b'[' => self.external_link(i, end, depth),
                b'\'' => self.emphasis(i, end),
                b'&' => self.entity(i, end),
                b'_' => self.magic_word(i, end),
                _ => None,
            };
            i = next.filter(|&n| n > i).unwrap_or(i + 1);
        }
    }

    /// `''`, `'''`, `'''''`.
    fn emphasis(&mut self, i: usize, end: usize) -> Option<usize> {
        let n = self.text.as_bytes()[i..end].iter().take_while(|&&c| c == b'\'').count();
        if (2..=5).contains(&n) {
            self.hide(i, i + n);
        }
        Some(i + n)
    }

    /// `&nbsp;`, `&ndash;`, `&#8212;`, `&#x2014;`.
    fn entity(&mut self, i: usize, end: usize) -> Option<usize> {
        let rest = &self.text[i + 1..end];
        let semi = rest.bytes().take(12).position(|b| b == b';').filter(|&s| (2..=10).contains(&s))?;
        let name = &rest[..semi];
        let ch = if let Some(num) = name.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control())?.to_string()
        } else {
            named_entity(name)?.to_string()
        };
        let stop = i + 1 + semi + 1;
        self.put(i, stop, &ch, Role::Hide);
        Some(stop)
    }

    /// `__TOC__`, `__NOTOC__`.
    fn magic_word(&mut self, i: usize, end: usize) -> Option<usize> {
        let rest = self.text[i..end].strip_prefix("__")?;
        let n = rest.bytes().take_while(u8::is_ascii_uppercase).count();
        (3..=20).contains(&n).then_some(())?;
        rest[n..].starts_with("__").then_some(())?;
        self.hide(i, i + 2 + n + 2);
        Some(i + 2 + n + 2)
    }

    /// `<!-- -->`, `<ref>`, `<references />`, `<br />`, `<math>…</math>`, `<small>`.
    fn tag(&mut self, i: usize, end: usize, depth: u32, in_ref: bool) -> Option<usize> {
        if self.text[i..end].starts_with("<!--") {
            let close = self.find("-->", i + 4, end)?;
            self.hide(i, close + 3);
            return Some(close + 3);
        }
        let tag = tag_at(self.text, i, end)?;
        match tag.name.as_str() {
            "ref" if !in_ref && !tag.closing => {
                let index = self.marks.refs.len();
                if tag.self_closing {
                    self.marks.refs.push(RefTag { name: tag.attr("name"), content: None });
                    self.put(i, tag.end, "", Role::Ref(index));
                    return Some(tag.end);
                }
                let close = self.find("</ref", tag.end, end)?;
                let stop = self.text[close..end].find('>').map(|g| close + g + 1)?;
                self.marks.refs.push(RefTag { name: tag.attr("name"), content: Some((tag.end, close)) });
                self.put(i, stop, "", Role::Ref(index));
                self.scan(tag.end, close, depth + 1, true);
                Some(stop)
            }
            "references" if !tag.closing => {
                self.marks.reflists.push(i);
                let stop = if tag.self_closing {
                    tag.end
                } else {
                    let close = self.find("</references", tag.end, end);
                    match close.and_then(|c| self.text[c..end].find('>').map(|g| (c, c + g + 1))) {
                        Some((c, stop)) => {
                            self.scan(tag.end, c, depth + 1, false);
                            stop
                        }
                        None => tag.end,
                    }
                };
                self.hide(i, stop);
                Some(stop)
            }
            "br" | "hr" => {
                self.put(i, tag.end, " ", Role::Hide);
                Some(tag.end)
            }
            "nowiki" | "pre" if !tag.closing && !tag.self_closing => {
                // The content is text as written: not read for markup.
                self.hide(i, tag.end);
                let needle = if tag.name == "pre" { "</pre" } else { "</nowiki" };
                let close = self.find(needle, tag.end, end)?;
                let stop = self.text[close..end].find('>').map_or(end, |g| close + g + 1);
                self.hide(close, stop);
                Some(stop)
            }
            "gallery" if !tag.closing && !tag.self_closing => {
                let close = self.find("</gallery", tag.end, end)?;
                let stop = self.text[close..end].find('>').map_or(end, |g| close + g + 1);
                self.hide(i, stop);
                self.gallery(tag.end, close, depth);
                Some(stop)
            }
            name if DROPPED_TAGS.contains(&name) && !tag.closing => {
                let stop = if tag.self_closing {
                    tag.end
                } else {
                    let needle = DROPPED_CLOSE.iter().find(|(n, _)| *n == name).map_or("</math", |(_, c)| *c);
                    let close = self.find(needle, tag.end, end);
                    close.and_then(|c| self.text[c..end].find('>').map(|g| c + g + 1)).unwrap_or(tag.end)
                };
                self.hide(i, stop);
                Some(stop)
            }
            name if INLINE_TAGS.contains(&name) || name == "ref" || name == "references" => {
                self.hide(i, tag.end);
                Some(tag.end)
            }
            _ => None,
        }
    }

    /// The `File:NAME|caption` lines of a `<gallery>`.
    fn gallery(&mut self, start: usize, end: usize, depth: u32) {
        for (_, at, line) in lines(&self.text[start..end]) {
            let line_start = start + at;
            let t = line.trim_start();
            let lead = line.len() - t.len();
            let (file, caption) = match t.split_once('|') {
                Some((f, _)) => (f, Some(line_start + lead + f.len() + 1)),
                None => (t, None),
            };
            let file = file.split_once(':').map_or(file, |(_, f)| f).trim();
            if file.is_empty() {
                continue;
            }
            let caption = caption.map(|c| (c, line_start + line.len()));
            if let Some((a, b)) = caption {
                self.scan(a, b, depth + 1, false);
            }
            let index = self.marks.images.len();
            self.marks.images.push(Image { file: file.to_string(), caption });
            self.put(line_start + lead, line_start + line.len(), "", Role::Image(index));
        }
    }

    /// `{| … |}`: a table, skipped (footnotes in its cells are still read).
    fn table(&mut self, i: usize, end: usize, depth: u32) -> Option<usize> {
        if self.missing.get(&("|}", end)).is_some_and(|&m| i >= m) {
            return None;
        }
        let mut level = 0usize;
        let mut stop = None;
        for (_, at, line) in lines(&self.text[i..end]) {
            let t = line.trim_start();
            if t.starts_with("{|") {
                level += 1;
            } else if t.starts_with("|}") {
                level -= 1;
                if level == 0 {
                    stop = Some(i + at + line.len());
                    break;
                }
            }
        }
        let Some(stop) = stop else {
            self.missing.insert(("|}", end), i);
            return None;
        };
        self.hide(i, stop);
        self.scan(i + 2, stop, depth + 1, false);
        Some(stop)
    }

    /// `[[Target]]`, `[[Target|label]]`, `[[File:…]]`, `[[Category:…]]`, `[[ja:…]]`.
    fn link(&mut self, i: usize, end: usize, depth: u32) -> Option<usize> {
        let close = self.brackets.get(&i).copied().filter(|&c| c <= end)?;
        let fields = self.fields(i + 2, close - 2);
        let (ts, te) = fields[0];
        let target = self.text[ts..te].trim();
        let namespace = target.split_once(':').map(|(n, _)| n.trim().to_lowercase());
        match namespace.as_deref() {
            Some(n) if IMAGE_NAMESPACES.contains(&n) => {
                let caption =
                    fields[1..].iter().rev().copied().find(|&(a, b)| !is_image_option(&self.text[a..b]));
                if let Some((a, b)) = caption {
                    self.scan(a, b, depth + 1, false);
                }
                let file = target.split_once(':').map_or(target, |(_, f)| f).trim().to_string();
                let index = self.marks.images.len();
                self.marks.images.push(Image { file, caption });
                self.put(i, close, "", Role::Image(index));
            }
            Some(n) if CATEGORY_NAMESPACES.contains(&n) && !target.starts_with(':') => self.hide(i, close),
            Some(n) if fields.len() == 1 && is_language_code(n) && !target.starts_with(':') => {
                self.hide(i, close)
            }
            _ if fields.len() == 1 => {
                self.hide(i, i + 2);
                self.hide(close - 2, close);
            }
            _ => {
                let label = fields[1].0;
                if self.text[label..close - 2].trim().is_empty() {
                    // The pipe trick: `[[Kittery, Maine|]]` reads as its target.
                    self.hide(i, i + 2);
                    self.hide(te, close);
                } else {
                    self.hide(i, label);
                    self.hide(close - 2, close);
                    self.scan(label, close - 2, depth + 1, false);
                }
            }
        }
        Some(close)
    }

    /// `[https://… label]`, `[https://…]`.
    fn external_link(&mut self, i: usize, end: usize, depth: u32) -> Option<usize> {
        let rest = &self.text[i + 1..end];
        let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
        if !["http://", "https://", "//", "ftp://", "mailto:"].iter().any(|p| lower.starts_with(p)) {
            return None;
        }
        let rest = prefix(rest, MAX_URL_LINK);
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let close = line.find(']')?;
        let stop = i + 1 + close + 1;
        match line[..close].find(' ') {
            Some(space) => {
                self.hide(i, i + 1 + space + 1);
                self.hide(stop - 1, stop);
                self.scan(i + 1 + space + 1, stop - 1, depth + 1, false);
            }
            None => self.hide(i, stop),
        }
        Some(stop)
    }

    /// The `|`-separated fields of `text[start..end]` (of a template or link), as byte
    /// ranges; a `|` inside a nested template or link does not separate.
    fn fields(&self, start: usize, end: usize) -> Vec<(usize, usize)> {
        let b = self.text.as_bytes();
        let mut out = Vec::new();
        let mut from = start;
        let mut i = start;
        while i < end {
            let nested = match (b[i], b.get(i + 1)) {
                (b'{', Some(b'{')) => self.braces.get(&i),
                (b'[', Some(b'[')) => self.brackets.get(&i),
                _ => None,
            };
            match nested.filter(|&&c| c <= end) {
                Some(&c) => i = c,
                None if b[i] == b'|' => {
                    out.push((from, i));
                    from = i + 1;
                    i += 1;
                }
                None => i += 1,
            }
        }
        out.push((from, end));
        out
    }

    /// A template, by its name.
    fn template(&mut self, i: usize, end: usize, depth: u32, in_ref: bool) -> Option<usize> {
        let close = self.braces.get(&i).copied().filter(|&c| c <= end)?;
        if self.text[i..].starts_with("{{{") {
            // A template parameter (`{{{1}}}`): not text.
            self.hide(i, close);
            return Some(close);
        }
        let fields = self.fields(i + 2, close - 2);
        let name = template_name(&self.text[fields[0].0..fields[0].1]);
        let args = &fields[1..];
        if name.starts_with("cite") || name == "citation" || name.starts_with("vcite") {
            let named: Vec<(String, String)> = args
                .iter()
                .filter_map(|&(a, b)| {
                    let (k, v) = self.text[a..b].split_once('=')?;
                    let v = plain_text(v);
                    (!v.is_empty()).then(|| (k.trim().to_lowercase().replace('_', "-"), v))
                })
                .collect();
            let r = bibliography::from_fields(&named);
            let index = self.marks.cites.len();
            let with = r.raw.clone();
            self.marks.cites.push(r);
            self.put(i, close, &with, Role::Cite(index));
        } else if SHORT_TEMPLATES.contains(&name.as_str()) {
            let c = self.short_citation(&name, args);
            let index = self.marks.shorts.len();
            self.marks.shorts.push(c);
            self.put(i, close, "", Role::Short(index));
        } else if NOTE_TEMPLATES.contains(&name.as_str()) && !in_ref {
            // `{{efn|note}}`: a footnote whose content is its first unnamed field.
            let content = args.iter().copied().find(|&(a, b)| !is_named(&self.text[a..b]));
            let named = args.iter().find_map(|&(a, b)| {
                let (k, v) = self.text[a..b].split_once('=')?;
                (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
            });
            let index = self.marks.refs.len();
            self.marks.refs.push(RefTag { name: named, content });
            self.put(i, close, "", Role::Ref(index));
            if let Some((a, b)) = content {
                self.scan(a, b, depth + 1, true);
            }
        } else if REFLIST_TEMPLATES.contains(&name.as_str()) {
            self.marks.reflists.push(i);
            self.hide(i, close);
            // List-defined footnotes: `{{reflist|refs=<ref name="a">…</ref>}}`.
            self.scan(i + 2, close - 2, depth + 1, false);
        } else if let Some(kept) = kept_fields(&name, args, self.text) {
            self.keep(i, close, &kept, depth);
        } else if let Some(with) = symbol_template(&name) {
            self.put(i, close, with, Role::Hide);
        } else {
            // Any other template (infoboxes, navigation boxes, maintenance tags) is not text;
            // the footnotes and images inside it are still read.
            self.hide(i, close);
            self.scan(i + 2, close - 2, depth + 1, in_ref);
        }
        Some(close)
    }

    /// Hides template `[i, close)` except the field ranges `kept`, which are read as text with
    /// a space between them.
    fn keep(&mut self, i: usize, close: usize, kept: &[(usize, usize)], depth: u32) {
        let mut at = i;
        for (n, &(a, b)) in kept.iter().enumerate() {
            let (a, b) = trim_range(self.text, a, b);
            self.put(at, a, if n == 0 { "" } else { " " }, Role::Hide);
            self.scan(a, b, depth + 1, false);
            at = b;
        }
        self.hide(at, close);
    }

    /// The citation a short footnote template stands for: `{{sfn|Jukes|Kowner|2002|p=86}}`.
    fn short_citation(&self, name: &str, args: &[(usize, usize)]) -> Citation {
        let mut authors: Vec<String> = Vec::new();
        let mut year = None;
        let mut year_suffix = None;
        let mut pages = None;
        for &(a, b) in args {
            let field = &self.text[a..b];
            match field.split_once('=') {
                Some((k, v)) => {
                    let k = k.trim().to_lowercase();
                    if matches!(k.as_str(), "p" | "pp" | "page" | "pages" | "loc" | "at") && pages.is_none() {
                        pages = Some(plain_text(v)).filter(|v| !v.is_empty());
                    }
                }
                None => {
                    let v = plain_text(field);
                    let digits = v.trim_end_matches(|c: char| c.is_ascii_lowercase());
                    match crate::cite::bibliography::year_of(digits) {
                        Some(y) if year.is_none() && !authors.is_empty() => {
                            year = Some(y);
                            year_suffix = Some(v[digits.len()..].to_string()).filter(|s| !s.is_empty());
                        }
                        _ if year.is_none() && !v.is_empty() && authors.len() < 4 => authors.push(v),
                        _ => {}
                    }
                }
            }
        }
        let mut raw = authors.join(" & ");
        if let Some(y) = year {
            raw.push_str(&format!(" {y}{}", year_suffix.as_deref().unwrap_or("")));
        }
        if let Some(p) = &pages {
            raw.push_str(&format!(", {} {p}", if p.contains(['-', '–', ',']) { "pp." } else { "p." }));
        }
        let raw = if raw.trim().is_empty() { format!("{{{{{name}}}}}") } else { raw.trim().to_string() };
        Citation {
            author: authors.first().cloned(),
            year,
            year_suffix,
            pages,
            ..Citation::spanning(&raw, 0, raw.len(), Shape::ShortFootnote)
        }
    }
}

/// Closing tags of [`DROPPED_TAGS`] (lowercase, without `>`).
const DROPPED_CLOSE: &[(&str, &str)] = &[
    ("math", "</math"),
    ("chem", "</chem"),
    ("score", "</score"),
    ("timeline", "</timeline"),
    ("graph", "</graph"),
    ("templatedata", "</templatedata"),
    ("imagemap", "</imagemap"),
    ("includeonly", "</includeonly"),
    ("hiero", "</hiero"),
];

const IMAGE_NAMESPACES: &[&str] = &[
    "file",
    "image",
    "media",
    "datei",
    "bild",
    "fichier",
    "archivo",
    "файл",
    "изображение",
    "ファイル",
    "画像",
];
const CATEGORY_NAMESPACES: &[&str] =
    &["category", "kategorie", "catégorie", "categoría", "категория", "カテゴリ"];

fn is_language_code(n: &str) -> bool {
    let (code, variant) = n.split_once('-').unwrap_or((n, "x"));
    (2..=3).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase())
        && variant.bytes().all(|b| b.is_ascii_lowercase())
}

/// `thumb`, `right`, `200px`, `upright=1.2`, `alt=…`: image options, not a caption.
fn is_image_option(field: &str) -> bool {
    let f = field.trim().to_lowercase();
    let key = f.split('=').next().unwrap_or("").trim();
    matches!(
        key,
        "thumb"
            | "thumbnail"
            | "frame"
            | "framed"
            | "frameless"
            | "border"
            | "left"
            | "right"
            | "center"
            | "centre"
            | "none"
            | "upright"
            | "alt"
            | "link"
            | "page"
            | "lang"
            | "class"
            | "baseline"
            | "middle"
            | "sub"
            | "super"
            | "top"
            | "text-top"
            | "bottom"
            | "text-bottom"
    ) || (f.ends_with("px") && f[..f.len() - 2].bytes().all(|b| b.is_ascii_digit() || b == b'x'))
}

fn is_named(field: &str) -> bool {
    field.split_once('=').is_some_and(|(k, _)| {
        let k = k.trim();
        !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// `Cite_Book ` → `cite book`, `Template:Sfn` → `sfn`.
fn template_name(s: &str) -> String {
    let s = s.trim().trim_start_matches(':');
    let s = s.strip_prefix("Template:").or_else(|| s.strip_prefix("template:")).unwrap_or(s);
    let name: String = s.trim().replace('_', " ").to_lowercase();
    bibliography::collapse(&name)
}

/// The fields a template that stands for text keeps: `{{lang|ja|ポーツマス}}` its last
/// unnamed field, `{{nihongo|Treaty|…}}` its first, `{{convert|5|km}}` its first two.
fn kept_fields(name: &str, args: &[(usize, usize)], text: &str) -> Option<Vec<(usize, usize)>> {
    let unnamed: Vec<(usize, usize)> =
        args.iter().copied().filter(|&(a, b)| !is_named(&text[a..b])).collect();
    let take = |n: usize, from_end: bool| -> Option<Vec<(usize, usize)>> {
        let picked: Vec<(usize, usize)> = if from_end {
            unnamed.iter().rev().take(n).rev().copied().collect()
        } else {
            unnamed.iter().take(n).copied().collect()
        };
        (!picked.is_empty()).then_some(picked)
    };
    match name {
        "lang" | "transl" | "transliteration" | "script" => take(1, true),
        n if n.starts_with("lang-") => take(1, true),
        "nowrap" | "nobr" | "small" | "smaller" | "big" | "larger" | "em" | "strong" | "nihongo" | "ill"
        | "interlanguage link" | "abbr" | "sic" | "visible anchor" | "vanchor" | "lang2" | "noitalic"
        | "nowrap begin" | "keypress" | "w" => take(1, false),
        "convert" | "cvt" => take(2, false),
        "circa" | "c." => take(1, false),
        _ => None,
    }
}

/// Templates that stand for one character or word.
fn symbol_template(name: &str) -> Option<&'static str> {
    Some(match name {
        "ndash" | "snd" | "spnd" | "spaced ndash" => "–",
        "mdash" | "spaced mdash" => "—",
        "nbsp" | "sp" | "space" | "thinsp" => " ",
        "'" => "'",
        "\"" => "\"",
        "!" | "pipe" => "|",
        "=" => "=",
        "·" | "dot" | "middot" => "·",
        "bull" | "bullet" => "•",
        _ => return None,
    })
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" | "hairsp" | "numsp" => " ",
        "ndash" => "–",
        "mdash" => "—",
        "minus" => "−",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "hellip" => "…",
        "times" => "×",
        "deg" => "°",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "middot" => "·",
        "copy" => "©",
        "sect" => "§",
        "para" => "¶",
        "prime" => "′",
        "Prime" => "″",
        "shy" | "zwj" | "zwnj" | "lrm" | "rlm" => "",
        _ => return None,
    })
}

fn at_line_start(b: &[u8], i: usize) -> bool {
    b[..i].iter().rev().take_while(|&&c| c != b'\n').all(|&c| c == b' ' || c == b'\t')
}

fn trim_range(text: &str, a: usize, b: usize) -> (usize, usize) {
    let s = &text[a..b];
    let lead = s.len() - s.trim_start().len();
    (a + lead, a + lead + s.trim().len())
}

/// An HTML-like tag at `text[i..]`: `<ref name="x">`, `</ref>`, `<br />`.
struct Tag<'a> {
    name: String,
    attrs: &'a str,
    closing: bool,
    self_closing: bool,
    /// Just past the `>`.
    end: usize,
}

impl Tag<'_> {
    /// The value of attribute `key` (`name="Jukes 2002"`, `name=jukes`).
    fn attr(&self, key: &str) -> Option<String> {
        let mut rest = self.attrs;
        while let Some(at) = rest.find('=') {
            let k = rest[..at].trim().rsplit(char::is_whitespace).next().unwrap_or("");
            let after = rest[at + 1..].trim_start();
            let (value, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], &body[(close + 1).min(body.len())..])
                }
                _ => {
                    let stop = after.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(after.len());
                    (&after[..stop], &after[stop..])
                }
            };
            if k.eq_ignore_ascii_case(key) {
                let v = value.trim();
                return (!v.is_empty()).then(|| v.to_string());
            }
            rest = tail;
        }
        None
    }
}

fn tag_at(text: &str, i: usize, end: usize) -> Option<Tag<'_>> {
    let rest = &text[i + 1..end];
    let closing = rest.starts_with('/');
    let body = if closing { &rest[1..] } else { rest };
    let n = body.bytes().take_while(u8::is_ascii_alphabetic).count();
    if n == 0 || n > 20 {
        return None;
    }
    let after = body[n..].chars().next()?;
    if !(after == '>' || after == '/' || after.is_whitespace()) {
        return None;
    }
    let mut gt = None;
    for (k, c) in prefix(body, MAX_TAG).char_indices() {
        match c {
            '>' => {
                gt = Some(k);
                break;
            }
            '<' => return None,
            _ => {}
        }
    }
    let gt = gt?;
    let inner = &body[n..gt];
    let self_closing = inner.trim_end().ends_with('/');
    let attrs = inner.trim_end().trim_end_matches('/');
    let end = i + 1 + usize::from(closing) + gt + 1;
    Some(Tag { name: body[..n].to_ascii_lowercase(), attrs, closing, self_closing, end })
}

/// A template field as plain text: markup rendered, footnotes left out, spaces collapsed.
fn plain_text(s: &str) -> String {
    let mut scanner = Scanner::new(s);
    scanner.scan(0, s.len(), 1, true);
    let atoms = outermost(&mut scanner.marks.atoms, 0, s.len());
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for a in atoms {
        out.push_str(&s[at..a.start]);
        if !a.is_citation() {
            out.push_str(&a.with);
        }
        at = a.end;
    }
    out.push_str(&s[at..]);
    bibliography::collapse(&out)
}

/// The atoms inside `start..end` that are not inside another one, in order (`atoms` sorted
/// by start, the longest first).
fn outermost(atoms: &mut [Atom], start: usize, end: usize) -> Vec<Atom> {
    sort_atoms(atoms);
    outermost_sorted(atoms, start, end).into_iter().cloned().collect()
}

/// Markup left out between two spaces takes one of them along: `Next '' text` reads
/// `Next text`, not `Next  text`. `atoms` is sorted; no atom grows into another.
fn collapse_spaces(text: &str, atoms: &mut [Atom]) {
    let starts: Vec<usize> = atoms.iter().map(|a| a.start).collect();
    for a in atoms.iter_mut() {
        let before = text[..a.start].chars().next_back();
        if a.role == Role::Hide
            && a.with.is_empty()
            && a.end > a.start
            && matches!(before, None | Some(' ' | '\n'))
            && text[a.end..].starts_with(' ')
            && starts.binary_search(&a.end).is_err()
        {
            a.end += 1;
        }
    }
}

fn sort_atoms(atoms: &mut [Atom]) {
    atoms.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
}

fn outermost_sorted(atoms: &[Atom], start: usize, end: usize) -> Vec<&Atom> {
    let first = atoms.partition_point(|a| a.start < start);
    let mut out: Vec<&Atom> = Vec::new();
    for a in atoms[first..].iter().take_while(|a| a.start < end) {
        if a.end <= end && out.last().is_none_or(|l| a.start >= l.end) {
            out.push(a);
        }
    }
    out
}

/// A footnote's entry, once the citing paragraphs are read.
struct Note {
    /// Index of the `<ref>` (into `Marks::refs`) that holds its content.
    tag: usize,
    /// Where its entry is in the document, once listed.
    block: Option<usize>,
}

struct Reader<'a> {
    text: &'a str,
    marks: Marks,
    /// Start offsets of the lines, for line numbers.
    lines: LineStarts,
    doc: Document,
    stack: Vec<(usize, String)>,
    role: SectionRole,
    /// Paragraphs given out so far in each section.
    numbers: Vec<u32>,
    /// The footnotes with content, in order, and each `<ref>`'s footnote.
    notes: Vec<Note>,
    note_of: Vec<Option<usize>>,
    /// Footnotes listed so far.
    listed: usize,
    /// The section of the last `{{reflist}}` seen.
    reflist_section: Option<usize>,
    /// (block, citation, footnote): citations to point at their footnote's entry.
    pointers: Vec<(usize, usize, usize)>,
    /// The open paragraph: first and last line, byte range.
    open: Option<(usize, usize)>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, fallback_title: &str) -> Reader<'a> {
        let mut scanner = Scanner::new(text);
        scanner.scan(0, text.len(), 0, false);
        let mut marks = scanner.marks;
        sort_atoms(&mut marks.atoms);
        collapse_spaces(text, &mut marks.atoms);
        // Each footnote with content, and the one a `<ref name="x" />` repeats.
        let mut notes = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut note_of = vec![None; marks.refs.len()];
        for (i, r) in marks.refs.iter().enumerate() {
            if r.content.is_some_and(|(a, b)| !text[a..b].trim().is_empty()) {
                if let Some(name) = &r.name
                    && let Some(&n) = by_name.get(name)
                {
                    note_of[i] = Some(n);
                    continue;
                }
                notes.push(Note { tag: i, block: None });
                note_of[i] = Some(notes.len() - 1);
                if let Some(name) = &r.name {
                    by_name.insert(name.clone(), notes.len() - 1);
                }
            }
        }
        for (i, r) in marks.refs.iter().enumerate() {
            if note_of[i].is_none()
                && let Some(name) = &r.name
            {
                note_of[i] = by_name.get(name).copied();
            }
        }
        let mut doc = Document::new(fallback_title.replace('_', " ").trim().to_string(), 0);
        doc.marked_citations = true;
        Reader {
            text,
            marks,
            lines: LineStarts::new(text),
            doc,
            stack: Vec::new(),
            role: SectionRole::Prose,
            numbers: vec![0],
            notes,
            note_of,
            listed: 0,
            reflist_section: None,
            pointers: Vec::new(),
            open: None,
        }
    }

    fn read(mut self) -> Document {
        // Logical lines: a line break inside a template, a footnote or a comment does not
        // end a line.
        let top: Vec<(usize, usize)> = outermost_sorted(&self.marks.atoms, 0, self.text.len())
            .iter()
            .map(|a| (a.start, a.end))
            .collect();
        let inside = |p: usize| {
            let n = top.partition_point(|&(s, _)| s < p);
            n > 0 && top[n - 1].1 > p
        };
        let mut logical: Vec<(usize, usize)> = Vec::new();
        for (_, start, line) in lines(self.text) {
            let end = start + line.len();
            match logical.last_mut() {
                Some(last) if inside(start) => last.1 = end,
                _ => logical.push((start, end)),
            }
        }
        for (start, end) in logical {
            self.line(start, end);
        }
        self.close_paragraph();
        self.list_notes(true);
        for (block, citation, note) in std::mem::take(&mut self.pointers) {
            let target = self.notes[note].block.filter(|&b| self.doc.blocks[b].kind == Kind::Reference);
            if let Some(c) = self.doc.blocks.get_mut(block).and_then(|b| b.citations.get_mut(citation)) {
                c.1 = target;
            }
        }
        self.doc
    }

    /// `text[start..end]` as it reads.
    fn rendered(&self, start: usize, end: usize) -> String {
        let mut out = String::new();
        let mut at = start;
        for a in outermost_sorted(&self.marks.atoms, start, end) {
            out.push_str(&self.text[at..a.start]);
            if !a.is_citation() {
                out.push_str(&a.with);
            }
            at = a.end;
        }
        out.push_str(&self.text[at..end]);
        out
    }

    fn line(&mut self, start: usize, end: usize) {
        let raw = self.text[start..end].trim();
        let shown = self.rendered(start, end);
        let t = shown.trim();
        if self.doc.blocks.is_empty()
            && self.doc.sections.len() == 1
            && self.open.is_none()
            && let Some(title) = raw.strip_prefix("[[").and_then(|r| r.strip_suffix("]]"))
            && !title.contains(['|', '[', ']', ':'])
            && !title.trim().is_empty()
        {
            self.doc.title = title.trim().to_string();
            self.doc.title_line = self.lines.line_of(start);
            return;
        }
        if t.is_empty() {
            self.close_paragraph();
            self.captions(start, end);
            if self.marks.reflists.iter().any(|&r| (start..end).contains(&r)) {
                self.reflist_section = Some(self.doc.sections.len() - 1);
                self.list_notes(false);
            }
            return;
        }
        if raw.starts_with('=') && t.starts_with('=') && t.ends_with('=') {
            let lead = t.chars().take_while(|&c| c == '=').count();
            let trail = t.chars().rev().take_while(|&c| c == '=').count();
            let name = t.trim_matches('=').trim();
            if !name.is_empty() && lead.min(trail) <= 6 {
                self.close_paragraph();
                self.heading(lead.min(trail), name.to_string());
                return;
            }
        }
        if raw.len() >= 4 && raw.bytes().all(|b| b == b'-') {
            self.close_paragraph();
            return;
        }
        if raw.get(..9).is_some_and(|r| r.eq_ignore_ascii_case("#redirect")) {
            return;
        }
        let lead = self.text[start..end].len() - self.text[start..end].trim_start().len();
        let marker = self.text[start + lead..end].bytes().take_while(|b| b"*#:;".contains(b)).count();
        if marker > 0 {
            self.close_paragraph();
            let kind = match self.role {
                SectionRole::References => Kind::Reference,
                SectionRole::Links => Kind::Link,
                SectionRole::Notes => Kind::Note,
                SectionRole::Prose => Kind::Body,
            };
            self.push(kind, start + lead + marker, end, None, None);
            return;
        }
        self.open = Some(match self.open {
            Some((s, _)) => (s, end),
            None => (start, end),
        });
    }

    fn heading(&mut self, level: usize, name: String) {
        while self.stack.last().is_some_and(|(l, _)| *l >= level) {
            self.stack.pop();
        }
        self.role = role_of(&name);
        self.stack.push((level, name));
        let path = self.stack.iter().map(|(_, n)| n.clone()).collect();
        self.doc.sections.push(Section { path });
        self.numbers.push(0);
    }

    fn close_paragraph(&mut self) {
        if let Some((start, end)) = self.open.take() {
            self.push(Kind::Body, start, end, None, None);
        }
    }

    /// The captions of the images on a line with no text of its own.
    fn captions(&mut self, start: usize, end: usize) {
        let images: Vec<usize> = self.marks.atoms[self.marks.atoms.partition_point(|a| a.start < start)..]
            .iter()
            .take_while(|a| a.start < end)
            .filter_map(|a| match a.role {
                Role::Image(i) => Some(i),
                _ => None,
            })
            .collect();
        for i in images {
            let image = self.marks.images[i].clone();
            if let Some((a, b)) = image.caption {
                self.push(Kind::Caption, a, b, Some(image.file), None);
            }
        }
    }

    /// Lists the footnotes not listed yet: where `{{reflist}}` stands, or at the end.
    fn list_notes(&mut self, at_end: bool) {
        if self.listed >= self.notes.len() {
            return;
        }
        if at_end {
            let last = self.doc.sections.len() - 1;
            if self.reflist_section != Some(last) {
                self.doc.sections.push(Section { path: vec!["Notes".to_string()] });
                self.numbers.push(0);
            }
        }
        let section = self.doc.sections.len() - 1;
        for n in self.listed..self.notes.len() {
            let Some((a, b)) = self.marks.refs[self.notes[n].tag].content else { continue };
            // A footnote that is only a short footnote (`<ref>{{harvnb|…}}</ref>`) has no
            // entry of its own.
            let atoms = outermost_sorted(&self.marks.atoms, a, b);
            let only_short = atoms.len() == 1
                && matches!(atoms[0].role, Role::Short(_))
                && self.text[a..atoms[0].start].trim().is_empty()
                && self.text[atoms[0].end..b].trim().is_empty();
            if only_short {
                continue;
            }
            let before = self.doc.blocks.len();
            let kind = if self.is_full_reference(a, b) { Kind::Reference } else { Kind::Note };
            self.push(kind, a, b, None, Some(section));
            if self.doc.blocks.len() > before {
                self.notes[n].block = Some(before);
            }
        }
        self.listed = self.notes.len();
    }

    /// Whether a footnote's content is a bibliography entry: a citation template, or an
    /// entry with authors, a year and a title (not a short `Jukes 2002, p. 86`).
    fn is_full_reference(&self, a: usize, b: usize) -> bool {
        let atoms = outermost_sorted(&self.marks.atoms, a, b);
        if atoms.iter().any(|x| matches!(x.role, Role::Cite(_))) {
            return true;
        }
        footnote::is_work(&self.rendered(a, b))
    }

    /// Adds the paragraph in `start..end` (trimmed to what it shows), with its markup and
    /// citations.
    fn push(&mut self, kind: Kind, start: usize, end: usize, file: Option<String>, section: Option<usize>) {
        let atoms: Vec<Atom> = outermost_sorted(&self.marks.atoms, start, end).into_iter().cloned().collect();
        // The first and last bytes that show; citations right after the text belong to it.
        let mut first = None;
        let mut last = None;
        let mut at = start;
        let mut pieces: Vec<(usize, usize, bool)> = Vec::new(); // (start, end, is atom)
        for a in &atoms {
            pieces.push((at, a.start, false));
            pieces.push((a.start, a.end, true));
            at = a.end;
        }
        pieces.push((at, end, false));
        let mut atom = atoms.iter();
        for &(s, e, is_atom) in &pieces {
            let (from, to) = if is_atom {
                let a = atom.next().expect("one atom per atom piece");
                if a.shows() {
                    (Some(s), Some(e))
                } else if a.is_citation() && first.is_some() {
                    (None, Some(e))
                } else {
                    (None, None)
                }
            } else {
                let piece = &self.text[s..e];
                let t = piece.trim();
                if t.is_empty() {
                    (None, None)
                } else {
                    let lead = piece.len() - piece.trim_start().len();
                    (Some(s + lead), Some(s + lead + t.len()))
                }
            };
            if first.is_none() {
                first = from;
            }
            if to.is_some() && (from.is_some() || first.is_some()) {
                last = to;
            }
        }
        let (Some(byte_start), Some(byte_end)) = (first, last) else { return };
        let section = section.unwrap_or(self.doc.sections.len() - 1);
        let (line_start, line_end) = self.lines.span(byte_start, byte_end);
        let mut block = Block {
            kind,
            section,
            paragraph: 0,
            line_start,
            line_end,
            byte_start,
            byte_end,
            file,
            ..Block::default()
        };
        let index = self.doc.blocks.len();
        let inner: Vec<&Atom> = atoms.iter().filter(|a| a.start >= byte_start && a.end <= byte_end).collect();
        for a in &inner {
            match a.role {
                Role::Ref(r) => {
                    let Some(note) = self.note_of[r] else {
                        // `<ref name="x" />` with no content anywhere: nothing to cite.
                        block.markup.push(Markup { start: a.start, end: a.end, with: String::new() });
                        continue;
                    };
                    let c = self.footnote_citation(a, note, byte_end);
                    self.pointers.push((index, block.citations.len(), note));
                    block.citations.push((c, None));
                }
                Role::Short(s) => {
                    let c = self.marks.shorts[s].clone();
                    let (start, end) = self.with_space(a.start, a.end, byte_end);
                    block.citations.push((Citation { start, end, ..c }, None));
                }
                _ => block.markup.push(Markup { start: a.start, end: a.end, with: a.with.clone() }),
            }
        }
        // An entry that is one citation template has its fields.
        if let [only] = inner.as_slice()
            && let Role::Cite(c) = only.role
            && only.start == byte_start
            && only.end == byte_end
        {
            block.kind = Kind::Reference;
            block.reference = Some(Box::new(self.marks.cites[c].clone()));
        }
        self.numbers[section] += 1;
        block.paragraph = self.numbers[section];
        self.doc.blocks.push(block);
    }

    /// A citation range that also takes the space after it when there is one before it, so
    /// that `text <ref/> more` reads `text more`.
    fn with_space(&self, start: usize, end: usize, limit: usize) -> (usize, usize) {
        let before = self.text[..start].chars().next_back().is_some_and(char::is_whitespace);
        let atoms = &self.marks.atoms;
        let free = atoms.get(atoms.partition_point(|a| a.start < end)).is_none_or(|a| a.start != end);
        match self.text[end..limit.max(end)].chars().next() {
            Some(c) if before && free && c.is_whitespace() => (start, end + c.len_utf8()),
            _ => (start, end),
        }
    }

    /// The citation of a `<ref>` at `a`, whose content is footnote `note`'s.
    fn footnote_citation(&self, a: &Atom, note: usize, limit: usize) -> Citation {
        let (cs, ce) = self.marks.refs[self.notes[note].tag].content.unwrap_or((a.start, a.start));
        let content = outermost_sorted(&self.marks.atoms, cs, ce);
        let shown = self.rendered(cs, ce);
        let (start, end) = self.with_space(a.start, a.end, limit);
        // Its parts: from the citation template or short footnote it holds, else read.
        let cite = content.iter().find_map(|x| match x.role {
            Role::Cite(i) => Some(&self.marks.cites[i]),
            _ => None,
        });
        let short = content.iter().find_map(|x| match x.role {
            Role::Short(i) => Some(&self.marks.shorts[i]),
            _ => None,
        });
        match (cite, short) {
            (None, Some(s)) => {
                let raw = bibliography::collapse(&shown);
                Citation { start, end, raw, shape: Shape::Footnote, ..s.clone() }
            }
            (cite, _) => footnote::citation(&shown, start, end, cite),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage::{self, Passage};

    fn read(text: &str) -> Document {
        MediaWiki.read(text, "Fallback_title").remove(0)
    }

    fn passages(text: &str, max_words: usize) -> Vec<Passage> {
        passage::read_checked(&MediaWiki, text, "f.wiki", max_words)
    }

    const ARTICLE: &str = include_str!("../../tests/fixtures/formats/portsmouth-real.wiki");

    #[test]
    fn the_fixture_reads_as_prose_with_its_footnotes() {
        let ps = passages(ARTICLE, passage::DEFAULT_MAX_WORDS);
        let lead = &ps[0];
        assert!(
            lead.text.starts_with("The Treaty of Portsmouth formally ended the 1904–05 Russo-Japanese War."),
            "{}",
            lead.text
        );
        for p in &ps {
            for raw in ["'''", "[[", "]]", "{{", "}}", "<ref", "&nbsp;", "|"] {
                assert!(!p.text.contains(raw), "{} shows {raw}: {}", p.id, p.text);
            }
        }
        assert!(lead.text.contains("in Kittery, Maine, in the United States"), "{}", lead.text);
    }

    #[test]
    fn templates_links_and_emphasis() {
        let text = "'''Bold''' and ''it'' [[Kittery, Maine|Kittery]] [[Portsmouth]]s {{lang|ja|日露}} \
                    {{convert|5|km}} 1904{{ndash}}05 [https://example.org the site] [https://x.org] \
                    a&nbsp;b{{citation needed|date=May 2020}}<!-- hidden --> end.\n";
        let ps = passages(text, 100);
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].text, "Bold and it Kittery Portsmouths 日露 5 km 1904–05 the site a b end.");
    }

    #[test]
    fn footnotes_are_citations_and_their_entries_are_listed() {
        let text = "Lead text.<ref name=\"j\">{{cite book |last=Jukes |first=Geoffrey |title=The Russo-Japanese War 1904–1905 \
                    |publisher=Osprey |year=2002 |isbn=978-1-84176-446-7 |page=86}}</ref> More.<ref name=\"j\" /> \
                    And a note.<ref>An aside, not a source.</ref>\n\n== Notes ==\n{{reflist}}\n";
        let doc = read(text);
        assert_eq!(doc.title, "Fallback title");
        let ps = passages(text, 100);
        let body = &ps[0];
        assert_eq!(body.text, "Lead text. More. And a note.");
        assert_eq!(body.citations.len(), 3);
        let entry = ps.iter().find(|p| p.kind == Kind::Reference).expect("an entry");
        assert_eq!(entry.section, vec!["Notes"]);
        assert_eq!(
            entry.text,
            "Jukes, Geoffrey (2002). The Russo-Japanese War 1904–1905. Osprey. p. 86. ISBN 978-1-84176-446-7."
        );
        let r = entry.reference.as_ref().expect("fields");
        assert_eq!(r.authors[0].family, "Jukes");
        assert_eq!(r.isbns[0].isbn13.as_deref(), Some("9781841764467"));
        assert_eq!(body.citations[0].reference.as_deref(), Some(entry.id.as_str()));
        assert_eq!(body.citations[1].reference.as_deref(), Some(entry.id.as_str()));
        assert_eq!(body.citations[0].shape, Shape::Footnote);
        assert_eq!(body.citations[2].reference, None);
        let note = ps.iter().find(|p| p.kind == Kind::Note).expect("a note");
        assert_eq!(note.text, "An aside, not a source.");
        assert_eq!(note.source.line_start, 1);
    }

    #[test]
    fn short_footnotes_link_to_the_bibliography() {
        let text = "Witte arrived.{{sfn|Jukes|2002|p=86}} Talks began.{{sfn|Trani|1969|pp=12–15}}\n\
                    == Bibliography ==\n* {{cite book |last=Jukes |first=Geoffrey |title=The War |year=2002}}\n\
                    * Trani, Eugene P. (1969). ''The Treaty of Portsmouth''. Lexington: University of Kentucky Press.\n";
        let ps = passages(text, 100);
        assert_eq!(ps[0].text, "Witte arrived. Talks began.");
        let c = &ps[0].citations;
        assert_eq!(
            (c[0].author.as_deref(), c[0].year, c[0].pages.as_deref()),
            (Some("Jukes"), Some(2002), Some("86"))
        );
        assert_eq!(c[0].raw, "Jukes 2002, p. 86");
        assert_eq!(c[0].reference.as_deref(), Some("f/bibliography/1"));
        assert_eq!(c[1].reference.as_deref(), Some("f/bibliography/2"));
        assert_eq!(
            ps[2].text,
            "Trani, Eugene P. (1969). The Treaty of Portsmouth. Lexington: University of Kentucky Press."
        );
        assert_eq!(ps[2].reference.as_ref().and_then(|r| r.year), Some(1969));
    }

    #[test]
    fn headings_lists_images_tables_and_infoboxes() {
        let text = "{{Infobox treaty\n| name = Treaty\n| image = T.jpg\n}}\n'''Treaty''' text\ngoes on.\n\n\
                    = One =\n== Two ==\n=== Three ===\n* item ''one''\n# item two\n\
                    [[File:Witte.jpg|thumb|right|Sergei [[Witte]] in 1905]]\n\
                    {| class=\"wikitable\"\n|-\n| cell || cell\n|}\nAfter.\n[[Category:Treaties]]\n[[ja:ポーツマス条約]]\n";
        let doc = read(text);
        let got: Vec<(Kind, String, Vec<String>)> =
            passages(text, 100).into_iter().map(|p| (p.kind, p.text, p.section)).collect();
        let three = vec!["One".to_string(), "Two".to_string(), "Three".to_string()];
        assert_eq!(
            got,
            vec![
                (Kind::Body, "Treaty text\ngoes on.".to_string(), vec![]),
                (Kind::Body, "item one".to_string(), three.clone()),
                (Kind::Body, "item two".to_string(), three.clone()),
                (Kind::Caption, "Sergei Witte in 1905".to_string(), three.clone()),
                (Kind::Body, "After.".to_string(), three),
            ]
        );
        assert_eq!(doc.blocks[0].line_start, 5);
        assert_eq!(doc.blocks[0].line_end, 6);
        assert_eq!(doc.blocks[3].file.as_deref(), Some("Witte.jpg"));
    }

    #[test]
    fn broken_markup_keeps_its_text() {
        let ps = passages("Unclosed {{template and [[link and <ref>note\n\nNext '' text.\n", 100);
        assert_eq!(ps[0].text, "Unclosed {{template and [[link and <ref>note");
        assert_eq!(ps[1].text, "Next text.");
    }

    #[test]
    fn recognized_by_its_markup() {
        assert!(looks_like_mediawiki("'''Treaty''' of Portsmouth"));
        assert!(looks_like_mediawiki("Signed.<ref>Jukes</ref>"));
        assert!(looks_like_mediawiki("In [[Kittery, Maine|Kittery]]."));
        let seed = include_str!("../../corpus/treaty-of-portsmouth.txt");
        assert!(!looks_like_mediawiki(seed));
        assert!(MediaWiki.accepts(Path::new("a.mediawiki"), "plain"));
        assert!(!MediaWiki.accepts(Path::new("a.md"), "'''x'''"));
    }

    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("== Heading ==\n".to_string()),
            Just("\n== References ==\n{{reflist}}\n".to_string()),
            Just("* ".to_string()),
            Just("'''".to_string()),
            Just("''".to_string()),
            Just("[[".to_string()),
            Just("]]".to_string()),
            Just("{{".to_string()),
            Just("}}".to_string()),
            Just("|".to_string()),
            Just("<ref>".to_string()),
            Just("</ref>".to_string()),
            Just("<ref name=\"a\" />".to_string()),
            Just("<ref name=a>".to_string()),
            Just("{{sfn|Jukes|2002|p=8}}".to_string()),
            Just("{{cite book |last=Jukes |title=War |year=2002}}".to_string()),
            Just("[[File:X.jpg|thumb|Cap]]".to_string()),
            Just("&nbsp;".to_string()),
            Just("&ndash;".to_string()),
            Just("{|\n| cell\n|}\n".to_string()),
            Just("<!--".to_string()),
            Just("-->".to_string()),
            Just("[https://x.org label]".to_string()),
            "[a-zA-Zé日 .,]{1,20}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn random_wikitext_maps_back_exactly(parts in proptest::collection::vec(fragment(), 0..40), words in 1usize..30) {
            let text: String = parts.concat();
            passages(&text, words);
        }
    }
}
