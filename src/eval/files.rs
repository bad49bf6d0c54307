//! The input files of `citedex eval`: queries and relevance judgements. Pure parsers over
//! `&str`; their errors carry the line, and the caller adds the path.
//!
//! Queries come in one of two formats, told apart by the first line that is not blank:
//! one starting with `<` is a TREC topic file, anything else is TSV.
//!
//! ```text
//! # TSV: id, a tab (shown <TAB>), the query in citedex's query language; # lines skipped
//! 1<TAB>treaty portsmouth
//! 2<TAB>"Hibiya riots"
//!
//! <top>                                TREC topics: the <title> is the query; closing tags
//! <num> Number: 401                    such as </title> are optional, as in TREC's own files,
//! <title> foreign minorities, Germany  and so is `Number:`; <desc>, <narr> and other fields
//! <desc> Description: ...              are skipped
//! </top>
//! ```
//!
//! Judgements are TREC qrels, one `qid iter docid grade` per line (whitespace separated;
//! `iter` is ignored). A grade above 0 is relevant and is the gain for nDCG; 0 or less is
//! judged not relevant. A pair listed twice keeps its highest grade.

use super::metrics::Judgements;
use std::collections::{HashMap, HashSet};

/// One query to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub id: String,
    pub query: String,
    /// 1-based line of the query (of `<top>` for a TREC topic).
    pub line: usize,
}

/// Relevance judgements by query id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Qrels {
    pub queries: HashMap<String, Judgements>,
    /// Every id judged by any query, relevant or not.
    judged: HashSet<String>,
}

impl Qrels {
    /// Whether any query judges `id` (relevant or not).
    pub fn judges(&self, id: &str) -> bool {
        self.judged.contains(id)
    }
}

/// What is wrong with a file, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", .line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ParseError {
    /// 1-based; `None` for the file as a whole.
    pub line: Option<usize>,
    pub message: String,
}

fn at(line: usize, message: impl Into<String>) -> ParseError {
    ParseError { line: Some(line), message: message.into() }
}

/// The text of a file, or the line holding its first byte that is not UTF-8.
pub fn text(bytes: &[u8]) -> Result<&str, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s)),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            Err(at(line, "not UTF-8 text: save the file as UTF-8"))
        }
    }
}

/// Parses a queries file, TSV or TREC topics.
pub fn queries(text: &str) -> Result<Vec<Topic>, ParseError> {
    let trec = text.lines().map(str::trim).find(|l| !l.is_empty()).is_some_and(|l| l.starts_with('<'));
    let topics = if trec { trec_topics(text)? } else { tsv(text)? };
    if topics.is_empty() {
        return Err(ParseError {
            line: None,
            message:
                "no queries: write one `id<TAB>query` per line, or TREC topics (`<top> <num> 401 <title> …`)"
                    .into(),
        });
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    for t in &topics {
        if let Some(line) = first.insert(&t.id, t.line) {
            return Err(at(
                t.line,
                format!(
                    "query id `{}` is used twice (first on line {line}): give each query its own id",
                    t.id
                ),
            ));
        }
    }
    Ok(topics)
}

fn tsv(text: &str) -> Result<Vec<Topic>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((id, query)) = raw.split_once('\t') else {
            return Err(at(
                line,
                "expected `id<TAB>query`, found no tab: separate the query id from the query with a tab",
            ));
        };
        let (id, query) = (id.trim(), query.trim());
        if id.is_empty() {
            return Err(at(line, "expected `id<TAB>query`, found no id: put the query id before the tab"));
        }
        if id.contains(char::is_whitespace) {
            return Err(at(
                line,
                format!("query id `{id}` holds a space: ids are one word, as in the qrels"),
            ));
        }
        if query.is_empty() {
            return Err(at(line, format!("query `{id}` is empty: write the query after the tab")));
        }
        out.push(Topic { id: id.to_string(), query: query.to_string(), line });
    }
    Ok(out)
}

/// A piece of a TREC topic file.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    /// `<name>` or `</name>`, name lowercased.
    Tag {
        name: String,
        closing: bool,
    },
    Text(&'a str),
}

/// Splits a TREC file into tags and text, with the byte offset of each piece. A `<` that does
/// not open a tag (`a < b`) is text.
fn tokens(text: &str) -> Vec<(usize, Token<'_>)> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0usize, 0usize);
    while let Some(found) = text[i..].find('<') {
        let lt = i + found;
        match tag_at(&text[lt..]) {
            Some((name, closing, len)) => {
                if start < lt {
                    out.push((start, Token::Text(&text[start..lt])));
                }
                out.push((lt, Token::Tag { name, closing }));
                start = lt + len;
                i = start;
            }
            None => i = lt + 1,
        }
    }
    if start < text.len() {
        out.push((start, Token::Text(&text[start..])));
    }
    out
}

/// 1-based line numbers of byte offsets, asked in increasing order.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: usize) -> usize {
        self.line += self.text.as_bytes()[self.offset..offset].iter().filter(|b| **b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

/// `<name>` or `</name>` (ASCII letters) at the start of `s`: (lowercased name, closing, length).
fn tag_at(s: &str) -> Option<(String, bool, usize)> {
    let rest = &s[1..];
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    if name_len == 0 || rest.as_bytes().get(name_len) != Some(&b'>') {
        return None;
    }
    let len = 1 + usize::from(closing) + name_len + 1;
    Some((rest[..name_len].to_ascii_lowercase(), closing, len))
}

/// Which field of a topic text goes to.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Num,
    Title,
    Other,
}

/// A topic being read.
struct Draft {
    line: usize,
    num: String,
    title: String,
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_label<'a>(s: &'a str, label: &str) -> &'a str {
    match s.get(..label.len()) {
        Some(head) if head.eq_ignore_ascii_case(label) => s[label.len()..].trim_start(),
        _ => s,
    }
}

impl Draft {
    fn finish(self) -> Result<Topic, ParseError> {
        let num = words(&self.num);
        let id = strip_label(&num, "Number:");
        if id.is_empty() {
            return Err(at(self.line, "topic without a number: give it `<num> Number: 401` (any id)"));
        }
        if id.contains(' ') {
            return Err(at(
                self.line,
                format!("topic number `{id}` holds a space: ids are one word, as in the qrels"),
            ));
        }
        let title = words(&self.title);
        let query = strip_label(&title, "Topic:");
        if query.is_empty() {
            return Err(at(self.line, format!("topic `{id}` has no `<title>`: its title is the query")));
        }
        Ok(Topic { id: id.to_string(), query: query.to_string(), line: self.line })
    }
}

fn trec_topics(text: &str) -> Result<Vec<Topic>, ParseError> {
    let mut out = Vec::new();
    let mut draft: Option<Draft> = None;
    let mut field: Option<Field> = None;
    let mut lines = Lines { text, offset: 0, line: 1 };
    for (offset, token) in tokens(text) {
        let line = lines.at(offset);
        match token {
            Token::Tag { name, closing: false } if name == "top" => {
                // An unclosed topic ends where the next one opens.
                if let Some(d) = draft.take() {
                    out.push(d.finish()?);
                }
                draft = Some(Draft { line, num: String::new(), title: String::new() });
                field = None;
            }
            Token::Tag { name, closing: true } if name == "top" => {
                let Some(d) = draft.take() else {
                    return Err(at(line, "`</top>` without a `<top>` before it"));
                };
                out.push(d.finish()?);
                field = None;
            }
            Token::Tag { name, closing } => {
                if draft.is_none() {
                    let slash = if closing { "/" } else { "" };
                    return Err(at(
                        line,
                        format!("`<{slash}{name}>` outside a topic: topics open with `<top>`"),
                    ));
                }
                field = match (closing, name.as_str()) {
                    (true, _) => None,
                    (false, "num") => Some(Field::Num),
                    (false, "title") => Some(Field::Title),
                    (false, _) => Some(Field::Other),
                };
            }
            Token::Text(t) => match (&mut draft, field) {
                (Some(d), Some(Field::Num)) => {
                    d.num.push(' ');
                    d.num.push_str(t);
                }
                (Some(d), Some(Field::Title)) => {
                    d.title.push(' ');
                    d.title.push_str(t);
                }
                (Some(_), _) => {}
                (None, _) if t.trim().is_empty() => {}
                (None, _) => {
                    let skipped = t.len() - t.trim_start().len();
                    return Err(at(
                        lines.at(offset + skipped),
                        "text outside a topic: TREC topics are `<top> … </top>`",
                    ));
                }
            },
        }
    }
    if let Some(d) = draft {
        out.push(d.finish()?);
    }
    Ok(out)
}

/// Parses TREC qrels.
pub fn qrels(text: &str) -> Result<Qrels, ParseError> {
    let mut q = Qrels::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let fields: Vec<&str> = raw.split_whitespace().collect();
        if fields.is_empty() || fields[0].starts_with('#') {
            continue;
        }
        let [qid, _iter, docid, grade] = fields[..] else {
            return Err(at(
                line,
                format!(
                    "expected `qid iter docid grade` (4 fields), found {} field{}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" }
                ),
            ));
        };
        let grade: f64 = match grade.parse::<f64>() {
            Ok(g) if g.is_finite() => g,
            _ => {
                return Err(at(
                    line,
                    format!(
                        "grade `{grade}` is not a number: the 4th field is the grade (0 or less: not relevant)"
                    ),
                ));
            }
        };
        if !q.judged.contains(docid) {
            q.judged.insert(docid.to_string());
        }
        let judged = q.queries.entry(qid.to_string()).or_default();
        let g = judged.entry(docid.to_string()).or_insert(grade);
        *g = g.max(grade);
    }
    if !q.queries.values().flat_map(|j| j.values()).any(|g| *g > 0.0) {
        return Err(ParseError {
            line: None,
            message:
                "no relevant judgement (no grade above 0): give TREC qrels, `qid iter docid grade` per line"
                    .into(),
        });
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(id: &str, query: &str, line: usize) -> Topic {
        Topic { id: id.into(), query: query.into(), line }
    }

    fn err_of<T: std::fmt::Debug>(r: Result<T, ParseError>) -> (Option<usize>, String) {
        let e = r.unwrap_err();
        (e.line, e.message)
    }

    #[test]
    fn tsv_skips_comments_and_blank_lines() {
        let t = "# id\tquery\n\n1\ttreaty portsmouth\r\n q2 \t \"Hibiya riots\" \n";
        assert_eq!(
            queries(t).unwrap(),
            vec![topic("1", "treaty portsmouth", 3), topic("q2", "\"Hibiya riots\"", 4)]
        );
    }

    #[test]
    fn tsv_errors_say_the_line_and_what_to_do() {
        assert_eq!(
            err_of(queries("1\tok\n2 no tab\n")),
            (
                Some(2),
                "expected `id<TAB>query`, found no tab: separate the query id from the query with a tab"
                    .into()
            )
        );
        assert_eq!(
            err_of(queries("\tquery\n")),
            (Some(1), "expected `id<TAB>query`, found no id: put the query id before the tab".into())
        );
        assert_eq!(
            err_of(queries("a b\tquery\n")),
            (Some(1), "query id `a b` holds a space: ids are one word, as in the qrels".into())
        );
        assert_eq!(
            err_of(queries("# c\n7\t  \n")),
            (Some(2), "query `7` is empty: write the query after the tab".into())
        );
        assert_eq!(
            err_of(queries("1\ta\n1\tb\n")),
            (Some(2), "query id `1` is used twice (first on line 1): give each query its own id".into())
        );
        assert_eq!(
            err_of(queries("# only a comment\n\n")),
            (
                None,
                "no queries: write one `id<TAB>query` per line, or TREC topics (`<top> <num> 401 <title> …`)"
                    .into()
            )
        );
    }

    #[test]
    fn trec_topics_with_closed_tags() {
        let t = "<top>\n<num>401</num>\n<title>foreign minorities, Germany</title>\n\
                 <desc>What language and cultural differences impede?</desc>\n</top>\n\
                 <top><num> Number: 402 </num><title> behavioral\n genetics </title></top>\n";
        assert_eq!(
            queries(t).unwrap(),
            vec![topic("401", "foreign minorities, Germany", 1), topic("402", "behavioral genetics", 6)]
        );
    }

    #[test]
    fn trec_topics_with_unclosed_tags_as_in_trec_files() {
        let t = "\n<top>\n\n<num> Number: 301\n<title> International Organized Crime\n\n\
                 <desc> Description:\nIdentify organizations that participate in crime.\n\n\
                 <narr> Narrative:\nA relevant document < must > name one.\n\n</top>\n\n\
                 <TOP>\n<NUM> Number: 302\n<TITLE> Topic: Poliomyelitis and Post-Polio\n\
                 <top>\n<num> 303\n<title> Hubble Telescope Achievements\n";
        assert_eq!(
            queries(t).unwrap(),
            vec![
                topic("301", "International Organized Crime", 2),
                topic("302", "Poliomyelitis and Post-Polio", 15),
                topic("303", "Hubble Telescope Achievements", 18),
            ]
        );
    }

    #[test]
    fn trec_errors_say_the_line_and_what_to_do() {
        assert_eq!(
            err_of(queries("<top>\n<title> no number\n</top>\n")),
            (Some(1), "topic without a number: give it `<num> Number: 401` (any id)".into())
        );
        assert_eq!(
            err_of(queries("<top>\n<num> 401\n<desc> only a description\n</top>\n")),
            (Some(1), "topic `401` has no `<title>`: its title is the query".into())
        );
        assert_eq!(
            err_of(queries("<top><num>1<title>a</top>\n\nstray words\n")),
            (Some(3), "text outside a topic: TREC topics are `<top> … </top>`".into())
        );
        assert_eq!(
            err_of(queries("<top><num>1<title>a</top>\n</top>\n")),
            (Some(2), "`</top>` without a `<top>` before it".into())
        );
        assert_eq!(
            err_of(queries("<num> 1\n")),
            (Some(1), "`<num>` outside a topic: topics open with `<top>`".into())
        );
        assert_eq!(
            err_of(queries("<top><num>4 01<title>a</top>\n")),
            (Some(1), "topic number `4 01` holds a space: ids are one word, as in the qrels".into())
        );
        assert_eq!(
            err_of(queries("<top><num>1<title>a</top>\n<top>\n<num>1<title>b\n")),
            (Some(2), "query id `1` is used twice (first on line 1): give each query its own id".into())
        );
    }

    #[test]
    fn qrels_keep_the_highest_grade_of_a_pair() {
        let q = qrels("1 0 d1 2\n1 0 d1 1\r\n1\t0\td2\t-1\n\n2 0 d1 0\n2 Q0 d3 3\n").unwrap();
        assert_eq!(q.queries["1"], Judgements::from([("d1".into(), 2.0), ("d2".into(), -1.0)]));
        assert_eq!(q.queries["2"], Judgements::from([("d1".into(), 0.0), ("d3".into(), 3.0)]));
        assert!(q.judges("d2") && q.judges("d3") && !q.judges("d4"));
        let q = qrels("1 0 d1 -1\n1 0 d1 1\n").unwrap();
        assert_eq!(q.queries["1"]["d1"], 1.0);
    }

    #[test]
    fn qrels_errors_say_the_line_and_what_to_do() {
        assert_eq!(
            err_of(qrels("1 0 d1 1\n1 184 2\n")),
            (Some(2), "expected `qid iter docid grade` (4 fields), found 3 fields".into())
        );
        assert_eq!(
            err_of(qrels("x\n")),
            (Some(1), "expected `qid iter docid grade` (4 fields), found 1 field".into())
        );
        assert_eq!(
            err_of(qrels("1 0 d1 high\n")),
            (
                Some(1),
                "grade `high` is not a number: the 4th field is the grade (0 or less: not relevant)".into()
            )
        );
        assert_eq!(err_of(qrels("1 0 d1 NaN\n")).0, Some(1));
        let none = (
            None,
            "no relevant judgement (no grade above 0): give TREC qrels, `qid iter docid grade` per line"
                .into(),
        );
        assert_eq!(err_of(qrels("1 0 d1 0\n1 0 d2 -1\n")), none);
        assert_eq!(err_of(qrels("")), none);
    }

    #[test]
    fn text_that_is_not_utf8_names_its_line() {
        assert_eq!(text(b"\xef\xbb\xbf1\tq\n").unwrap(), "1\tq\n");
        assert_eq!(
            err_of(text(b"1\tq\n2\tcaf\xe9\n")),
            (Some(2), "not UTF-8 text: save the file as UTF-8".into())
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any text, made of the pieces the formats are built from, parses or fails with a
        /// message; never a panic, and a line, when given, is one of the text's.
        #[test]
        fn parsers_never_panic(s in "(<|>|</|top|TOP|num|title|desc|Number: |Topic:|\t|\n|\r| |x|1|#|-1|é|語)*") {
            for r in [queries(&s).map(|_| ()), qrels(&s).map(|_| ())] {
                if let Err(e) = r {
                    proptest::prop_assert!(!e.message.is_empty());
                    proptest::prop_assert!(e.line.is_none_or(|l| l >= 1 && l <= s.split('\n').count()));
                }
            }
        }
    }

    #[test]
    fn parse_errors_display_their_line() {
        assert_eq!(at(3, "bad").to_string(), "line 3: bad");
        assert_eq!(ParseError { line: None, message: "bad".into() }.to_string(), "bad");
    }
}
