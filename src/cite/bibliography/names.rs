//! Author names: a list such as `Davis, Richard Harding, and Alfred Thayer Mahan`,
//! `White, J. A.`, `De Martens, F`, `山田太郎` or `Иванов, А. Б.` split into [`Name`]s,
//! family and given names apart. Where the list starts and ends is left to `head` and `roles`.

use super::Name;
use super::text::{collapse, is_capitalized, is_cjk, is_initials, is_particle};

/// `Davis, Richard Harding, and Alfred Thayer Mahan`, `White, J. A.`, `Geoffrey Jukes`,
/// `De Martens, F`, `山田太郎`, `Иванов, А. Б.` → names.
pub(super) fn parse_names(text: &str) -> Vec<Name> {
    let text = author_trim(&without_parens(text));
    let mut names: Vec<Name> = Vec::new();
    for chunk in split_conjunctions(&text) {
        let parts: Vec<&str> =
            chunk.split([',', '，', ';']).map(str::trim).filter(|p| !p.is_empty()).collect();
        let mut i = 0;
        while i < parts.len() {
            let part = parts[i];
            if is_name_suffix(part) {
                if let Some(last) = names.last_mut() {
                    last.given = format!("{}, {}", last.given, part).trim_start_matches(", ").to_string();
                }
                i += 1;
            } else if parts.get(i + 1).is_some_and(|g| is_family_like(part) && is_given_like(g)) {
                names.push(Name { family: collapse(part), given: collapse(parts[i + 1]) });
                i += 2;
            } else {
                names.extend(natural_name(part));
                i += 1;
            }
        }
    }
    names
}

/// Drops parenthesized parts (`(ed.)`) and `et al.`.
fn without_parens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '（' | '[' => depth += 1,
            ')' | '）' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.replace(" et al.", "").replace(" et al", "")
}

/// Trailing punctuation off an author list, keeping the period of a final initial (`J. A.`).
fn author_trim(s: &str) -> String {
    let mut s = s.trim().trim_end_matches([',', ';', ':']).trim_end();
    if s.ends_with("..") {
        s = &s[..s.len() - 1];
    } else if let Some(stem) = s.strip_suffix('.') {
        let last = stem.rsplit([' ', ',']).next().unwrap_or_default();
        if !is_initials(last) && !is_name_suffix(&format!("{last}.")) {
            s = stem;
        }
    }
    s.trim_end_matches([',', ';', ':']).trim().to_string()
}

/// Splits at `and`, `&`, `и` and `、`.
fn split_conjunctions(s: &str) -> Vec<String> {
    let mut chunks = vec![String::new()];
    for word in s.split_whitespace() {
        if matches!(word, "and" | "And" | "AND" | "&" | "и" | "und" | "et" | "e") {
            chunks.push(String::new());
            continue;
        }
        if let Some(cur) = chunks.last_mut() {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    chunks
        .iter()
        .flat_map(|c| c.split('、'))
        .flat_map(split_kanji_list)
        .map(|c| c.trim().trim_matches(',').trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// `佐藤花子・鈴木一郎` lists two people; `リチャード・ブラウン` (katakana) is one name.
fn split_kanji_list(s: &str) -> Vec<&str> {
    let katakana = s.chars().any(|c| matches!(c, '\u{30A0}'..='\u{30FF}') && c != '・');
    if katakana { vec![s] } else { s.split('・').collect() }
}

/// `Davis`, `De Martens`, `van der Berg`, `Kroah-Hartman`: a family name written first.
fn is_family_like(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let Some((last, particles)) = words.split_last() else { return false };
    !part.chars().any(|c| c.is_ascii_digit())
        && is_capitalized(last)
        && !is_initials(last.trim_end_matches('.'))
        && particles.iter().all(|w| is_particle(w))
}

/// `Richard Harding`, `J. A.`, `F`, `Ludwig van`: given names written after the family name.
fn is_given_like(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && !part.chars().any(|c| c.is_ascii_digit())
        && !is_name_suffix(part)
        && words.iter().all(|w| is_capitalized(w) || is_particle(w))
}

/// `Jr.`, `Sr.`, `III`.
fn is_name_suffix(part: &str) -> bool {
    matches!(part.trim(), "Jr." | "Jr" | "Sr." | "Sr" | "II" | "III" | "IV")
}

/// A name written in its natural order: `Alfred Thayer Mahan`, `Charles de Gaulle`,
/// `А. Б. Иванов`; CJK names family first (`山田 太郎`, `山田太郎`), katakana `名・姓`.
fn natural_name(part: &str) -> Option<Name> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let (&last, _) = words.split_last()?;
    if part.chars().any(is_cjk) {
        if words.len() > 1 {
            return Some(Name { family: words[0].to_string(), given: words[1..].join(" ") });
        }
        if let Some((given, family)) = last.rsplit_once(['・', '＝', '=']) {
            return Some(Name { family: family.to_string(), given: given.to_string() });
        }
        return Some(split_cjk_name(last));
    }
    if words.len() == 1 {
        let family = last.trim_end_matches('.');
        return (!family.is_empty()).then(|| Name { family: family.to_string(), given: String::new() });
    }
    // `Roughton F`, `Voigt KJ`, `Barrón Cruz M.G.`: the family name first, initials after it.
    let initials = |w: &str| {
        let letters = w.trim_end_matches([',', '.']);
        is_initials(letters)
            || (letters.chars().count() <= 3
                && letters.chars().all(|c| c.is_uppercase())
                && !letters.is_empty())
    };
    if let Some(k) = words.iter().position(|w| initials(w))
        && k > 0
        && words[k..].iter().all(|w| initials(w))
        && !initials(words[0])
    {
        return Some(Name { family: words[..k].join(" "), given: words[k..].join(" ") });
    }
    let mut start = words.len() - 1;
    while start > 1 && is_particle(words[start - 1]) && words[start - 1].starts_with(char::is_lowercase) {
        start -= 1;
    }
    Some(Name { family: words[start..].join(" "), given: words[..start].join(" ") })
}

/// Splits a CJK name written without a space (`山田太郎` → 山田 / 太郎). A guess by length,
/// helped by short lists of common one- and three-character family names.
fn split_cjk_name(name: &str) -> Name {
    const THREE: &[&str] = &["長谷川", "佐々木", "五十嵐", "久保田", "小野寺", "宇佐美", "長谷部", "東海林"];
    const ONE: &str = "林森原関堀泉辻王李張张劉刘陳陈楊杨趙赵黄周吳吴孫孙";
    let chars: Vec<char> = name.chars().collect();
    let split = if let Some(t) = THREE.iter().find(|t| name.starts_with(**t)) {
        t.chars().count()
    } else {
        match chars.len() {
            0 | 1 => chars.len(),
            2 => 1,
            3 if ONE.contains(chars[0]) => 1,
            _ => 2,
        }
    };
    let split = split.min(chars.len());
    Name { family: chars[..split].iter().collect(), given: chars[split..].iter().collect() }
}

#[cfg(test)]
mod tests {
    use crate::cite::bibliography::parse_rules as parse;
    use crate::cite::bibliography::tests::name;

    #[test]
    fn author_forms() {
        let authors = |line: &str| parse(line, None).authors;
        assert_eq!(authors("Geoffrey Jukes, (2002) T."), vec![name("Jukes", "Geoffrey")]);
        assert_eq!(authors("Jukes, Geoffrey (2002) T."), vec![name("Jukes", "Geoffrey")]);
        assert_eq!(authors("White, J. A.(1969): \"T\""), vec![name("White", "J. A.")]);
        assert_eq!(authors("De Martens, F, (1905). T."), vec![name("De Martens", "F")]);
        assert_eq!(
            authors("Davis, Richard Harding, and Alfred Thayer Mahan. (1905). T."),
            vec![name("Davis", "Richard Harding"), name("Mahan", "Alfred Thayer")]
        );
        assert_eq!(
            authors("Smith, J., Jones, K., & Brown, L. (2000). T."),
            vec![name("Smith", "J."), name("Jones", "K."), name("Brown", "L.")]
        );
        assert_eq!(
            authors("Geoffrey Jukes, Alfred Mahan (2000). T."),
            vec![name("Jukes", "Geoffrey"), name("Mahan", "Alfred")]
        );
        assert_eq!(
            authors("Ludwig van Beethoven & Charles de Gaulle (1950). T."),
            vec![name("van Beethoven", "Ludwig"), name("de Gaulle", "Charles")]
        );
        assert_eq!(authors("Schneider, M. M.. (1972). T."), vec![name("Schneider", "M. M.")]);
        assert_eq!(authors("Иванов, А. Б. (2004). Т."), vec![name("Иванов", "А. Б.")]);
        assert_eq!(authors("山田太郎 (2003). 『T』."), vec![name("山田", "太郎")]);
        assert_eq!(authors("長谷川剛 (2008). 『T』."), vec![name("長谷川", "剛")]);
        assert_eq!(authors("林太郎 (2008). 『T』."), vec![name("林", "太郎")]);
        assert_eq!(authors("山田 太郎 (2003). 『T』."), vec![name("山田", "太郎")]);
        assert_eq!(authors("リチャード・ブラウン (2003). 『T』."), vec![name("ブラウン", "リチャード")]);
        assert_eq!(authors("Plato (1900). T."), vec![name("Plato", "")]);
        assert_eq!(authors("Roughton F (1957) T."), vec![name("Roughton", "F")]);
        assert_eq!(
            authors("Gattellari M, Voigt KJ, Barrón Cruz M.G. (2001) T."),
            vec![name("Gattellari", "M"), name("Voigt", "KJ"), name("Barrón Cruz", "M.G.")]
        );
        assert_eq!(
            authors("Dupont, Jean et Marie Durand (1990). T."),
            vec![name("Dupont", "Jean"), name("Durand", "Marie")]
        );
        assert_eq!(authors("Smith, John. 1999. A Book. Chicago: X Press."), vec![name("Smith", "John")]);
        assert_eq!(authors("\"Headline\", The Times. May 1, 1900."), vec![]);
    }
}
