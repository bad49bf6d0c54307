//! Inline citations flattened into prose: [`find`] recognizes them by their shape, so a
//! passage can be indexed without them and keep them as data. Linking a citation to the
//! bibliography entry it abbreviates is left to others (`reference` stays `None`).
//!
//! Shapes recognized, with the parts each one fills:
//!
//! ```text
//! AuthorTitlePages    Kowner, Historical Dictionary of the Russo-Japanese War, p. 300-304.
//!                     Ostrander, M. K., Hughes at the Table, pp. 12–15.
//!                     Иванов. Введение в ls, с. 12.
//!                     author, title, pages  (author then `,` `.` or `:`; `p.` `pp.` `с.`)
//! AuthorTitleJournal  White, J. A.: "Portsmouth 1905: Peace or Truce?", Journal of Peace Research, 6(4):362
//!                     "Ratios", Review of Naval History, vol. 3, no. 2, pp. 45-67.
//!                     [author:] "title", container, volume(issue):pages
//! Newspaper           "Text of Treaty; Signed by …", New York Times. October 17, 1905.
//!                     "Naval Holiday," The Times. 14 November 1921.
//!                     [author:] "title", container. date
//! Archival            Partial record of … treaty (from the National Archives of Japan)
//!                     title (from the container): the container names an archive, library,
//!                     collection, museum or records; the title opens a clause with a capital
//! AuthorYearPage      (Kowner 2006, p. 300)    （山田 2001, 12頁）
//! Ibid                Ibid., p. 12.    ibid., 45.    Ibid.
//!                     a sentence of its own; linked to the work cited just before it
//! ```
//!
//! To keep ordinary sentences intact, a citation must follow some prose in its paragraph
//! (one that opens a paragraph is a bibliography entry, not an inline citation), list items
//! (`* …`, `# …`) are left alone, an unquoted citation must open a sentence (an archival one
//! may also open a clause after a comma), and a citation must end the sentence or be followed
//! by a space. Every scan looks at a bounded window around an anchor (`, p.`, a quote, a
//! parenthesis), so a paragraph of several megabytes takes linear time.
//!
//! Each shape is a module: `quoted` (journal and newspaper), `author_title_pages`, `archival`,
//! `author_year_page` and `ibid`; `scan` and `author` hold the pieces they share.

mod archival;
mod author;
mod author_title_pages;
mod author_year_page;
mod ibid;
mod quoted;
mod scan;

use scan::{Scan, char_at, char_before};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The shape a citation was recognized by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `Jukes, The Russo-Japanese War 1904-1905, p. 86-90.`
    AuthorTitlePages,
    /// `White, J. A.: "Title", Journal of Peace Research, 6(4):362`
    AuthorTitleJournal,
    /// `"Title", New York Times. October 17, 1905.`
    Newspaper,
    /// `Partial record of … (from the National Archives of Japan)`
    Archival,
    /// `(Kowner 2006, p. 300)`, `（山田 2001, 12頁）`
    AuthorYearPage,
    /// `Ibid., p. 12.`: the work cited just before.
    Ibid,
    /// A footnote marked up as one: a MediaWiki `<ref>…</ref>` (or `<ref name="x" />`).
    Footnote,
    /// A short footnote template: `{{sfn|Jukes|2002|p=86}}`, `{{harvnb|…}}`.
    ShortFootnote,
}

/// A citation found inside a paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// Byte range to remove from the paragraph (relative to the paragraph as given to
    /// [`find`]; absolute file offsets once attached to a passage). It includes one adjoining
    /// space, so that the prose reads on once it is removed.
    pub start: usize,
    pub end: usize,
    /// The citation's text, trimmed.
    pub raw: String,
    pub shape: Shape,
    /// Author as written (`Jukes`, `White, J. A.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Newspaper, journal or archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// Date as written (`October 17, 1905`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Year, from the date or elsewhere in the citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// The letter after the year (`2010a`) that tells one author's works of a year apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_suffix: Option<String>,
    /// Id of the bibliography entry this citation abbreviates, once linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Citation {
    /// The same citation with its byte range moved by `offset`.
    pub fn shifted(&self, offset: usize) -> Citation {
        Citation { start: self.start + offset, end: self.end + offset, ..self.clone() }
    }

    /// The same citation with its byte range moved back by `offset`.
    pub fn shifted_back(&self, offset: usize) -> Citation {
        Citation { start: self.start - offset, end: self.end - offset, ..self.clone() }
    }

    /// A citation of `text[start..end]` with no parts filled in yet.
    pub(crate) fn spanning(text: &str, start: usize, end: usize, shape: Shape) -> Citation {
        Citation {
            start,
            end,
            raw: text[start..end].to_string(),
            shape,
            author: None,
            title: None,
            container: None,
            volume: None,
            issue: None,
            pages: None,
            date: None,
            year: None,
            year_suffix: None,
            reference: None,
        }
    }
}

/// Finds the citations of one paragraph, in order, non-overlapping.
pub fn find(paragraph: &str) -> Vec<Citation> {
    if is_list_item(paragraph) {
        return Vec::new();
    }
    let scan = Scan::new(paragraph);
    // The most specific shapes first: a later one overlapping an earlier one is dropped.
    let found = [
        scan.quoted(),
        scan.archival(),
        scan.author_year_page(),
        scan.author_paren_year_pages(),
        scan.author_title_pages(),
        scan.ibid(),
    ];
    settle(paragraph, found)
}

/// Longest title looked at, in bytes.
const MAX_TITLE: usize = 400;
/// Longest word of a name or container, in bytes.
const MAX_WORD: usize = 64;
/// How many sentence starts before an anchor are tried as a citation's start.
const TRIED_STARTS: usize = 4;

fn is_list_item(paragraph: &str) -> bool {
    matches!(paragraph.trim_start().chars().next(), Some('*' | '#'))
}

/// Keeps the first of overlapping citations (in the order given), sorts them, and lets each
/// take one adjoining space: the one after it, or the one before at the paragraph's end.
fn settle(text: &str, found: impl IntoIterator<Item = Vec<Citation>>) -> Vec<Citation> {
    let mut kept: BTreeMap<usize, Citation> = BTreeMap::new();
    for c in found.into_iter().flatten() {
        let clashes = kept.range(..c.end).next_back().is_some_and(|(_, k)| k.end > c.start);
        if !clashes {
            kept.insert(c.start, c);
        }
    }
    let prose_end = text.trim_end().len();
    let mut free_from = 0;
    kept.into_values()
        .map(|mut c| {
            take_one_space(text, &mut c, prose_end, free_from);
            free_from = c.end;
            c
        })
        .collect()
}

fn take_one_space(text: &str, c: &mut Citation, prose_end: usize, free_from: usize) {
    if c.end < prose_end
        && let Some(space) = char_at(text, c.end).filter(|ch| ch.is_whitespace())
    {
        c.end += space.len_utf8();
    } else if let Some(space) = char_before(text, c.start).filter(|ch| ch.is_whitespace())
        && c.start - space.len_utf8() >= free_from
    {
        c.start -= space.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../corpus/treaty-of-portsmouth.txt");
    const OTHER: &str = include_str!("../../../tests/fixtures/cite/other-shapes.txt");

    /// `(line number, citation)` for every citation of every non-blank line.
    fn found_in(article: &str) -> Vec<(usize, Citation)> {
        let lines = article.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        lines.flat_map(|(i, l)| find(l).into_iter().map(move |c| (i + 1, c))).collect()
    }

    fn line(article: &str, number: usize) -> &str {
        article.lines().nth(number - 1).unwrap()
    }

    /// The paragraph with its citations removed.
    pub(super) fn cleaned(paragraph: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for c in find(paragraph) {
            out.push_str(&paragraph[at..c.start]);
            at = c.end;
        }
        out + &paragraph[at..]
    }

    pub(super) fn one(paragraph: &str) -> Citation {
        let found = find(paragraph);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    /// A citation with only the parts a test names.
    fn parts(shape: Shape, raw: &str) -> Citation {
        Citation::spanning(raw, 0, raw.len(), shape)
    }

    /// `c` without its range, to compare parts.
    fn unplaced(c: &Citation) -> Citation {
        Citation { start: 0, end: c.raw.len(), ..c.clone() }
    }

    fn s(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn seed_has_exactly_its_six_citations() {
        let found: Vec<(usize, &str)> =
            found_in(SEED).iter().map(|(n, c)| (*n, line(SEED, *n)[c.start..c.end].trim())).collect();
        assert_eq!(
            found,
            vec![
                (
                    6,
                    "\"Text of Treaty; Signed by the Emperor of Japan and Czar of Russia\", New York Times. October 17, 1905."
                ),
                (9, "Kowner, Historical Dictionary of the Russo-Japanese War, p. 300-304."),
                (16, "Jukes, The Russo-Japanese War 1904-1905, p. 86-90."),
                (
                    24,
                    "White, J. A.: \"Portsmouth 1905: Peace or Truce?\", Journal of Peace Research, 6(4):362"
                ),
                (
                    26,
                    "Partial record of Privy Council meeting to ratify the treaty (from the National Archives of Japan)"
                ),
                (
                    29,
                    "\"Japan's Present Crisis and Her Constitution; The Mikado's Ministers Will Be Held Responsible by the People for the Peace Treaty -- Marquis Ito May Be Able to Save Baron Komura,\" New York Times. September 3, 1905."
                ),
            ]
        );
        for (_, c) in found_in(SEED) {
            assert_eq!(c.raw, c.raw.trim());
            assert_eq!(c.reference, None);
        }
    }

    #[test]
    fn seed_citations_are_parsed_into_parts() {
        let found: Vec<Citation> = found_in(SEED).iter().map(|(_, c)| unplaced(c)).collect();
        let expected = [
            Citation {
                title: s("Text of Treaty; Signed by the Emperor of Japan and Czar of Russia"),
                container: s("New York Times"),
                date: s("October 17, 1905"),
                year: Some(1905),
                ..parts(
                    Shape::Newspaper,
                    "\"Text of Treaty; Signed by the Emperor of Japan and Czar of Russia\", New York Times. October 17, 1905.",
                )
            },
            Citation {
                author: s("Kowner"),
                title: s("Historical Dictionary of the Russo-Japanese War"),
                pages: s("300-304"),
                ..parts(
                    Shape::AuthorTitlePages,
                    "Kowner, Historical Dictionary of the Russo-Japanese War, p. 300-304.",
                )
            },
            Citation {
                author: s("Jukes"),
                title: s("The Russo-Japanese War 1904-1905"),
                pages: s("86-90"),
                ..parts(Shape::AuthorTitlePages, "Jukes, The Russo-Japanese War 1904-1905, p. 86-90.")
            },
            Citation {
                author: s("White, J. A."),
                title: s("Portsmouth 1905: Peace or Truce?"),
                container: s("Journal of Peace Research"),
                volume: s("6"),
                issue: s("4"),
                pages: s("362"),
                ..parts(
                    Shape::AuthorTitleJournal,
                    "White, J. A.: \"Portsmouth 1905: Peace or Truce?\", Journal of Peace Research, 6(4):362",
                )
            },
            Citation {
                title: s("Partial record of Privy Council meeting to ratify the treaty"),
                container: s("National Archives of Japan"),
                ..parts(
                    Shape::Archival,
                    "Partial record of Privy Council meeting to ratify the treaty (from the National Archives of Japan)",
                )
            },
            Citation {
                title: s(
                    "Japan's Present Crisis and Her Constitution; The Mikado's Ministers Will Be Held Responsible by the People for the Peace Treaty -- Marquis Ito May Be Able to Save Baron Komura",
                ),
                container: s("New York Times"),
                date: s("September 3, 1905"),
                year: Some(1905),
                ..parts(
                    Shape::Newspaper,
                    "\"Japan's Present Crisis and Her Constitution; The Mikado's Ministers Will Be Held Responsible by the People for the Peace Treaty -- Marquis Ito May Be Able to Save Baron Komura,\" New York Times. September 3, 1905.",
                )
            },
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn seed_prose_reads_on_without_its_citations() {
        assert_eq!(
            cleaned(line(SEED, 6)),
            "The Treaty of Portsmouth formally ended the 1904-05 Russo-Japanese War. It was signed on \
             September 5, 1905 after negotiations lasting from August 6 to August 30, at the Portsmouth \
             Naval Shipyard in Kittery, Maine, in the United States. President Theodore Roosevelt was \
             instrumental in the negotiations, and won the Nobel Peace Prize for his efforts."
        );
        assert!(
            cleaned(line(SEED, 9)).ends_with("to assist in bringing the war to a negotiated conclusion. ")
        );
        assert!(cleaned(line(SEED, 16)).contains(
            "a specialist in international law and arbitration. The delegations arrived in Portsmouth"
        ));
        assert_eq!(
            cleaned(line(SEED, 24)),
            "The remaining four session addressed the most difficult issues, that of reparations and \
             territorial concessions. On August 18, Roosevelt proposed that Rosen offer to divide the \
             island of Sakhalin to address the territory issue. However, on August 23, Witte proposed \
             that the Japanese keep Sakhalin and drop their claims for reparations. When Komura \
             rejected this proposal, Witte warned that he was instructed to cease negotiations and that \
             the war would resume. This ultimatum came as four new Russian divisions arrived in \
             Manchuria, and the Russian delegation made an ostentatious show of packing their bags and \
             preparing to depart. Witte was convinced that the Japanese could not afford restarting the \
             war, and also applied pressure via the American media and his American hosts to convince \
             the Japanese that monetary compensation was something that Russia would never compromise \
             on. Outmaneuvered by Witte, Komura yielded, and in exchange for the southern half of \
             Sakhalin the Japanese dropped their claims for reparations. "
        );
        assert_eq!(
            cleaned(line(SEED, 26)),
            "The Treaty of Portsmouth was signed on September 5. The treaty was ratified by the Japanese \
             Privy Council on October 10, and in Russia on October 14, 1905."
        );
        assert!(cleaned(line(SEED, 29)).contains(
            "but it was not well received by the Japanese public. Aware of Japan's unbroken string"
        ));
    }

    #[test]
    fn other_shapes_fixture_has_its_citations() {
        let found: Vec<(usize, Citation)> = found_in(OTHER).iter().map(|(n, c)| (*n, unplaced(c))).collect();
        let expected = vec![
            (
                6,
                Citation {
                    author: s("Harlow"),
                    title: s("Naval Limitation Between the Wars"),
                    pages: s("12–15"),
                    ..parts(Shape::AuthorTitlePages, "Harlow, Naval Limitation Between the Wars, pp. 12–15.")
                },
            ),
            (
                9,
                Citation {
                    author: s("Ostrander, M. K."),
                    title: s("Hughes at the Table"),
                    pages: s("7"),
                    ..parts(Shape::AuthorTitlePages, "Ostrander, M. K., Hughes at the Table, p. 7.")
                },
            ),
            (
                12,
                Citation {
                    title: s("Hughes Proposes Ten-Year Naval Holiday"),
                    container: s("The Times"),
                    date: s("14 November 1921"),
                    year: Some(1921),
                    ..parts(
                        Shape::Newspaper,
                        "\"Hughes Proposes Ten-Year Naval Holiday\", The Times. 14 November 1921.",
                    )
                },
            ),
            (
                16,
                Citation {
                    author: s("Kitamura, T."),
                    title: s("Ratios and Rivalries in the Pacific"),
                    container: s("Review of Naval History"),
                    volume: s("3"),
                    issue: s("2"),
                    pages: s("45-67"),
                    ..parts(
                        Shape::AuthorTitleJournal,
                        "Kitamura, T.: \"Ratios and Rivalries in the Pacific\", Review of Naval History, vol. 3, no. 2, pp. 45-67.",
                    )
                },
            ),
            (
                18,
                Citation {
                    title: s("Telegram from Hughes to Harding on the Pacific settlement"),
                    container: s("Library of Congress"),
                    ..parts(
                        Shape::Archival,
                        "Telegram from Hughes to Harding on the Pacific settlement (from the Library of Congress)",
                    )
                },
            ),
            (
                23,
                Citation {
                    author: s("Harlow"),
                    year: Some(1984),
                    pages: s("112"),
                    ..parts(Shape::AuthorYearPage, "(Harlow 1984, p. 112)")
                },
            ),
            (
                23,
                Citation {
                    author: s("Delacroix-Ames"),
                    title: s("Ships, Treaties, and Tonnage: Essays"),
                    pages: s("300"),
                    ..parts(
                        Shape::AuthorTitlePages,
                        "Delacroix-Ames, Ships, Treaties, and Tonnage: Essays, p. 300.",
                    )
                },
            ),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn other_shapes_prose_reads_on_and_decoys_stay() {
        assert!(cleaned(line(OTHER, 6)).contains("for a decade. It is often described"));
        assert!(cleaned(line(OTHER, 9)).contains("in the summer of 1921. Britain, Japan, France"));
        assert!(
            cleaned(line(OTHER, 12))
                .contains("scrap dozens of capital ships, built or planned, and that no new")
        );
        assert!(cleaned(line(OTHER, 16)).contains("1.75:1.75. The Japanese delegation"));
        assert_eq!(
            cleaned(line(OTHER, 18)),
            "The Four-Power Treaty of December 13, 1921, replaced the Anglo-Japanese Alliance, and the \
             Nine-Power Treaty affirmed the Open Door policy in China."
        );
        let legacy = cleaned(line(OTHER, 23));
        assert!(legacy.contains("helped or hurt Britain, since its shipyards"));
        assert!(legacy.ends_with("a success of diplomacy over armament. "));
        // Every other line, decoys included, is untouched.
        let cited = [6, 9, 12, 16, 18, 23];
        for (i, l) in OTHER.lines().enumerate().filter(|(i, _)| !cited.contains(&(i + 1))) {
            assert_eq!(find(l), vec![], "line {}: {l}", i + 1);
        }
    }

    #[test]
    fn make_corpus_shapes_are_found() {
        // `render` appends " Sur, Title, p. N." to about 12% of body paragraphs.
        let cases = [
            ("Kroah-Hartman", "Linux Kernel Development: A History", "Drivers sleep."),
            ("The Washington Post", "Text of Genesis; Signed and Sealed", "It was done:"),
            ("LWN.net", "Memory, Locking, and Scheduling: Essays", "See the manual page (above)."),
            ("McKusick", "The Design of the UNIX Operating System", "\"Quoted.\""),
        ];
        for (author, title, before) in cases {
            let paragraph = format!("{before} {author}, {title}, p. 42.");
            let c = one(&paragraph);
            assert_eq!((c.author.as_deref(), c.title.as_deref()), (Some(author), Some(title)), "{paragraph}");
            assert_eq!(cleaned(&paragraph), before);
        }
        let c = one("Так работает ls. Иванов. ls. Теория и практика, с. 12.");
        assert_eq!(c.author.as_deref(), Some("Иванов"));
        assert_eq!(c.title.as_deref(), Some("ls. Теория и практика"));
        assert_eq!(c.pages.as_deref(), Some("12"));
        let c = one("コマンドを実行する（山田 2001, 12頁）");
        assert_eq!(
            (c.shape, c.author.as_deref(), c.year, c.pages.as_deref()),
            (Shape::AuthorYearPage, Some("山田"), Some(2001), Some("12"))
        );
        assert_eq!(cleaned("コマンドを実行する（山田 2001, 12頁）"), "コマンドを実行する");
    }

    #[test]
    fn ordinary_sentences_are_not_citations() {
        let decoys = [
            "Japan-Russia Treaty of Peace, or \"Treaty of Portsmouth\", September 5, 1905. Diplomatic Archives of the Ministry of Foreign Affairs of Japan.",
            "The Forum is intended to focus modern scholarship in the \"spirit of the Portsmouth Peace Treaty\".",
            "He said \"no\", and she said \"yes\", London. 1921.",
            "In Paris, France, p. 5 was torn out.",
            "The original map (from the National Archives of Japan) shows the new border.",
            "See the figure (from the museum) below.",
            "The value (2001, p. 5) is wrong, and (2001, p. 6) too.",
            "However, Japan, p. 5.",
            "Kowner, Historical Dictionary of the Russo-Japanese War, p. 300.",
            "* Kowner, Historical Dictionary, p. 300.",
            "They walked through the town Paris, the capital, p. 3.",
            "the fleet met the enemy Togo, then, p. 4.",
            "",
            "   ",
        ];
        for d in decoys {
            assert_eq!(find(d), vec![], "{d}");
        }
    }

    #[test]
    fn citations_that_run_on_after_a_word() {
        let p = "The squadron had sailed from the Baltic Sea Novikov, Tsushima, vol. 1, p. 45-50. only to be destroyed.";
        let c = one(p);
        assert_eq!(c.raw, "Novikov, Tsushima, vol. 1, p. 45-50.");
        assert_eq!((c.author.as_deref(), c.pages.as_deref()), (Some("Novikov"), Some("45-50")));
        assert_eq!(cleaned(p), "The squadron had sailed from the Baltic Sea only to be destroyed.");
        let p = "The Russians lost two destroyers Semenoff, Rasplata, p. 310. and about a thousand men.";
        assert_eq!(one(p).raw, "Semenoff, Rasplata, p. 310.");
        let p = "The account is confirmed by the logs Martin and Brown, Tides and Trade, pp. 392-395.";
        let c = one(p);
        assert_eq!(
            (c.raw.as_str(), c.author.as_deref()),
            ("Martin and Brown, Tides and Trade, pp. 392-395.", Some("Martin and Brown"))
        );
    }

    #[test]
    fn ibid_sentences() {
        let p = "The fleet sailed in May. Ibid., p. 12. It reached the strait in late May.";
        let c = one(p);
        assert_eq!((c.raw.as_str(), c.shape, c.pages.as_deref()), ("Ibid., p. 12.", Shape::Ibid, Some("12")));
        assert_eq!(cleaned(p), "The fleet sailed in May. It reached the strait in late May.");
        assert_eq!(one("The talks ended. ibid., 45-46.").pages.as_deref(), Some("45-46"));
        assert_eq!(one("The talks ended. Ibid.").raw, "Ibid.");
        for decoy in [
            "Ibid. is a word.",
            "The Ibidem library was closed.",
            "He wrote ibid. on the card.",
            "Ibid., p. 3. opens",
        ] {
            assert_eq!(find(decoy), vec![], "{decoy}");
        }
    }

    #[test]
    fn neighbouring_citations_take_distinct_spaces() {
        let p = "Prose here. Kowner, Title, p. 3. Jukes, Other Title, p. 4.";
        let found = find(p);
        assert_eq!(found.len(), 2);
        assert!(found[0].end <= found[1].start);
        // The space before the last one went with the first one.
        assert_eq!(cleaned(p), "Prose here. ");
    }

    #[test]
    fn author_year_pages_as_a_sentence() {
        let p = "The delegations met in August. Esthus (1988), p. 213. The talks went on.";
        let c = one(p);
        assert_eq!(c.raw, "Esthus (1988), p. 213.");
        assert_eq!(
            (c.author.as_deref(), c.year, c.pages.as_deref()),
            (Some("Esthus"), Some(1988), Some("213"))
        );
        assert_eq!(cleaned(p), "The delegations met in August. The talks went on.");
        let c = one("Trade grew for years. Van der Berg (2001), pp. 12-15.");
        assert_eq!(c.author.as_deref(), Some("Van der Berg"));
        // Inside a sentence, or without a name before the year, it is prose.
        for d in [
            "The war of (1905), p. 3 was long.",
            "It was cited as the treaty (1905), p. 3.",
            "In (1905), p. 3.",
        ] {
            assert_eq!(find(d), vec![], "{d}");
        }
    }

    #[test]
    fn two_authors() {
        let c =
            one("The fields were surveyed. Nilsback and Zisserman, Automated flower classification, p. 264.");
        assert_eq!(c.author.as_deref(), Some("Nilsback and Zisserman"));
        assert_eq!(c.title.as_deref(), Some("Automated flower classification"));
        let c = one("It was shown (Smith and Jones 2010, p. 45) that it grows.");
        assert_eq!((c.author.as_deref(), c.year), (Some("Smith and Jones"), Some(2010)));
        let c = one("Trade grew. Reis & Gosling (2010), p. 92-102.");
        assert_eq!(c.author.as_deref(), Some("Reis & Gosling"));
    }

    pub(super) fn check_invariants(text: &str) {
        let found = find(text);
        let mut last = 0;
        for c in &found {
            assert!(last <= c.start && c.start < c.end && c.end <= text.len(), "{found:?}");
            assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
            assert!(text[c.start..c.end].contains(c.raw.as_str()));
            assert_eq!(c.raw.trim(), c.raw);
            last = c.end;
        }
    }

    const PIECES: &[&str] = &[
        "Kowner",
        "White",
        ", ",
        ". ",
        ": ",
        "p. ",
        "pp. ",
        "с. ",
        "12",
        "300-304",
        "1905",
        "J. ",
        "A.",
        "\"",
        "“",
        "”",
        "«",
        "»",
        "(",
        ")",
        "（",
        "）",
        "頁",
        "(from the ",
        "Library ",
        "Archives",
        "New York Times",
        "vol. ",
        "no. ",
        "October ",
        "17",
        " ",
        "\u{3000}",
        "\u{a0}",
        "é",
        "日本",
        "and ",
        "Title",
        "–",
        "\n",
        ",",
        ".",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn never_panics_and_ranges_are_sound(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60)) {
            check_invariants(&format!("Some prose. {}", pieces.concat()));
            check_invariants(&pieces.concat());
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            check_invariants(&text);
        }
    }

    #[test]
    fn large_paragraphs_take_linear_time() {
        let chunk = "Prose, \"a\", B. C, p. 1. “x” (from the Library ( (A 2001, p. 1 \u{3000}Kowner, ";
        let adversarial = chunk.repeat(1 << 14);
        check_invariants(&adversarial);
        let long_word = format!("Start. {}, p. 5. ", "x".repeat(1 << 20));
        assert_eq!(find(&long_word), vec![]);
        let cited = "Prose goes on. Kowner, Title, p. 5. ".repeat(1 << 14);
        assert_eq!(find(&cited).len(), 1 << 14);
    }
}

#[cfg(test)]
mod regressions {
    /// A comma far into a run of three-byte characters: the window looked back from it for a
    /// run-on citation began inside a character (found on the bench corpus's Chinese pages).
    #[test]
    fn a_long_run_of_wide_characters_before_a_comma() {
        for shift in 0..3 {
            let text = format!(
                "{}the 变更日志{} was read by Jukes, The War, p. 86.",
                "a".repeat(shift),
                "变更日志".repeat(40)
            );
            super::tests::check_invariants(&text);
            let text =
                format!("{}开始{}，see the Notes, The War, p. 86.", "b".repeat(shift), "字".repeat(130));
            super::tests::check_invariants(&text);
        }
    }
}
