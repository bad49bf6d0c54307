//! A journal, review or newspaper with its volume, issue and pages: `Journal, 6(4):362-370`,
//! `The North American Review, 181 (558)`, `Nature 412: 33-35`, `Journal, vol. 3, no. 2, pp. 5-9`,
//! `Journal 52.1 (2004): 43-67`, `Review 17 (1958): 124-55`, `Journal 6, no. 4 (January
//! 1969): 359–366`, `Trends in Neurosciences 26, 507–513`, `Language, 59 (1), 93-122`.

use super::description::is_page_range;
use super::text::{is_closing_quote, unquote};

/// `Journal of Peace Research, 6(4):362-370`.
pub(super) struct Volume<'a> {
    pub(super) container: &'a str,
    pub(super) volume: &'a str,
    pub(super) issue: Option<&'a str>,
    pub(super) pages: Option<&'a str>,
}

/// `The North American Review, 181 (558)`, `Journal, 6(4):362-370`, `『情報処理』 12(3): 45–300`,
/// `Nature 412: 33-35`, `Journal, vol. 3, no. 2, pp. 5-9`.
pub(super) fn split_volume(seg: &str) -> Option<Volume<'_>> {
    let mut s = seg.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let mut pages = None;
    if let Some((head, p)) = s.rsplit_once(':').filter(|(_, p)| is_page_range(p.trim())) {
        pages = Some(p.trim());
        s = head.trim_end();
    } else if let Some((head, p)) = [", pp.", ", p."].iter().find_map(|m| s.rsplit_once(m))
        && is_page_range(p.trim())
    {
        pages = Some(p.trim());
        s = head.trim_end();
    }
    // `(2004)`, `(January 1969)`: the date of the issue (MLA, Chicago), after volume and issue.
    let mut dated = false;
    if let Some((head, inner)) = s.strip_suffix(')').and_then(|x| x.rsplit_once('('))
        && inner
            .split_whitespace()
            .any(|w| super::head::year_of(w.trim_matches(',')).is_some_and(|y| (1400..2100).contains(&y)))
        && inner.split_whitespace().count() <= 3
        && (!is_page_range(inner.trim()) || head.trim_end().ends_with(|c: char| c.is_ascii_digit()))
    {
        dated = true;
        s = head.trim_end();
    }
    // `Trends in Neurosciences 26, 507–513`: pages after the volume and a comma.
    if pages.is_none()
        && let Some((head, p)) = s.rsplit_once(',')
        && is_page_range(p.trim())
        && p.contains(|c: char| super::text::is_hyphen(c))
        && head.trim_end().ends_with(|c: char| c.is_ascii_digit() || c == ')')
    {
        pages = Some(p.trim());
        s = head.trim_end();
    }
    let mut issue = None;
    if let Some((head, inner)) = s.strip_suffix(')').and_then(|x| x.rsplit_once('('))
        && is_page_range(inner.trim())
    {
        issue = Some(inner.trim());
        s = head.trim_end();
    }
    let (mut head, mut volume) = trailing_number(s)?;
    if issue.is_none()
        && let Some(h) = strip_label(head, &["no.", "nr.", "issue"])
    {
        issue = Some(volume);
        (head, volume) = trailing_number(h.trim_end().trim_end_matches(',').trim_end())?;
    } else if issue.is_none()
        && let Some(h) = head.strip_suffix('.').filter(|h| h.ends_with(|c: char| c.is_ascii_digit()))
    {
        // `52.1`: volume 52, issue 1 (MLA).
        issue = Some(volume);
        (head, volume) = trailing_number(h)?;
    }
    let labelled = strip_label(head, &["vol.", "volume"]);
    let head = labelled.unwrap_or(head);
    let prev = head.chars().next_back()?;
    if !(prev.is_whitespace() || prev == ',' || is_closing_quote(prev)) {
        return None;
    }
    let container = unquote(head.trim_end().trim_end_matches(',').trim());
    let separated = head.trim_end().ends_with(',') || labelled.is_some();
    if !container.chars().any(char::is_alphabetic)
        || (issue.is_none() && pages.is_none() && !separated && !dated)
    {
        return None;
    }
    Some(Volume { container, volume, issue, pages })
}

/// `(text before, digits)` when `s` ends with digits.
fn trailing_number(s: &str) -> Option<(&str, &str)> {
    let head = s.trim_end_matches(|c: char| c.is_ascii_digit());
    (head.len() < s.len()).then(|| (head, &s[head.len()..]))
}

/// `s` without a trailing label such as `vol.` (any case), before the number that followed.
fn strip_label<'a>(s: &'a str, labels: &[&str]) -> Option<&'a str> {
    let t = s.trim_end();
    let low = t.to_ascii_lowercase();
    let label = labels.iter().find(|l| low.ends_with(**l))?;
    let head = &t[..t.len() - label.len()];
    head.chars().next_back().is_none_or(|c| c.is_whitespace() || c == ',').then_some(head)
}

#[cfg(test)]
mod dated_tests {
    use super::split_volume;

    fn parts(seg: &str) -> Option<(&str, &str, Option<&str>, Option<&str>)> {
        split_volume(seg).map(|v| (v.container, v.volume, v.issue, v.pages))
    }

    #[test]
    fn mla_and_chicago_journal_details() {
        assert_eq!(
            parts("Journal of the American Psychoanalytic Association 52.1 (2004): 43-67"),
            Some(("Journal of the American Psychoanalytic Association", "52", Some("1"), Some("43-67")))
        );
        assert_eq!(
            parts("Russian Review 17 (1958): 124-55"),
            Some(("Russian Review", "17", None, Some("124-55")))
        );
        assert_eq!(
            parts("Journal of Peace Research 6, no. 4 (January 1969): 359–366"),
            Some(("Journal of Peace Research", "6", Some("4"), Some("359–366")))
        );
        assert_eq!(
            parts("Trends in Neurosciences 26, 507–513"),
            Some(("Trends in Neurosciences", "26", None, Some("507–513")))
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::cite::bibliography::parse_rules as parse;
    use crate::cite::bibliography::tests::s;

    #[test]
    fn containers() {
        let r = parse("De Martens, F, (1905). \"T\", The North American Review, 181 (558).", None);
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("The North American Review"), s("181"), s("558"), None)
        );
        let r = parse(
            "Beaumont, B. U. (1988). \"A note on Treaty\", Software: Practice and Experience, \
             44(7):97-533. doi:10.9357/software.1988.3525",
            None,
        );
        assert_eq!(r.title, s("A note on Treaty"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Software: Practice and Experience"), s("44"), s("7"), s("97-533"))
        );
        assert_eq!((r.publisher, r.place), (None, None));
        let r = parse("Turner, M. A. (2004). \"T\", USENIX ;login:, 55(2):294-613.", None);
        assert_eq!((r.container, r.volume), (s("USENIX ;login:"), s("55")));
        let r = parse("Roe, R. (2011). Article title. Journal of Things, vol. 3, no. 2, pp. 5-9.", None);
        assert_eq!(r.title, s("Article title"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Journal of Things"), s("3"), s("2"), s("5-9"))
        );
        let r = parse("Gray, M. (1990). \"Peace\", Nature 412: 33-35. https://doi.org/10.1038/x", None);
        assert_eq!((r.container, r.volume, r.issue, r.pages), (s("Nature"), s("412"), None, s("33-35")));
        let r = parse("\"Treaty Debate Continues\", The Times. April 13, 2009.", None);
        assert_eq!(
            (r.title, r.container, r.year),
            (s("Treaty Debate Continues"), s("The Times"), Some(2009))
        );
        let r = parse("田中真理子 (1990). 「lsに関する考察」. 『Software Design』 14(2): 111–354.", None);
        assert_eq!(r.title, s("lsに関する考察"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Software Design"), s("14"), s("2"), s("111–354"))
        );
        let r = parse("Орлов, В. Н. (2010). «ls: обзор». Системный администратор, 39(1): 90–268.", None);
        assert_eq!(r.title, s("ls: обзор"));
        assert_eq!(
            (r.container, r.volume, r.issue, r.pages),
            (s("Системный администратор"), s("39"), s("1"), s("90–268"))
        );
    }
}
