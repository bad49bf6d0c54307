//! Step 3 of `parse`: contributors other than authors, taken out of an entry into
//! [`Role`]s: `(translator, Name)`, `(Name, ed.)`, `(佐藤花子訳)`, `translated by Name [as …]`.

use super::head::name_like;
use super::names::parse_names;
use super::text::{is_capitalized, is_cjk, is_initials, is_marker, is_particle, word_spans};
use super::{BREAK, Role};

/// Role words and the role they name, longest first.
const ROLE_WORDS: &[(&str, &str)] = &[
    ("translated by", "translator"),
    ("translators", "translator"),
    ("translator", "translator"),
    ("transl.", "translator"),
    ("trans.", "translator"),
    ("tr.", "translator"),
    ("edited by", "editor"),
    ("editors", "editor"),
    ("editor", "editor"),
    ("eds.", "editor"),
    ("ed.", "editor"),
    ("illustrated by", "illustrator"),
    ("illustrator", "illustrator"),
    ("compiled by", "compiler"),
    ("compiler", "compiler"),
];

/// Takes contributor roles out of `body`: `(translator, Sidney Harcave)`, `(佐藤花子訳)`,
/// `translated by Ian Ruxton [as Other Title (2009)]`.
pub(super) fn extract_roles(body: &str, roles: &mut Vec<Role>) -> String {
    let body = extract_paren_roles(body, roles);
    extract_by_roles(&body, roles)
}

fn extract_paren_roles(body: &str, roles: &mut Vec<Role>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while let Some(c) = body[i..].chars().next() {
        let next = i + c.len_utf8();
        if matches!(c, '(' | '（') {
            let close = body[next..].char_indices().take(300).find(|(_, c)| matches!(c, ')' | '）'));
            if let Some((k, cl)) = close {
                let found = paren_roles(&body[next..next + k]);
                if !found.is_empty() {
                    roles.extend(found);
                    out.push(' ');
                    i = next + k + cl.len_utf8();
                    continue;
                }
            }
        }
        out.push(c);
        i = next;
    }
    out
}

/// The roles in a parenthesis: `translator, Sidney Harcave`, `Sidney Harcave, trans.`,
/// `佐藤花子訳`; empty when it is something else.
fn paren_roles(content: &str) -> Vec<Role> {
    let c = content.trim();
    if c.chars().any(is_cjk) {
        for (suffix, role) in
            [("監訳", "translator"), ("編訳", "translator"), ("訳", "translator"), ("編", "editor")]
        {
            if let Some(names) = c.strip_suffix(suffix) {
                return roles_for(role, names);
            }
        }
        return Vec::new();
    }
    let low = c.to_ascii_lowercase();
    for (word, role) in ROLE_WORDS {
        if let Some(rest) = low.strip_prefix(word)
            && rest.starts_with([',', ':', ' '])
        {
            return roles_for(role, &c[c.len() - rest.len()..]);
        }
        if low.ends_with(word) {
            let names = c[..c.len() - word.len()].trim_end();
            if names.ends_with(',') {
                return roles_for(role, names);
            }
        }
    }
    Vec::new()
}

/// One role per name in `names` (`Sidney Harcave`, `A and B`); none unless they look like names.
fn roles_for(role: &str, names: &str) -> Vec<Role> {
    let names = names.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '.'));
    let names = names.strip_prefix("by ").unwrap_or(names);
    if names.is_empty() || !(name_like(names) || names.chars().any(is_cjk)) {
        return Vec::new();
    }
    parse_names(names).into_iter().map(|name| Role { role: role.to_string(), name }).collect()
}

/// `translated by Ian Ruxton`, `edited by A and B` (and an `as <title of the translation>`
/// clause after it, up to the next identifier or break).
fn extract_by_roles(body: &str, roles: &mut Vec<Role>) -> String {
    let low = body.to_ascii_lowercase();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while let Some(c) = body[i..].chars().next() {
        let boundary = body[..i].chars().next_back().is_none_or(|p| !p.is_alphanumeric());
        let by = ROLE_WORDS.iter().find(|(w, _)| w.ends_with(" by") && low[i..].starts_with(w));
        if let (true, Some((word, role))) = (boundary, by) {
            let start = i + word.len();
            let run = name_run(&body[start..]);
            let found = roles_for(role, &body[start..start + run]);
            if !found.is_empty() {
                roles.extend(found);
                let mut end = start + run;
                let tail = &body[end..];
                if tail.trim_start().starts_with("as ") {
                    end += tail.find(is_marker).unwrap_or(tail.len());
                }
                out.push(BREAK);
                i = end;
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// How many bytes of `s` are a run of names (capitalized words, initials, particles, `and`).
fn name_run(s: &str) -> usize {
    let mut end = 0;
    for (start, word) in word_spans(s) {
        let bare = word.trim_end_matches([',', ';', ':', '.']);
        let ok = is_capitalized(bare) || is_particle(bare) || (end > 0 && matches!(bare, "and" | "&"));
        if !ok || word.contains(is_marker) {
            break;
        }
        let stops = word.ends_with([',', ';', ':']) || (word.ends_with('.') && !is_initials(bare));
        end = start + if stops { bare.len() } else { word.len() };
        if stops {
            break;
        }
    }
    let names = s[..end].trim_end();
    let names = names.strip_suffix(" and").or_else(|| names.strip_suffix(" &")).unwrap_or(names);
    names.len()
}

#[cfg(test)]
mod tests {
    use crate::cite::bibliography::tests::{name, s};
    use crate::cite::bibliography::{Role, parse_rules as parse};

    #[test]
    fn roles() {
        let tr = |family: &str, given: &str| Role { role: "translator".into(), name: name(family, given) };
        let r = parse(
            "Witte, Sergei. (1921). Memoirs (translator, Abraham Yarmolinsky). New York: Doubleday",
            None,
        );
        assert_eq!((r.title, r.roles), (s("Memoirs"), vec![tr("Yarmolinsky", "Abraham")]));
        let r = parse("Beethoven, L. (1950). Letters (Sidney Harcave, trans.). Paris: Gallimard.", None);
        assert_eq!((r.title, r.roles), (s("Letters"), vec![tr("Harcave", "Sidney")]));
        let r = parse(
            "Poe, E. A. (1845). The Raven, translated by Somebody Else. New York: Wiley & Putnam.",
            None,
        );
        assert_eq!((r.title, r.roles), (s("The Raven"), vec![tr("Else", "Somebody")]));
        assert_eq!(r.publisher, s("Wiley & Putnam"));
        let r = parse("Jennifer Stewart (1988). 『lsの基礎』(渡辺亮訳). 技術評論社.", None);
        assert_eq!(r.authors, vec![name("Stewart", "Jennifer")]);
        assert_eq!((r.title, r.publisher), (s("lsの基礎"), s("技術評論社")));
        assert_eq!(r.roles, vec![tr("渡辺", "亮")]);
        let r = parse("山田 太郎 (2003). 『書名』(佐藤花子・鈴木一郎訳). 岩波書店.", None);
        assert_eq!(r.roles, vec![tr("佐藤", "花子"), tr("鈴木", "一郎")]);
        let r = parse("Doe, J. (2000). Letters (tr. by Ian Ruxton). London: X Press.", None);
        assert_eq!(r.roles, vec![tr("Ruxton", "Ian")]);
        let r = parse("Doe, J. (2000). A Title (Penguin ed.). London: Smith, Elder & Co.", None);
        assert_eq!(
            (r.title, r.roles, r.publisher),
            (s("A Title (Penguin ed.)"), vec![], s("Smith, Elder & Co."))
        );
    }
}
