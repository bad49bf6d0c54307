//! Human-readable output.

use super::Style;
use crate::passage::Passage;
use crate::search::snippet::Snippet;
use crate::search::{Hit, Results};
use std::io::{self, Write};

/// Highlighted snippet: bold red on a terminal, `[…]`-free plain text otherwise.
pub fn snippet(s: &Snippet, style: Style) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(a, b) in &s.highlights {
        out.push_str(&s.text[at..a]);
        out.push_str(&style.paint("1;31", &s.text[a..b]));
        at = b;
    }
    out.push_str(&s.text[at..]);
    out
}

/// A search's results.
pub fn results(w: &mut impl Write, r: &Results, style: Style) -> io::Result<()> {
    for c in &r.corrections {
        writeln!(
            w,
            "showing results for \"{}\" (no match for \"{}\"; --exact turns this off)",
            c.to, c.from
        )?;
    }
    if !r.expansion.is_empty() {
        let terms: Vec<&str> = r.expansion.iter().map(|e| e.term.as_str()).collect();
        writeln!(w, "{}", style.paint("2", &format!("expanded with: {}", terms.join(" "))))?;
    }
    for hit in &r.hits {
        self::hit(w, hit, style)?;
    }
    if let (Some(first), Some(last)) = (r.hits.first(), r.hits.last()) {
        writeln!(
            w,
            "{}",
            style.paint(
                "2",
                &format!("hits {}–{} of {} matching passages", first.rank, last.rank, r.total_shown())
            )
        )?;
    }
    Ok(())
}

fn hit(w: &mut impl Write, hit: &Hit, style: Style) -> io::Result<()> {
    let p = &hit.passage;
    writeln!(w, "{} {}", style.paint("1;32", &format!("{:>2}.", hit.rank)), style.paint("1", &p.cite_as()))?;
    writeln!(w, "    {}", snippet(&hit.snippet, style))?;
    citations(w, p, style)?;
    let mut tail = format!("id {}", p.id);
    if p.kind != crate::source::Kind::Body {
        tail.push_str(&format!(" · {}", p.kind));
    }
    let unlisted = hit.folded.saturating_sub(hit.duplicates.len());
    let at_least = if hit.folded_exact { "" } else { "at least " };
    if !hit.duplicates.is_empty() {
        tail.push_str(&format!(" · same text also at {}", hit.duplicates.join(", ")));
        if unlisted > 0 {
            tail.push_str(&format!(" and {at_least}{unlisted} more"));
        }
    } else if unlisted > 0 {
        let passages = if unlisted == 1 && hit.folded_exact { "passage" } else { "passages" };
        tail.push_str(&format!(" · same text at {at_least}{unlisted} other {passages}"));
    }
    writeln!(w, "    {}", style.paint("2", &tail))?;
    if let Some(e) = &hit.explanation {
        writeln!(
            w,
            "    {}",
            style.paint(
                "2",
                &format!(
                    "score {:.3} = (passage {:.3} + {} × document {:.3}) × crowding {}",
                    e.score,
                    e.passage,
                    crate::search::rank::DOCUMENT_WEIGHT,
                    e.document,
                    e.crowding
                )
            )
        )?;
    }
    writeln!(w)
}

/// The citations carried by a passage, one per line.
pub fn citations(w: &mut impl Write, p: &Passage, style: Style) -> io::Result<()> {
    let own = p.citations.iter().map(|c| (c, "cites"));
    for (c, label) in own.chain(p.paragraph_citations.iter().map(|c| (c, "paragraph cites"))) {
        writeln!(w, "    {} {}", style.paint("36", label), c.raw)?;
        if let Some(r) = p.linked(c) {
            let who: Vec<String> = r.authors.iter().map(|a| a.family.clone()).collect();
            let year = r.year.map_or("n.d.".to_string(), |y| y.to_string());
            let title = r.title.as_deref().unwrap_or("");
            writeln!(w, "      {} {} ({year}) {title} [{}]", style.paint("36", "→"), who.join(", "), r.id)?;
        }
    }
    Ok(())
}

/// A passage in full, with the ones before and after it.
pub fn show(
    w: &mut impl Write,
    p: &Passage,
    before: Option<&Passage>,
    after: Option<&Passage>,
    style: Style,
) -> io::Result<()> {
    if let Some(b) = before {
        writeln!(w, "{}", style.paint("2", &format!("[before: {}]", b.id)))?;
        writeln!(w, "{}\n", style.paint("2", &b.text))?;
    }
    writeln!(w, "{}", style.paint("1", &p.cite_as()))?;
    writeln!(w, "{}", style.paint("2", &format!("id {} · {} · language {}", p.id, p.kind, p.language)))?;
    if let Some(f) = &p.file {
        writeln!(w, "{}", style.paint("2", &format!("file {f}")))?;
    }
    writeln!(w, "{}", p.text)?;
    if let Some(r) = &p.reference {
        writeln!(w, "    {} {}", style.paint("36", "record"), reference_line(r))?;
    }
    citations(w, p, style)?;
    if let Some(a) = after {
        writeln!(w, "\n{}", style.paint("2", &format!("[after: {}]", a.id)))?;
        writeln!(w, "{}", style.paint("2", &a.text))?;
    }
    Ok(())
}

/// A reference in author-date style: `Jukes, Geoffrey (2002). Title. Place: Publisher.`
pub fn reference_line(r: &crate::cite::Reference) -> String {
    let mut s = String::new();
    let names: Vec<String> = r
        .authors
        .iter()
        .map(|a| if a.given.is_empty() { a.family.clone() } else { format!("{}, {}", a.family, a.given) })
        .collect();
    s.push_str(&match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        _ => format!("{} and {}", names[..names.len() - 1].join("; "), names[names.len() - 1]),
    });
    let years: Vec<String> = r.years.iter().map(u32::to_string).collect();
    s.push_str(&format!(" ({}). ", if years.is_empty() { "n.d.".to_string() } else { years.join(", ") }));
    if let Some(t) = &r.title {
        s.push_str(t.trim_end_matches('.'));
        s.push_str(". ");
    }
    if let Some(c) = &r.container {
        s.push_str(c);
        if let Some(v) = &r.volume {
            s.push_str(&format!(", {v}"));
        }
        if let Some(i) = &r.issue {
            s.push_str(&format!("({i})"));
        }
        if let Some(p) = &r.pages {
            s.push_str(&format!(": {p}"));
        }
        s.push_str(". ");
    }
    for role in &r.roles {
        s.push_str(
            &format!("{} {} {}. ", capitalize(&role.role), role.name.given, role.name.family)
                .replace("  ", " "),
        );
    }
    match (&r.place, &r.publisher) {
        (Some(pl), Some(pb)) => s.push_str(&format!("{pl}: {pb}. ")),
        (None, Some(pb)) => s.push_str(&format!("{pb}. ")),
        (Some(pl), None) => s.push_str(&format!("{pl}. ")),
        (None, None) => {}
    }
    let mut shown: Vec<&str> = Vec::new();
    for isbn in &r.isbns {
        match &isbn.isbn13 {
            Some(i) if shown.contains(&i.as_str()) => {}
            Some(i) => {
                shown.push(i);
                s.push_str(&format!("ISBN {i}. "));
            }
            None => s.push_str(&format!("ISBN {} (invalid). ", isbn.raw)),
        }
    }
    if let Some(o) = &r.oclc {
        s.push_str(&format!("OCLC {o}. "));
    }
    s.trim().to_string()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// Works found by `citedex cite`: each as a reference, where it is listed, who cites it.
pub fn works(w: &mut impl Write, works: &[crate::search::works::Work], style: Style) -> io::Result<()> {
    for work in works {
        writeln!(w, "{}", style.paint("1", &reference_line(&work.reference)))?;
        if work.listed.is_empty() {
            writeln!(w, "    {}", style.paint("2", "not in any bibliography; known from citations"))?;
        }
        for l in &work.listed {
            writeln!(
                w,
                "    listed in {} — {}:{}  {}",
                l.document,
                l.path,
                l.line,
                style.paint("2", &format!("({})", l.id))
            )?;
        }
        if work.cited_by.is_empty() {
            writeln!(w, "    {}", style.paint("2", "cited by no passage"))?;
        }
        for c in &work.cited_by {
            writeln!(w, "    cited by {}  {}", c.cite_as, style.paint("2", &format!("({})", c.id)))?;
            writeln!(w, "      {}", style.paint("36", &c.citation))?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// `citedex stats`.
pub fn stats(w: &mut impl Write, s: &crate::index::stats::Stats) -> io::Result<()> {
    writeln!(w, "documents   {}", s.documents)?;
    let kinds: Vec<String> = s.passages_by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
    writeln!(w, "passages    {} ({})", s.passages, kinds.join(", "))?;
    writeln!(w, "references  {}", s.references)?;
    writeln!(w, "citations   {}", s.citations)?;
    writeln!(w, "files       {} indexed, {} skipped", s.files, s.skipped_files)?;
    writeln!(w, "index size  {:.1} MB", s.index_bytes as f64 / 1e6)?;
    writeln!(w, "updated     {}", s.updated_utc)?;
    writeln!(w, "corpus      {}", s.corpus)
}

/// `citedex list`.
pub fn list(w: &mut impl Write, meta: &crate::index::Meta, style: Style) -> io::Result<()> {
    for f in &meta.files {
        if let Some(reason) = &f.skipped {
            writeln!(w, "{}", style.paint("2", &format!("{}: skipped: {reason}", f.path)))?;
            continue;
        }
        for d in &f.documents {
            writeln!(
                w,
                "{}  {}  {} · {} · {} passages, {} references",
                style.paint("1", &d.title),
                style.paint("2", &d.slug),
                f.path,
                d.language,
                d.passages,
                d.references
            )?;
        }
    }
    Ok(())
}

/// How `--timings` shows a duration.
#[derive(Clone, Copy, Debug)]
pub enum TimeUnit {
    /// `1.25s` (an index build).
    Seconds,
    /// `0.41 ms` (a search).
    Milliseconds,
}

/// `timings: stage 0.41 ms; …`, one line.
pub fn timings(stages: &[(&str, std::time::Duration)], unit: TimeUnit) -> String {
    let parts: Vec<String> = stages
        .iter()
        .map(|(stage, d)| match unit {
            TimeUnit::Seconds => format!("{stage} {:.2}s", d.as_secs_f64()),
            TimeUnit::Milliseconds => format!("{stage} {:.2} ms", d.as_secs_f64() * 1e3),
        })
        .collect();
    format!("timings: {}", parts.join("; "))
}
