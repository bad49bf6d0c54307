//! CSL-JSON output for parsed bibliography entries: one item ([`item`]) and a whole file, a
//! JSON array ([`write()`]), as read by citeproc processors, Zotero, Pandoc and Typst.
//!
//! Items are typed by [`Reference::genre`]: `article-journal`, `article-newspaper`,
//! `chapter`, `book`, `thesis`, `webpage`, `manuscript` (an archival record, its archive in
//! `archive`) or `document`. Absent fields are left out, never `null`. CSL has no OCLC variable, so the
//! number goes in `note` (`OCLC 21581015`).

use crate::cite::bibliography::{Genre, Name, Reference};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// Renders one CSL-JSON item with the given `id`.
pub fn item(id: &str, r: &Reference) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(item_type(r)));
    m.insert("id".into(), json!(id));
    put(&mut m, "author", names(r.authors.iter()));
    put(&mut m, "editor", names(r.with_role("editor")));
    put(&mut m, "translator", names(r.with_role("translator")));
    let strings = [
        ("title", &r.title),
        (if r.genre() == Genre::Archival { "archive" } else { "container-title" }, &r.container),
        ("volume", &r.volume),
        ("issue", &r.issue),
        ("page", &r.pages),
        ("publisher", &r.publisher),
        ("publisher-place", &r.place),
        ("edition", &r.edition),
        ("collection-title", &r.series),
    ];
    for (field, value) in strings {
        put(&mut m, field, value.as_deref().map(|v| json!(v)));
    }
    let issued = r.date_parts().map(|d| json!({"date-parts": [d]}));
    put(&mut m, "issued", issued);
    put(&mut m, "ISBN", r.isbn13().into_iter().next().map(Value::from));
    put(&mut m, "ISSN", r.issn.as_deref().map(Value::from));
    put(&mut m, "DOI", r.doi.as_deref().map(Value::from));
    put(&mut m, "URL", r.url.as_deref().map(Value::from));
    put(&mut m, "note", r.oclc.as_ref().map(|o| json!(format!("OCLC {o}"))));
    Value::Object(m)
}

/// Writes `items` as a pretty-printed JSON array of CSL-JSON items, ending in a newline.
pub fn write(w: &mut impl Write, items: &[(&str, &Reference)]) -> io::Result<()> {
    let array: Vec<Value> = items.iter().map(|(id, r)| item(id, r)).collect();
    serde_json::to_writer_pretty(&mut *w, &array)?;
    writeln!(w)
}

/// The CSL item type of the work's [`Genre`].
fn item_type(r: &Reference) -> &'static str {
    match r.genre() {
        Genre::Article => "article-journal",
        Genre::Chapter => "chapter",
        Genre::Newspaper => "article-newspaper",
        Genre::Thesis => "thesis",
        Genre::WebPage => "webpage",
        Genre::Archival => "manuscript",
        Genre::Book => "book",
        Genre::Other => "document",
    }
}

/// A CSL name list, `[{"family", "given"}]` (`given` left out when unknown); `None` when
/// there are no names. Blank names are skipped.
fn names<'a>(names: impl Iterator<Item = &'a Name>) -> Option<Value> {
    let list: Vec<Value> = names
        .filter(|n| !n.family.trim().is_empty() || !n.given.trim().is_empty())
        .map(|n| match n.given.as_str() {
            "" => json!({"family": n.family}),
            given => json!({"family": n.family, "given": given}),
        })
        .collect();
    (!list.is_empty()).then(|| Value::Array(list))
}

/// Sets `field` when there is a value.
fn put(m: &mut Map<String, Value>, field: &str, value: Option<Value>) {
    if let Some(v) = value {
        m.insert(field.into(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::bibliography::{Isbn, Role};
    use citationberg::json::{self as csl, NameValue};
    use citationberg::taxonomy::{Kind, Variable};
    use std::str::FromStr;

    fn name(family: &str, given: &str) -> Name {
        Name { family: family.into(), given: given.into() }
    }

    fn book() -> Reference {
        Reference {
            authors: vec![name("Jukes", "Geoffrey"), name("Osprey Editors", "")],
            year: Some(2002),
            years: vec![2002],
            title: Some("The Russo-Japanese War 1904–1905 & \"more\"".into()),
            publisher: Some("Osprey".into()),
            place: Some("Oxford".into()),
            isbns: vec![
                Isbn { raw: "0-7656-1422-X".into(), isbn13: None },
                Isbn { raw: "1-84176-446-9".into(), isbn13: Some("9781841764467".into()) },
            ],
            oclc: Some("21581015".into()),
            roles: vec![Role { role: "translator".into(), name: name("Harcave", "Sidney") }],
            ..Reference::default()
        }
    }

    fn article() -> Reference {
        Reference {
            authors: vec![name("Müller", "J. A.")],
            year: Some(1985),
            title: Some("On Footnotes".into()),
            container: Some("Journal of Things".into()),
            volume: Some("12".into()),
            issue: Some("3".into()),
            pages: Some("101–117".into()),
            ..Reference::default()
        }
    }

    /// Checks `v` the way a CSL processor reads it: it must deserialize into citationberg's
    /// CSL-JSON item, its type must be a CSL item type, and every other field must be a CSL
    /// variable (per citationberg's taxonomy of the CSL 1.0.2 spec) holding the matching
    /// kind of value. Returns the item, or what is wrong.
    fn validate(v: &Value) -> Result<csl::Item, String> {
        let item: csl::Item = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
        let kind = item.type_().ok_or("no type")?;
        Kind::from_str(&kind).map_err(|()| format!("unknown type {kind}"))?;
        item.id().ok_or("no id")?;
        for (field, value) in &item.0 {
            if field != "id" && field != "type" {
                check_variable(field, value)?;
            }
        }
        Ok(item)
    }

    fn check_variable(field: &str, value: &csl::Value) -> Result<(), String> {
        let variable: Variable =
            serde_json::from_value(json!(field)).map_err(|_| format!("{field} is not a CSL variable"))?;
        let fits = match variable {
            Variable::Standard(_) => matches!(value, csl::Value::String(_)),
            Variable::Number(_) | Variable::Page(_) => {
                matches!(value, csl::Value::String(_) | csl::Value::Number(_))
            }
            Variable::Date(_) => matches!(value, csl::Value::Date(_)),
            Variable::Name(_) => matches!(value, csl::Value::Names(_)),
        };
        fits.then_some(()).ok_or_else(|| format!("{field} has the wrong kind of value: {value:?}"))
    }

    fn families(item: &csl::Item, field: &str) -> Vec<String> {
        let Some(csl::Value::Names(names)) = item.0.get(field) else {
            panic!("{field} is not a name list");
        };
        names
            .iter()
            .map(|n| match n {
                NameValue::Item(n) => n.family.clone(),
                NameValue::Literal(n) => n.literal.clone(),
            })
            .collect()
    }

    fn text(item: &csl::Item, field: &str) -> String {
        item.0[field].to_str().expect("a string").into_owned()
    }

    #[test]
    fn a_book_is_a_valid_csl_item() {
        let v = item("jukes2002", &book());
        let item = validate(&v).unwrap();
        assert_eq!(item.type_().unwrap(), "book");
        assert_eq!(item.id().unwrap(), "jukes2002");
        assert_eq!(families(&item, "author"), ["Jukes", "Osprey Editors"]);
        assert_eq!(families(&item, "translator"), ["Harcave"]);
        assert_eq!(text(&item, "title"), book().title.unwrap());
        assert_eq!(text(&item, "publisher"), "Osprey");
        assert_eq!(text(&item, "publisher-place"), "Oxford");
        assert_eq!(text(&item, "ISBN"), "9781841764467");
        assert_eq!(text(&item, "note"), "OCLC 21581015");
        let csl::Value::Date(issued) = &item.0["issued"] else {
            panic!("issued is not a date");
        };
        let issued = citationberg::json::FixedDateRange::try_from(issued.clone()).unwrap();
        assert_eq!(issued.start.year, 2002);
        assert_eq!(v["author"][1], json!({"family": "Osprey Editors"}));
    }

    #[test]
    fn an_article_is_a_valid_csl_item() {
        let item = validate(&item("muller1985", &article())).unwrap();
        assert_eq!(item.type_().unwrap(), "article-journal");
        assert_eq!(families(&item, "author"), ["Müller"]);
        assert_eq!(text(&item, "container-title"), "Journal of Things");
        assert_eq!(text(&item, "volume"), "12");
        assert_eq!(text(&item, "issue"), "3");
        assert_eq!(text(&item, "page"), "101–117");
    }

    #[test]
    fn dates_issns_and_archives() {
        let dated = Reference { month: Some(1), day: Some(4), issn: Some("0022-3433".into()), ..article() };
        let v = item("muller1985", &dated);
        validate(&v).unwrap();
        assert_eq!(v["issued"], json!({"date-parts": [[1985, 1, 4]]}));
        assert_eq!(v["ISSN"], json!("0022-3433"));
        let record = Reference {
            title: Some("Letter to Lamsdorf".into()),
            container: Some("GARF".into()),
            raw: "Witte, S. Letter to Lamsdorf. GARF, f. 568, op. 1, d. 204.".into(),
            ..Reference::default()
        };
        let v = item("witte", &record);
        validate(&v).unwrap();
        assert_eq!((&v["type"], &v["archive"]), (&json!("manuscript"), &json!("GARF")));
        assert!(v.get("container-title").is_none());
    }

    #[test]
    fn absent_fields_are_left_out() {
        let v = item("x", &Reference::default());
        assert_eq!(v, json!({"type": "document", "id": "x"}));
        validate(&v).unwrap();
    }

    #[test]
    fn the_validator_rejects_invalid_items() {
        let good = item("jukes2002", &book());
        let broken = |field: &str, value: Value| {
            let mut v = good.clone();
            v[field] = value;
            validate(&v)
        };
        assert!(broken("title", Value::Null).is_err(), "null");
        assert!(broken("author", json!("Jukes, Geoffrey")).is_err(), "names as text");
        assert!(broken("issued", json!(2002)).is_err(), "date as number");
        assert!(broken("type", json!("journal-article")).is_err(), "unknown type");
        assert!(broken("journal", json!("Osprey")).is_err(), "unknown variable");
        assert!(broken("publisher", json!(["Osprey"])).is_err(), "list for text");
    }

    #[test]
    fn write_produces_a_csl_json_array() {
        let (b, a) = (book(), article());
        let mut out = Vec::new();
        write(&mut out, &[("jukes2002", &b), ("muller1985", &a)]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("[\n  {") && text.ends_with("]\n"), "{text}");
        let items: Vec<csl::Item> = serde_json::from_str(&text).unwrap();
        let ids: Vec<_> = items.iter().map(|i| i.id().unwrap().into_owned()).collect();
        assert_eq!(ids, ["jukes2002", "muller1985"]);
        let values: Vec<Value> = serde_json::from_str(&text).unwrap();
        values.iter().try_for_each(|v| validate(v).map(drop)).unwrap();
    }
}
