//! Places and publishers: a `Place: Publisher` sentence (`Armonk, New York: M.E. Sharpe`,
//! `М.: Наука`), a bare publisher (`Shinyudo`, `岩波書店`), and a title run on into its
//! publisher without a period (`… correspondents New York: P. F. Collier & Son`,
//! `… of Portsmouth Portsmouth Marine Society`).

use super::text::{is_capitalized, is_connector, is_opening_quote, word_spans};

/// `Armonk, New York: M.E. Sharpe`, `М.: Наука`.
pub(super) fn place_publisher(seg: &str) -> Option<(&str, &str)> {
    let (place, publisher) = seg.split_once([':', '：'])?;
    let (place, publisher) = (place.trim(), publisher.trim());
    let place_ok = place.split_whitespace().count() <= 5
        && place.starts_with(|c: char| c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()))
        && !place.chars().any(|c| c.is_ascii_digit() || is_opening_quote(c));
    let publisher_ok = publisher.starts_with(char::is_alphabetic)
        && publisher.split_whitespace().count() <= 10
        && !publisher.contains(':');
    (place_ok && publisher_ok).then_some((place, publisher))
}

/// A sentence that can stand alone as a publisher: `Shinyudo`, `岩波書店`.
pub(super) fn publisher_like(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (1..=8).contains(&words)
        && s.starts_with(|c: char| c.is_alphabetic() && !c.is_lowercase())
        && !s.chars().any(|c| c.is_ascii_digit() || matches!(c, '?' | '!' | ':'))
}

/// Publisher words that end a run-on publisher name (`… Portsmouth Marine Society`).
const PUBLISHER_WORDS: &str = "Society Press Publishing Publishers Publisher Limited Ltd Ltd. Inc Inc. \
                               Company Co. Verlag Sons Brothers Bros. Books Institute Institution \
                               Association Foundation";

/// A title that runs on into `Place: Publisher` without a period (`… war correspondents New
/// York: P. F. Collier & Son`): the place is a short capitalized run after a lowercase word.
pub(super) fn run_on_place(title: &str) -> Option<(usize, &str, &str)> {
    let (left, publisher) = title.rsplit_once(':')?;
    let publisher = publisher.trim();
    if !publisher_like(publisher) {
        return None;
    }
    let words = word_spans(left);
    let mut k = words.len();
    while k > 0 && words.len() - k < 4 && is_capitalized(words[k - 1].1.trim_end_matches(',')) {
        k -= 1;
    }
    if k == words.len() || k == 0 {
        return None;
    }
    let before = words[k - 1].1;
    if !before.starts_with(char::is_lowercase) || is_connector(before) || before.ends_with([',', ';', ':']) {
        return None;
    }
    let at = words[k].0;
    Some((at, left[at..].trim(), publisher))
}

/// A title that ends in a publisher without a period (`… of Portsmouth Portsmouth Marine
/// Society`): where that publisher starts.
pub(super) fn run_on_publisher(title: &str) -> Option<usize> {
    let words = word_spans(title);
    let (_, last) = *words.last()?;
    if !PUBLISHER_WORDS.split_whitespace().any(|w| w == last) {
        return None;
    }
    let mut k = words.len() - 1;
    while k > 0 && is_capitalized(words[k - 1].1) && !words[k - 1].1.ends_with([',', ';', ':', '.']) {
        k -= 1;
    }
    let (_, before) = *words.get(k.checked_sub(1)?)?;
    if matches!(before, "the" | "a" | "an") {
        return None;
    }
    if is_connector(before) {
        k += 1; // `… Treaty of Portsmouth | Portsmouth Marine Society`
    }
    (words.len().saturating_sub(k) >= 2).then(|| words[k].0)
}

#[cfg(test)]
mod tests {
    use crate::cite::bibliography::parse_rules as parse;
    use crate::cite::bibliography::tests::s;

    #[test]
    fn places_and_publishers() {
        let pp = |line: &str| {
            let r = parse(line, None);
            (r.title, r.place, r.publisher)
        };
        assert_eq!(
            pp("Harcave, Sidney. (2004) A Biography. Armonk, New York: M.E. Sharpe."),
            (s("A Biography"), s("Armonk, New York"), s("M.E. Sharpe"))
        );
        assert_eq!(
            pp("Witte, Sergei. (1921). The Memoirs. New York: Doubleday"),
            (s("The Memoirs"), s("New York"), s("Doubleday"))
        );
        assert_eq!(
            pp(
                "White, R. P. (1906). The Treaty Problem. Sebastopol, CA: O'Reilly Media. ISBN 978-4-1586-8344-5"
            ),
            (s("The Treaty Problem"), s("Sebastopol, CA"), s("O'Reilly Media"))
        );
        assert_eq!(
            pp("James, Simon. (2022). Linux Device Drivers. Edinburgh: T. & T. Clark."),
            (s("Linux Device Drivers"), s("Edinburgh"), s("T. & T. Clark"))
        );
        assert_eq!(
            pp("Попов, П. Г. (2021). ls. Теория и практика. Новосибирск: Наука. ISBN 978-5-01-908421-0"),
            (s("ls. Теория и практика"), s("Новосибирск"), s("Наука"))
        );
        assert_eq!(
            pp("Кузнецов, И. Н. (2002). Администрирование: ls. СПб.: БХВ-Петербург."),
            (s("Администрирование: ls"), s("СПб."), s("БХВ-Петербург"))
        );
        assert_eq!(
            pp("池田健一 (1999). 『ls実践ガイド』. ソフトバンククリエイティブ. ISBN 978-4-02858-733-0"),
            (s("ls実践ガイド"), None, s("ソフトバンククリエイティブ"))
        );
        assert_eq!(
            pp("Doe, J. (1990). Freedom of the Press"),
            (s("Freedom of the Press"), None, None),
            "one capitalized word is no run-on publisher"
        );
        assert_eq!(
            pp("Doe, J. (1990). A History of the Royal Society"),
            (s("A History of the Royal Society"), None, None)
        );
        assert_eq!(
            pp("Doe, J. (1990). An Essay: Peace in Our Time"),
            (s("An Essay: Peace in Our Time"), None, None)
        );
    }
}
