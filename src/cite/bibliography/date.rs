//! The full date of a work around its year: `(2005, September 5)`, `September 5, 2005`,
//! `5 septembre 2005`, `5. September 2005`, `5 сентября 2005`, `5 de septiembre de 2005`,
//! `January 1969`, `2005-09-05`, `2005年9月5日`.

/// A month and maybe a day, read from the words next to the year `year` in `text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthDay {
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: Option<u8>,
}

/// The month (and day) written next to the first `year` of `text` that has one.
pub fn month_day(text: &str, year: u32) -> Option<MonthDay> {
    let y = year.to_string();
    if let Some(d) = iso(text, &y).or_else(|| japanese(text, &y)) {
        return Some(d);
    }
    let words = words(text);
    (0..words.len()).filter(|&i| is_year(words[i].text, &y)).find_map(|i| around(text, &words, i))
}

/// A word of the text with its byte range; filler words (`de`, `of`) are left out.
#[derive(Clone, Copy)]
struct Word<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let w = &text[s..i];
                if !matches!(w, "de" | "del" | "of" | "the") {
                    out.push(Word { start: s, end: i, text: w });
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The year itself or with its letter (`1994b`).
fn is_year(word: &str, y: &str) -> bool {
    word.strip_prefix(y)
        .is_some_and(|rest| rest.is_empty() || (rest.len() == 1 && rest.as_bytes()[0].is_ascii_lowercase()))
}

/// The date around the year at `words[i]`: month–day–year, day–month–year, month–year,
/// year–month–day, year–day–month, year–month. A month after the year must follow it within
/// its clause (`1988, March 3`, not `1988. March of the Titans`).
fn around(text: &str, w: &[Word<'_>], i: usize) -> Option<MonthDay> {
    let get = |k: isize| usize::try_from(i as isize + k).ok().and_then(|k| w.get(k));
    let month_at = |k| get(k).and_then(|x| month(x.text));
    let day_at = |k| get(k).and_then(|x| day(x.text));
    // Two words of one date: no clause or sentence break between them, except the full stop
    // of an abbreviated month (`Sept. 5`) or of a German day (`5. September`).
    let joined = |a: isize, b: isize| match (get(a), get(b)) {
        (Some(x), Some(y)) => {
            let between = &text[x.end..y.start];
            !between.contains(['.', ';', ':', '(', ')', '[', ']'])
                || (between.trim() == "." && (month(x.text).is_some() || day(x.text).is_some()))
        }
        _ => false,
    };
    if joined(-2, -1) {
        let day_first = day_at(-2).zip(month_at(-1));
        if let Some((m, d)) = month_at(-2).zip(day_at(-1)).or(day_first.map(|(d, m)| (m, d))) {
            return Some(MonthDay { month: m, day: Some(d) });
        }
    }
    if let Some(m) = month_at(-1) {
        return Some(MonthDay { month: m, day: None });
    }
    if month_at(1).or(day_at(1)).is_none() || !joined(0, 1) {
        return None;
    }
    match (month_at(1), day_at(1)) {
        (Some(m), _) => Some(MonthDay { month: m, day: day_at(2).filter(|_| joined(1, 2)) }),
        (None, Some(d)) => month_at(2).filter(|_| joined(1, 2)).map(|m| MonthDay { month: m, day: Some(d) }),
        (None, None) => None,
    }
}

/// `2005-09-05`.
fn iso(text: &str, y: &str) -> Option<MonthDay> {
    text.match_indices(y).find_map(|(i, _)| {
        let b = text.as_bytes();
        if i > 0 && b[i - 1].is_ascii_alphanumeric() {
            return None;
        }
        let rest = &b[i + y.len()..];
        let two = |k: usize| -> Option<u8> {
            let d = rest.get(k..k + 2)?;
            d.iter().all(u8::is_ascii_digit).then(|| (d[0] - b'0') * 10 + (d[1] - b'0'))
        };
        if rest.first() != Some(&b'-')
            || rest.get(3) != Some(&b'-')
            || rest.get(6).is_some_and(u8::is_ascii_digit)
        {
            return None;
        }
        let (m, d) = (two(1)?, two(4)?);
        ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(MonthDay { month: m, day: Some(d) })
    })
}

/// `2005年9月5日`, `2005年9月`.
fn japanese(text: &str, y: &str) -> Option<MonthDay> {
    let number = |s: &str| -> Option<(u8, usize)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        Some((s.get(..n).filter(|d| !d.is_empty() && n <= 2)?.parse().ok()?, n))
    };
    text.match_indices(&format!("{y}年")).find_map(|(i, m)| {
        let rest = &text[i + m.len()..];
        let (month, n) = number(rest).filter(|(m, _)| (1..=12).contains(m))?;
        let rest = rest[n..].strip_prefix('月')?;
        let day = number(rest)
            .filter(|(d, n)| (1..=31).contains(d) && rest[*n..].starts_with('日'))
            .map(|(d, _)| d);
        Some(MonthDay { month, day })
    })
}

/// `5`, `05`, `5th`, `1er`, `1st` as a day of the month.
fn day(word: &str) -> Option<u8> {
    let n = word.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 2 || !matches!(&word[n..], "" | "st" | "nd" | "rd" | "th" | "er") {
        return None;
    }
    word[..n].parse().ok().filter(|d| (1..=31).contains(d))
}

/// The month a word names, in English, French, German, Italian, Spanish, Portuguese or
/// Russian (nominative and genitive), full or abbreviated.
fn month(word: &str) -> Option<u8> {
    if !word.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    // No name is longer (`сентября`, 16 bytes).
    if word.len() > 20 {
        return None;
    }
    MONTHS.get(word.to_lowercase().as_str()).copied()
}

/// Every month name of [`MONTH_NAMES`] → its number.
static MONTHS: std::sync::LazyLock<std::collections::HashMap<&'static str, u8>> =
    std::sync::LazyLock::new(|| {
        let mut m = std::collections::HashMap::new();
        for (i, names) in MONTH_NAMES.iter().enumerate() {
            for n in names.split(' ') {
                m.entry(n).or_insert(i as u8 + 1);
            }
        }
        m
    });

const MONTH_NAMES: [&str; 12] = [
    "january jan janvier janv januar jänner gennaio enero janeiro январь января янв",
    "february feb février fevrier févr fevr februar febbraio febrero fevereiro февраль февраля фев",
    "march mar mars märz marzo março марта март",
    "april apr avril aprile abril апрель апреля апр",
    "may mai maggio mayo maio май мая",
    "june jun juin juni giugno junio junho июнь июня",
    "july jul juillet juil juli luglio julio julho июль июля",
    "august aug août aout agosto август августа авг",
    "september sep sept septembre settembre septiembre setembro сентябрь сентября сент",
    "october oct octobre oktober ottobre octubre outubro октябрь октября окт",
    "november nov novembre noviembre novembro ноябрь ноября",
    "december dec décembre decembre déc dezember dicembre diciembre dezembro декабрь декабря дек",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str, year: u32) -> Option<(u8, Option<u8>)> {
        month_day(text, year).map(|d| (d.month, d.day))
    }

    #[test]
    fn dates_in_many_shapes() {
        assert_eq!(md("Smith, J. (2005, September 5). Peace at last. The Times.", 2005), Some((9, Some(5))));
        assert_eq!(md("\"Peace.\" New York Times, September 5, 2005, 1.", 2005), Some((9, Some(5))));
        assert_eq!(md("\"Peace.\" New York Times, Sept. 5, 2005.", 2005), Some((9, Some(5))));
        assert_eq!(md("Le Temps, 5 septembre 1905.", 1905), Some((9, Some(5))));
        assert_eq!(md("Berliner Tageblatt, 5. September 1905.", 1905), Some((9, Some(5))));
        assert_eq!(md("Новое время, 5 сентября 1905 г.", 1905), Some((9, Some(5))));
        assert_eq!(md("El País, 5 de septiembre de 2005.", 2005), Some((9, Some(5))));
        assert_eq!(md("Journal of Peace Research 6, no. 4 (January 1969): 359–366.", 1969), Some((1, None)));
        assert_eq!(md("Doe, J. (2005, May). Title.", 2005), Some((5, None)));
        assert_eq!(md("Doe, J. (2005, 5 May). Title.", 2005), Some((5, Some(5))));
        assert_eq!(md("Retrieved 2019-03-14 from https://example.org", 2019), Some((3, Some(14))));
        assert_eq!(md("朝日新聞 1905年9月5日 朝刊", 1905), Some((9, Some(5))));
        assert_eq!(md("朝日新聞 1905年9月", 1905), Some((9, None)));
        assert_eq!(md("Nature, 1st March 1990, p. 3", 1990), Some((3, Some(1))));
    }

    #[test]
    fn no_date_where_none_is_written() {
        assert_eq!(md("Smith, J. 1988. March of the Titans. London: Faber.", 1988), None);
        assert_eq!(md("Esthus, R. Double Eagle. Durham: Duke UP, 1988.", 1988), None);
        assert_eq!(md("Doe, J. (2005). Title, 12-34.", 2005), None);
        assert_eq!(md("Doe, J. 2005-2006. Title.", 2005), None);
        assert_eq!(md("Doe, J. (2005) 31 essays. Place: Pub.", 2005), None);
        assert_eq!(md("Spring 1969, pp. 3-9", 1969), None);
        assert_eq!(md("Doe 2005-13-45", 2005), None);
    }
}
