//! Links: bibliography entries parsed in context, inline citations tied to the entries they
//! abbreviate, and the key under which the same work is recognized across documents.
//!
//! A citation is linked to an entry of its own document's bibliography when the citation's
//! author is among the entry's authors; when several entries qualify, the one whose title
//! shares most words with the citation's (then the same year) wins, and a tie links nothing.

use super::bibliography::{self, Reference};
use super::inline::{Citation, Shape};
use crate::analysis::fold;
use crate::passage::{Passage, slug};
use crate::source::Kind;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// What a search hit shows of the entry a citation is linked to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedReference {
    /// Id of the reference passage.
    pub id: String,
    pub authors: Vec<bibliography::Name>,
    pub year: Option<u32>,
    pub title: Option<String>,
}

/// Parses the reference passages of every document (a ditto entry takes the authors of the
/// entry above it) and links each document's inline citations to them.
pub fn link(passages: &mut [Passage]) {
    let mut start = 0;
    while start < passages.len() {
        let slug = passages[start].document_slug.clone();
        let end = start + passages[start..].iter().take_while(|p| p.document_slug == slug).count();
        link_document(&mut passages[start..end]);
        start = end;
    }
}

/// Gives each passage of a paragraph cut into several the citations of the others, and their
/// linked entries, so that a hit shows what its whole paragraph rests on.
fn share_within_paragraphs(doc: &mut [Passage]) {
    let mut start = 0;
    while start < doc.len() {
        let same = |a: &Passage, b: &Passage| {
            a.kind == b.kind && a.section == b.section && a.paragraph == b.paragraph
        };
        let end = start + doc[start..].iter().take_while(|p| same(p, &doc[start])).count();
        if end - start > 1 && doc[start].kind == Kind::Body {
            let all: Vec<(usize, Citation)> =
                (start..end).flat_map(|i| doc[i].citations.iter().map(move |c| (i, c.clone()))).collect();
            let linked: Vec<LinkedReference> = (start..end).flat_map(|i| doc[i].cited.clone()).collect();
            for (i, p) in doc.iter_mut().enumerate().take(end).skip(start) {
                p.paragraph_citations = all.iter().filter(|(j, _)| *j != i).map(|(_, c)| c.clone()).collect();
                for l in &linked {
                    if !p.cited.iter().any(|x| x.id == l.id) {
                        p.cited.push(l.clone());
                    }
                }
            }
        }
        start = end;
    }
}

fn link_document(doc: &mut [Passage]) {
    let mut previous: Option<Reference> = None;
    for p in doc.iter_mut().filter(|p| p.kind == Kind::Reference) {
        // The markup may have given the entry's fields already (a `{{cite book}}` template).
        let r = match p.reference.take() {
            Some(r) => *r,
            None => bibliography::parse(&p.text, previous.as_ref()),
        };
        previous = Some(r.clone());
        p.reference = Some(Box::new(r));
    }
    let refs: Vec<(String, Reference)> =
        doc.iter().filter_map(|p| p.reference.as_deref().map(|r| (p.id.clone(), r.clone()))).collect();
    let by_id: HashMap<&str, &(String, Reference)> = refs.iter().map(|r| (r.0.as_str(), r)).collect();
    let entries: Vec<EntryWords> = refs.iter().map(|(_, r)| EntryWords::of(r)).collect();
    // The work the last linked citation points to, for `Ibid.`.
    let mut last: Option<&(String, Reference)> = None;
    for p in doc.iter_mut() {
        for c in &mut p.citations {
            let found = match &c.reference {
                // The markup said which entry (a named `<ref>`).
                Some(id) => by_id.get(id.as_str()).copied(),
                None if c.shape == Shape::Ibid => last,
                None => best_match(c, &refs, &entries),
            };
            if c.shape != Shape::Ibid {
                last = found;
            }
            let Some((id, r)) = found else {
                c.reference = None;
                continue;
            };
            c.reference = Some(id.clone());
            if !p.cited.iter().any(|l| &l.id == id) {
                p.cited.push(LinkedReference {
                    id: id.clone(),
                    authors: r.authors.clone(),
                    year: r.year,
                    title: r.title.clone(),
                });
            }
        }
    }
    share_within_paragraphs(doc);
}

/// Lowercase ASCII-folded words of a string, for comparing names and titles.
fn words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(fold).collect()
}

/// The words of the family name a citation's author starts with (`White, J. A.` → `white`,
/// `Delacroix-Ames` → `delacroix`, `ames`).
fn cited_family(author: &str) -> Option<HashSet<String>> {
    let head = author.split([',', ':', '(']).next().unwrap_or("").trim();
    let last = head.split_whitespace().last()?;
    let w = words(last);
    (!w.is_empty()).then_some(w)
}

/// The words of an entry that citations are matched on, read once for all the citations of
/// its document (a document's citations times its entries made them a quarter of linking).
struct EntryWords {
    /// Of each author's family name.
    families: Vec<HashSet<String>>,
    title: HashSet<String>,
}

impl EntryWords {
    fn of(r: &Reference) -> EntryWords {
        EntryWords {
            families: r.authors.iter().map(|a| words(&a.family)).collect(),
            title: r.title.as_deref().map(words).unwrap_or_default(),
        }
    }
}

/// The entry of `refs` (whose words are `entries`, in the same order) that `c` cites.
fn best_match<'a>(
    c: &Citation,
    refs: &'a [(String, Reference)],
    entries: &[EntryWords],
) -> Option<&'a (String, Reference)> {
    let title_words = c.title.as_deref().map(words).unwrap_or_default();
    // A near-identical title: how a newspaper article (no author) is linked, and the fallback
    // when the cited author is not the entry's (a ditto entry whose author was guessed wrong).
    let same_title = |e: &EntryWords| {
        let rt = &e.title;
        !rt.is_empty() && overlap(&title_words, rt) * 5 >= rt.len().max(title_words.len()) * 4
    };
    let indexed = || refs.iter().zip(entries);
    let by_author: Vec<(&(String, Reference), &EntryWords)> = match c.author.as_deref().and_then(cited_family)
    {
        Some(family) => indexed().filter(|(_, e)| e.families.iter().any(|f| family.is_subset(f))).collect(),
        None => Vec::new(),
    };
    let candidates =
        if by_author.is_empty() { indexed().filter(|(_, e)| same_title(e)).collect() } else { by_author };
    let score = |((_, r), e): &(&(String, Reference), &EntryWords)| {
        let suffix = c.year_suffix.is_some() && c.year_suffix == r.year_suffix;
        (overlap(&title_words, &e.title), u8::from(c.year.is_some() && c.year == r.year), u8::from(suffix))
    };
    let best = candidates.iter().map(score).max()?;
    let mut top = candidates.iter().filter(|candidate| score(candidate) == best);
    let (first, _) = top.next()?;
    top.next().is_none().then_some(*first)
}

fn overlap(a: &HashSet<String>, b: &HashSet<String>) -> usize {
    a.intersection(b).count()
}

/// The key under which one work is recognized wherever it is listed: its first valid ISBN,
/// else its authors' family names, year and the first words of its title.
pub fn work_key(r: &Reference) -> String {
    if let Some(isbn) = r.isbn13().first() {
        return format!("isbn:{isbn}");
    }
    let mut families: Vec<String> = r.authors.iter().map(|a| slug(&fold(&a.family))).collect();
    families.sort();
    let title = key_words(r.title.as_deref().unwrap_or(&r.raw));
    format!("work:{}:{}:{title}", families.join("+"), r.year.map_or("nd".into(), |y| y.to_string()))
}

/// A work key as a number, what the index keeps for it (`Fields::work`): its [`hash64`].
pub fn work_hash(key: &str) -> u64 {
    hash64(key.as_bytes())
}

/// The first eight bytes of the BLAKE3 hash of `bytes`, little-endian: the same on every
/// machine and in every release, as the numbers an index keeps must be (a work's key here,
/// a passage's words in `index::writer::dup_key`).
pub fn hash64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(digest_start(bytes))
}

/// [`hash64`] in sixteen bytes: a key kept as a number where two keys sharing one would be
/// one (`search::works::key_parts`), not kept in an index.
pub fn hash128(bytes: &[u8]) -> u128 {
    u128::from_le_bytes(digest_start(bytes))
}

/// The first `N` bytes of the BLAKE3 hash of `bytes`.
fn digest_start<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut first = [0u8; N];
    first.copy_from_slice(&blake3::hash(bytes).as_bytes()[..N]);
    first
}

/// The first eight words of a title, folded and joined by `-`: the title part of a work key.
fn key_words(title: &str) -> String {
    let words: Vec<String> =
        title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(8).map(fold).collect();
    words.join("-")
}

/// The key of a work known only from a citation (no bibliography entry).
pub fn citation_key(c: &Citation) -> String {
    // Sorted: the words come from a set, and the key must not change from run to run.
    let mut who: Vec<String> =
        c.author.as_deref().and_then(cited_family).unwrap_or_default().into_iter().collect();
    who.sort();
    let who = who.join("-");
    let title = key_words(c.title.as_deref().or(c.container.as_deref()).unwrap_or(&c.raw));
    if who.is_empty() { format!("cited:{title}") } else { format!("cited:{who}:{title}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::inline::find;

    fn reference(raw: &str) -> Reference {
        bibliography::parse(raw, None)
    }

    fn linked(citation_text: &str, refs: &[(&str, &str)]) -> Option<String> {
        let c = find(citation_text).into_iter().next().expect("a citation");
        let refs: Vec<(String, Reference)> =
            refs.iter().map(|(id, raw)| (id.to_string(), reference(raw))).collect();
        let entries: Vec<EntryWords> = refs.iter().map(|(_, r)| EntryWords::of(r)).collect();
        best_match(&c, &refs, &entries).map(|(id, _)| id.clone())
    }

    const REFS: &[(&str, &str)] = &[
        ("r1", "Geoffrey Jukes, (2002) The Russo-Japanese War 1904-1905. Oxford: Osprey Publishing."),
        ("r2", "Jukes, Geoffrey. (1999) Another Book on Something Else. London: Press."),
        ("r3", "Ward, J. M. (1913). The Origins of English. New York: Harper & Row."),
        (
            "r4",
            "\"Text of Treaty; Signed by the Emperor of Japan and Czar of Russia\", New York Times. October 17, 1905.",
        ),
    ];

    #[test]
    fn author_then_title_decides() {
        let text = "The war ended. Jukes, The Russo-Japanese War 1904-1905, p. 86-90. More prose.";
        assert_eq!(linked(text, REFS).as_deref(), Some("r1"));
    }

    #[test]
    fn a_near_identical_title_links_without_the_author() {
        let text = "Words here. Abbott, The Origins of English, p. 136. More.";
        assert_eq!(linked(text, REFS).as_deref(), Some("r3"));
        let text = "It was signed \"Text of Treaty; Signed by the Emperor of Japan and Czar of Russia\", \
                    New York Times. October 17, 1905. after talks.";
        assert_eq!(linked(text, REFS).as_deref(), Some("r4"));
    }

    #[test]
    fn unknown_works_and_ties_link_nothing() {
        let text = "Words here. Kowner, Historical Dictionary of the Russo-Japanese War, p. 300-304.";
        assert_eq!(linked(text, REFS), None);
        let tie = [("a", "Smith, J. (1990). Alpha. London: P."), ("b", "Smith, J. (1991). Beta. London: P.")];
        assert_eq!(linked("Words here. Smith, Gamma, p. 3.", &tie), None);
    }

    #[test]
    fn work_keys_prefer_isbns() {
        let r = reference("Jukes, Geoffrey. (2002). The Russo-Japanese War. Osprey. ISBN 9781841764467");
        assert_eq!(work_key(&r), "isbn:9781841764467");
        let r = reference(
            "Trani, Eugene P. (1969). The Treaty of Portsmouth. Lexington: University of Kentucky Press.",
        );
        assert_eq!(work_key(&r), "work:trani:1969:the-treaty-of-portsmouth");
    }

    #[test]
    fn a_work_hash_is_fixed_and_tells_keys_apart() {
        // Indexes keep it: it may not change with the machine, the release or the run.
        let trani = work_hash("work:trani:1969:the-treaty-of-portsmouth");
        assert_eq!(trani, work_hash(&String::from("work:trani:1969:the-treaty-of-portsmouth")));
        assert_eq!(format!("{trani:016x}"), "4e199566f1acdb59");
        assert_ne!(trani, work_hash("work:trani:1969:the-treaty-of-portsmouth-2"));
        assert_ne!(work_hash("isbn:9781841764467"), work_hash("isbn:9781841764468"));
    }
}
