//! Finding a query's words in a passage's own text, with the same analyzer as the index: the
//! basis of re-ranking (how many words, how close) and of snippets and highlights.

use super::query::{Atom, Query};
use crate::analysis::{Lang, Term, is_lone_cjk, variants};

/// What one atom looks for among analyzed terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Consecutive terms (one for a plain word).
    Seq(Vec<String>),
    /// Any term starting with this.
    Prefix(String),
    /// Any term holding this one CJK character (alone, or in a bigram).
    Within(String),
}

/// One occurrence: which unit of the query, and which terms (inclusive token indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub unit: usize,
    pub first: usize,
    pub last: usize,
}

/// The patterns of every unit of a query.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    pub units: Vec<Vec<Pattern>>,
    /// Units whose sequence starts with a term, by that term; and the units with a prefix.
    by_first: foldhash::HashMap<String, Vec<usize>>,
    prefixed: Vec<usize>,
    /// The ASCII bytes some term of some pattern starts with, as bits (all when one is empty).
    starts: u128,
}

impl Matcher {
    /// One unit per atom a hit may be found by; a word or phrase as each of `langs` stems it
    /// (the languages the index stems otherwise than by script).
    pub fn new(query: &Query, langs: &[Lang]) -> Matcher {
        Matcher::of_atoms(&query.atoms(), langs)
    }

    pub fn of_atoms(atoms: &[&Atom], langs: &[Lang]) -> Matcher {
        let units: Vec<Vec<Pattern>> = atoms.iter().map(|a| patterns(a, langs)).collect();
        let mut by_first: foldhash::HashMap<String, Vec<usize>> = Default::default();
        let mut prefixed = Vec::new();
        for (unit, patterns) in units.iter().enumerate() {
            for p in patterns {
                match p {
                    Pattern::Seq(seq) => by_first.entry(seq[0].clone()).or_default().push(unit),
                    Pattern::Prefix(_) | Pattern::Within(_) => prefixed.push(unit),
                }
            }
        }
        for v in by_first.values_mut() {
            v.dedup();
        }
        let mut starts = 0u128;
        for p in units.iter().flatten() {
            let terms = match p {
                Pattern::Seq(seq) => seq.as_slice(),
                Pattern::Prefix(t) | Pattern::Within(t) => std::slice::from_ref(t),
            };
            for t in terms {
                match t.as_bytes().first() {
                    Some(&b) if b.is_ascii() => starts |= 1 << b,
                    Some(_) => {}
                    None => starts = u128::MAX,
                }
            }
        }
        Matcher { units, by_first, prefixed, starts }
    }

    /// Every occurrence of every unit in `terms`, ordered by position (then by unit). Only the
    /// units that can start at a term are tried there, so a long query stays fast.
    pub fn find(&self, terms: &[Term]) -> Vec<Match> {
        let mut out = Vec::new();
        let mut here: Vec<usize> = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            here.clear();
            // An empty term stands for a word no pattern can start with (`analyze_for`).
            if !t.text.is_empty() {
                here.extend(self.by_first.get(&t.text).into_iter().flatten());
            }
            here.extend(&self.prefixed);
            here.sort_unstable();
            here.dedup();
            for &unit in &here {
                if let Some(last) = self.units[unit].iter().find_map(|p| matches_at(p, terms, i)) {
                    out.push(Match { unit, first: i, last });
                }
            }
        }
        out
    }

    /// Occurrences in a text of a document in language `lang`, analyzing it first.
    pub fn find_in(&self, text: &str, lang: Lang) -> (Vec<Term>, Vec<Match>) {
        // A word whose term cannot start as any pattern's term does is not stemmed.
        let terms = crate::analysis::analyze_for(text, lang, |b| b.is_ascii() && self.starts >> b & 1 == 1);
        let matches = self.find(&terms);
        (terms, matches)
    }
}

fn patterns(atom: &Atom, langs: &[Lang]) -> Vec<Pattern> {
    match atom {
        Atom::Word(w) | Atom::Phrase(w) => variants(w, langs)
            .into_iter()
            .map(|mut seq| match seq.len() {
                1 if is_lone_cjk(&seq[0]) => Pattern::Within(seq.pop().expect("one term")),
                _ => Pattern::Seq(seq),
            })
            .collect(),
        Atom::Prefix(p) => vec![Pattern::Prefix(p.clone())],
        Atom::Term(t) => vec![Pattern::Seq(vec![t.clone()])],
        Atom::Terms(ts) if ts.is_empty() => Vec::new(),
        Atom::Terms(ts) => vec![Pattern::Seq(ts.clone())],
    }
}

fn matches_at(p: &Pattern, terms: &[Term], i: usize) -> Option<usize> {
    match p {
        Pattern::Prefix(prefix) => terms[i].text.starts_with(prefix.as_str()).then_some(i),
        Pattern::Within(c) => {
            // Each occurrence once: as the first character of a bigram, or as the second of
            // the last bigram of its run (the next term does not overlap it).
            let t = &terms[i];
            let last_of_run = terms.get(i + 1).is_none_or(|next| next.from >= t.to);
            (t.text.starts_with(c.as_str()) || (last_of_run && t.text.ends_with(c.as_str()))).then_some(i)
        }
        Pattern::Seq(seq) => {
            let end = i + seq.len();
            (end <= terms.len() && terms[i..end].iter().zip(seq).all(|(t, s)| &t.text == s)).then(|| end - 1)
        }
    }
}

/// Number of distinct units among `matches`.
pub fn distinct_units(matches: &[Match]) -> usize {
    let mut units: Vec<usize> = matches.iter().map(|m| m.unit).collect();
    units.sort_unstable();
    units.dedup();
    units.len()
}

/// Smallest number of terms spanning one occurrence of each distinct matched unit.
pub fn min_span(matches: &[Match]) -> Option<usize> {
    let want = distinct_units(matches);
    if want == 0 {
        return None;
    }
    let mut best: Option<usize> = None;
    let mut counts = std::collections::HashMap::new();
    let mut have = 0;
    let mut left = 0;
    for right in 0..matches.len() {
        let c = counts.entry(matches[right].unit).or_insert(0);
        if *c == 0 {
            have += 1;
        }
        *c += 1;
        while have == want {
            let span = matches[right].last.max(matches[left].last) + 1 - matches[left].first;
            best = Some(best.map_or(span, |b: usize| b.min(span)));
            let c = counts.get_mut(&matches[left].unit).expect("counted");
            *c -= 1;
            if *c == 0 {
                have -= 1;
            }
            left += 1;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_in;
    use crate::search::query::parse;

    #[test]
    fn finds_words_phrases_and_prefixes() {
        let m = Matcher::new(&parse(r#"Sakhalin "Building 86" negoti*"#).unwrap(), &[]);
        let (_, found) =
            m.find_in("The negotiations at Building 86 on Sakhalin, building 87.", Lang::default());
        let got: Vec<(usize, usize, usize)> = found.iter().map(|m| (m.unit, m.first, m.last)).collect();
        assert_eq!(got, vec![(2, 1, 1), (1, 3, 4), (0, 6, 6)]);
        assert_eq!(distinct_units(&found), 3);
        assert_eq!(min_span(&found), Some(6));
    }

    /// Skipping the stemming of words that cannot match changes no match: every paragraph of
    /// the bundled article and a Markdown fixture, for queries of stemmed words, irregular
    /// English forms, phrases and prefixes, finds what the fully analyzed text gives.
    #[test]
    fn words_left_unstemmed_change_no_match() {
        let texts = [
            std::fs::read_to_string("corpus/treaty-of-portsmouth.txt").unwrap(),
            std::fs::read_to_string("tests/fixtures/formats/witte-memoirs.md").unwrap(),
        ];
        let queries = [
            "negotiations",
            "Treaty Portsmouth",
            r#""peace treaty" Sakhalin"#,
            "negoti* ja*",
            "dying skies ugly",
            "Roosevelt's mediation",
            "1905 Witte",
            "ＧＨＱ",
        ];
        for q in queries {
            let query = parse(q).unwrap();
            let m = Matcher::new(&query, &[Lang::of("en"), Lang::of("ru")]);
            for line in texts.iter().flat_map(|t| t.lines()) {
                let (terms, found) = m.find_in(line, Lang::default());
                let all = analyze_in(line, Lang::default());
                assert_eq!(found, m.find(&all), "{q:?} in {line:?}");
                let spans = |ts: &[Term]| ts.iter().map(|t| (t.from, t.to, t.position)).collect::<Vec<_>>();
                assert_eq!(spans(&terms), spans(&all));
            }
        }
    }

    #[test]
    fn one_cjk_character_is_found_inside_bigrams() {
        let m = Matcher::new(&parse("港").unwrap(), &[]);
        let (terms, found) = m.find_in("ポーツマス港で、港。", Lang::default());
        let hit: Vec<&str> = found.iter().map(|m| terms[m.first].text.as_str()).collect();
        // Each 港 once: in the bigram it starts, and alone after the comma.
        assert_eq!(hit, vec!["港で", "港"]);
    }

    #[test]
    fn span_of_close_words_is_small() {
        let m = Matcher::new(&parse("hibiya riots").unwrap(), &[]);
        let (_, found) = m.find_in("riots far far far away and then the Hibiya riots", Lang::default());
        assert_eq!(min_span(&found), Some(2));
    }
}
