//! A bibliography formatted in a citation style (`cite --style apa`), by a real CSL engine:
//! `hayagriva`'s processor with the CSL styles and locales it bundles. The works go in as the
//! same CSL-JSON items `--format csl-json` prints (`render::csl`), so both agree.

use std::io::{self, Write};

use hayagriva::archive::{ArchivedStyle, locales};
use hayagriva::citationberg::json::Item;
use hayagriva::citationberg::{IndependentStyle, Style};
use hayagriva::{BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest};

use crate::cite::Reference;

/// A style name citedex does not know, with some it does.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown citation style `{0}`: try apa, chicago-author-date, mla, ieee or harvard-cite-them-right (`citedex cite --style list` lists them all)"
)]
pub struct UnknownStyle(pub String);

/// The names `--style` takes (a style may have several: `apa`,
/// `american-psychological-association`), sorted.
pub fn names() -> Vec<&'static str> {
    let mut out: Vec<&str> = ArchivedStyle::all().iter().flat_map(|s| s.names().iter().copied()).collect();
    out.sort_unstable();
    out
}

/// The bundled style of that name.
pub fn style(name: &str) -> Result<IndependentStyle, UnknownStyle> {
    match ArchivedStyle::by_name(name).map(ArchivedStyle::get) {
        Some(Style::Independent(style)) => Ok(style),
        _ => Err(UnknownStyle(name.to_string())),
    }
}

/// Writes the works (citation key, reference) as a bibliography in `style` (from [`style`]),
/// one entry per line, in the style's order.
pub fn write(w: &mut impl Write, items: &[(&str, &Reference)], style: &IndependentStyle) -> io::Result<()> {
    let locales = locales();
    let entries: Vec<Item> =
        items.iter().filter_map(|(key, r)| serde_json::from_value(super::csl::item(key, r)).ok()).collect();
    let mut driver: BibliographyDriver<'_, Item> = BibliographyDriver::new();
    for e in &entries {
        driver.citation(CitationRequest::from_items(vec![CitationItem::with_entry(e)], style, &locales));
    }
    let rendered = driver.finish(BibliographyRequest::new(style, None, &locales));
    for item in rendered.bibliography.map(|b| b.items).unwrap_or_default() {
        let mut line = String::new();
        if let Some(first) = &item.first_field {
            first
                .write_buf(&mut line, BufWriteFormat::Plain)
                .map_err(|_| io::Error::other("formatting failed"))?;
            line.push(' ');
        }
        item.content
            .write_buf(&mut line, BufWriteFormat::Plain)
            .map_err(|_| io::Error::other("formatting failed"))?;
        writeln!(w, "{}", line.trim())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::bibliography::{Name, Reference};

    fn jukes() -> Reference {
        Reference {
            authors: vec![Name { family: "Jukes".into(), given: "Geoffrey".into() }],
            year: Some(2002),
            title: Some("The Russo-Japanese War 1904-1905".into()),
            publisher: Some("Osprey Publishing".into()),
            place: Some("Oxford".into()),
            ..Reference::default()
        }
    }

    fn styled(style: &str) -> String {
        let r = jukes();
        let mut out = Vec::new();
        write(&mut out, &[("jukes2002", &r)], &super::style(style).expect("a bundled style"))
            .expect("renders");
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn apa_mla_and_chicago() {
        assert_eq!(
            styled("apa").trim(),
            "Jukes, G. (2002). The Russo-Japanese War 1904-1905. Osprey Publishing."
        );
        let mla = styled("mla");
        assert!(mla.starts_with("Jukes, Geoffrey. The Russo-Japanese War 1904-1905."), "{mla}");
        let chicago = styled("chicago-author-date");
        assert!(chicago.starts_with("Jukes, Geoffrey. 2002. The Russo-Japanese War 1904-1905."), "{chicago}");
        assert!(chicago.contains("Osprey Publishing"), "{chicago}");
    }

    #[test]
    fn unknown_styles_are_named() {
        let err = style("no-such-style").unwrap_err();
        assert!(err.to_string().starts_with("unknown citation style `no-such-style`"), "{err}");
        assert!(names().contains(&"apa") && names().contains(&"chicago-author-date") && names().len() > 50);
    }
}
