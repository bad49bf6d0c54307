//! The query language, parsed into a [`Query`] before anything touches the index.
//!
//! ```text
//! treaty portsmouth        words: passages with more of them rank higher
//! "Building 86"            a phrase
//! -Witte  -"New York"      exclude a word or phrase
//! Sakhalin OR Korea        either word (counts as one word for ranking)
//! negoti*                  prefix
//! doc:portsmouth           document title (or slug)      section:effects   section heading
//! kind:reference           body, caption, reference, link or note
//! author:jukes  year:1905  year:1900..1910  year:..1950  (references)
//! ```
//! A field filter can be negated too: `-kind:note`.

use crate::analysis::{analyze, fold};
use crate::source::Kind;

/// A piece of a query that matches text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Atom {
    /// One word as typed (it may analyze to several terms, e.g. `Russo-Japanese`).
    Word(String),
    Phrase(String),
    /// A folded, unstemmed prefix.
    Prefix(String),
    /// An analyzed index term, e.g. the correction of a misspelled word.
    Term(String),
    /// A phrase of analyzed terms, e.g. a phrase with a misspelled word corrected.
    Terms(Vec<String>),
}

/// One or more atoms joined by `OR`: matching any of them matches the unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub alternatives: Vec<Atom>,
}

/// A restriction on which passages may match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    Doc(String),
    Section(String),
    Kind(Kind),
    Author(String),
    Year { from: u64, to: u64 },
}

/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub units: Vec<Unit>,
    pub exclude: Vec<Atom>,
    pub filters: Vec<Filter>,
    pub exclude_filters: Vec<Filter>,
}

/// A query that cannot be run, with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, QueryError> {
    Err(QueryError(msg.into()))
}

/// Raw pieces of the query string.
#[derive(Debug, PartialEq)]
enum Piece {
    Text { negated: bool, field: Option<String>, value: String, quoted: bool },
    Or,
}

fn lex(input: &str) -> Result<Vec<Piece>, QueryError> {
    let mut pieces = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        // One whitespace-delimited piece, where quotes may contain spaces.
        let mut raw = String::new();
        let mut in_quote = false;
        let mut quote_start = start;
        while let Some(&(i, c)) = chars.peek() {
            if c == '"' || c == '“' || c == '”' {
                if !in_quote {
                    quote_start = i;
                }
                in_quote = !in_quote;
                raw.push('"');
            } else if c.is_whitespace() && !in_quote {
                break;
            } else {
                raw.push(c);
            }
            chars.next();
        }
        if in_quote {
            return err(format!(
                "unclosed quote at character {} of the query: add the closing \"",
                input[..quote_start].chars().count() + 1
            ));
        }
        if raw == "OR" || raw == "|" || raw == "||" {
            pieces.push(Piece::Or);
            continue;
        }
        if raw == "AND" || raw == "&&" {
            continue;
        }
        let (negated, rest) = match raw.strip_prefix('-') {
            Some(r) if !r.is_empty() => (true, r.to_string()),
            _ => (false, raw.clone()),
        };
        let (field, value) = match rest.split_once(':') {
            Some((f, v)) if is_field(f) => (Some(f.to_ascii_lowercase()), v.to_string()),
            _ => (None, rest),
        };
        let quoted = value.len() >= 2
            && value.starts_with('"')
            && value.ends_with('"')
            && value.matches('"').count() == 2;
        let value = if quoted { value[1..value.len() - 1].to_string() } else { value.replace('"', " ") };
        pieces.push(Piece::Text { negated, field, value, quoted });
    }
    Ok(pieces)
}

fn is_field(f: &str) -> bool {
    matches!(f.to_ascii_lowercase().as_str(), "doc" | "title" | "section" | "kind" | "author" | "year")
}

/// Parses a query string.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let mut q = Query::default();
    let mut pending_or = false;
    for piece in lex(input)? {
        let (negated, field, value, quoted) = match piece {
            Piece::Or => {
                if q.units.is_empty() || pending_or {
                    return err("OR needs a word on each side, as in `Sakhalin OR Korea`");
                }
                pending_or = true;
                continue;
            }
            Piece::Text { negated, field, value, quoted } => (negated, field, value, quoted),
        };
        if let Some(field) = field {
            if pending_or {
                return err("OR joins words or phrases, not field filters like `kind:`");
            }
            let filter = parse_filter(&field, &value)?;
            if negated {
                q.exclude_filters.push(filter)
            } else {
                q.filters.push(filter)
            }
            continue;
        }
        let atom = if quoted {
            Atom::Phrase(value)
        } else if let Some(stem) = value.strip_suffix('*') {
            let folded = fold(stem.trim_matches(|c: char| !c.is_alphanumeric()));
            if folded.chars().count() < 2 {
                return err(format!("prefix `{value}` is too short: give at least two letters before *"));
            }
            // Index terms are stems: `negotiations*` must look for `negoti…`.
            let stemmed = crate::analysis::stem(&folded);
            Atom::Prefix(if folded.starts_with(&stemmed) && !stemmed.is_empty() { stemmed } else { folded })
        } else {
            Atom::Word(value)
        };
        if analyze_atom_is_empty(&atom) {
            if pending_or {
                return err("OR needs a word on each side, as in `Sakhalin OR Korea`");
            }
            continue; // punctuation only
        }
        if negated {
            if pending_or {
                return err("an excluded word cannot be part of OR");
            }
            q.exclude.push(atom);
        } else if std::mem::take(&mut pending_or) {
            q.units.last_mut().expect("checked above").alternatives.push(atom);
        } else {
            q.units.push(Unit { alternatives: vec![atom] });
        }
    }
    if pending_or {
        return err("OR needs a word on each side, as in `Sakhalin OR Korea`");
    }
    if q.units.is_empty() && q.filters.is_empty() {
        return err("the query has nothing to search for: give at least one word, phrase or filter");
    }
    Ok(q)
}

fn analyze_atom_is_empty(atom: &Atom) -> bool {
    match atom {
        Atom::Word(w) | Atom::Phrase(w) => analyze(w).is_empty(),
        Atom::Prefix(p) | Atom::Term(p) => p.is_empty(),
        Atom::Terms(ts) => ts.is_empty(),
    }
}

fn parse_filter(field: &str, value: &str) -> Result<Filter, QueryError> {
    if value.trim().is_empty() {
        return err(format!("`{field}:` needs a value, as in `{field}:{}`", example(field)));
    }
    Ok(match field {
        "doc" | "title" => Filter::Doc(value.to_string()),
        "section" => Filter::Section(value.to_string()),
        "author" => Filter::Author(value.to_string()),
        "kind" => match Kind::parse(value) {
            Some(k) => Filter::Kind(k),
            None => {
                return err(format!("unknown kind `{value}`: use body, caption, reference, link or note"));
            }
        },
        "year" => parse_years(value)?,
        _ => unreachable!("is_field lists the fields"),
    })
}

fn example(field: &str) -> &'static str {
    match field {
        "kind" => "reference",
        "year" => "1900..1910",
        "author" => "jukes",
        "section" => "effects",
        _ => "portsmouth",
    }
}

fn parse_years(value: &str) -> Result<Filter, QueryError> {
    let bad =
        || QueryError(format!("bad year `{value}`: use a year such as 1905 or a range such as 1900..1910"));
    let year = |s: &str, default: u64| -> Result<u64, QueryError> {
        if s.is_empty() { Ok(default) } else { s.parse::<u64>().ok().filter(|y| *y <= 9999).ok_or_else(bad) }
    };
    let (from, to) = match value.split_once("..") {
        Some((a, b)) => (year(a, 0)?, year(b, 9999)?),
        None => {
            let y = year(value, 0)?;
            (y, y)
        }
    };
    if from > to {
        return err(format!("empty year range `{value}`: the first year must not be after the second"));
    }
    Ok(Filter::Year { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Unit {
        Unit { alternatives: vec![Atom::Word(w.into())] }
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = parse(r#"Sakhalin "Building 86" -Witte -"New York""#).unwrap();
        assert_eq!(
            q.units,
            vec![word("Sakhalin"), Unit { alternatives: vec![Atom::Phrase("Building 86".into())] }]
        );
        assert_eq!(q.exclude, vec![Atom::Word("Witte".into()), Atom::Phrase("New York".into())]);
    }

    #[test]
    fn or_prefix_and_filters() {
        let q = parse("Sakhalin OR Korea negoti* kind:body -kind:note year:1900..1910 author:jukes").unwrap();
        assert_eq!(
            q.units,
            vec![
                Unit { alternatives: vec![Atom::Word("Sakhalin".into()), Atom::Word("Korea".into())] },
                Unit { alternatives: vec![Atom::Prefix("negoti".into())] },
            ]
        );
        assert_eq!(
            q.filters,
            vec![
                Filter::Kind(Kind::Body),
                Filter::Year { from: 1900, to: 1910 },
                Filter::Author("jukes".into())
            ]
        );
        assert_eq!(q.exclude_filters, vec![Filter::Kind(Kind::Note)]);
    }

    #[test]
    fn malformed_queries_explain_themselves() {
        assert_eq!(
            parse("\"Building 86").unwrap_err().0,
            "unclosed quote at character 1 of the query: add the closing \""
        );
        assert!(parse("OR treaty").unwrap_err().0.starts_with("OR needs"));
        assert!(parse("treaty OR").unwrap_err().0.starts_with("OR needs"));
        assert!(parse("kind:chapter").unwrap_err().0.starts_with("unknown kind `chapter`"));
        assert!(parse("year:19x5").unwrap_err().0.starts_with("bad year"));
        assert!(parse("year:1910..1900").unwrap_err().0.starts_with("empty year range"));
        assert!(parse("a*").unwrap_err().0.contains("too short"));
        assert!(parse("  ").unwrap_err().0.starts_with("the query has nothing"));
        assert!(parse("-- ...").is_err());
    }

    #[test]
    fn prefixes_are_stemmed_like_the_index() {
        let prefix = |q: &str| parse(q).unwrap().units[0].alternatives[0].clone();
        assert_eq!(prefix("negotiations*"), Atom::Prefix("negoti".into()));
        assert_eq!(prefix("negoti*"), Atom::Prefix("negoti".into()));
        assert_eq!(prefix("Treaties*"), Atom::Prefix("treati".into()));
    }

    #[test]
    fn unknown_fields_are_plain_words() {
        let q = parse("ISBN:978-1-84176-446-7").unwrap();
        assert_eq!(q.units, vec![word("ISBN:978-1-84176-446-7")]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any input either parses or is refused with a message: never a panic.
        #[test]
        fn parse_never_panics(input in "(\\PC|[\"*:()-]|OR| ){0,40}") {
            match parse(&input) {
                Ok(q) => proptest::prop_assert!(!q.units.is_empty() || !q.filters.is_empty()),
                Err(e) => proptest::prop_assert!(!e.0.is_empty()),
            }
        }
    }
}
