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
    for hit in &r.hits {
        self::hit(w, hit, style)?;
    }
    if let (Some(first), Some(last)) = (r.hits.first(), r.hits.last()) {
        writeln!(
            w,
            "{}",
            style.paint(
                "2",
                &format!(
                    "hits {}–{} of {} matching passages",
                    first.rank, last.rank, r.total_hits
                )
            )
        )?;
    }
    Ok(())
}

fn hit(w: &mut impl Write, hit: &Hit, style: Style) -> io::Result<()> {
    let p = &hit.passage;
    writeln!(
        w,
        "{} {}",
        style.paint("1;32", &format!("{:>2}.", hit.rank)),
        style.paint("1", &p.cite_as())
    )?;
    writeln!(w, "    {}", snippet(&hit.snippet, style))?;
    citations(w, p, style)?;
    let mut tail = format!("id {}", p.id);
    if p.kind != crate::source::Kind::Body {
        tail.push_str(&format!(" · {}", p.kind));
    }
    if !hit.duplicates.is_empty() {
        tail.push_str(&format!(
            " · same text also at {}",
            hit.duplicates.join(", ")
        ));
    }
    writeln!(w, "    {}", style.paint("2", &tail))?;
    if let Some(e) = &hit.explanation {
        writeln!(
            w,
            "    {}",
            style.paint(
                "2",
                &format!(
                    "score {:.3} = bm25 {:.3} × (1 + proximity {:.2}{}); words {}/{}",
                    e.score,
                    e.bm25,
                    e.proximity,
                    e.span.map(|s| format!(", span {s}")).unwrap_or_default(),
                    e.words_matched,
                    e.words
                )
            )
        )?;
    }
    writeln!(w)
}

/// The citations carried by a passage, one per line.
pub fn citations(w: &mut impl Write, p: &Passage, style: Style) -> io::Result<()> {
    for c in &p.citations {
        writeln!(w, "    {} {}", style.paint("36", "cites"), c.raw)?;
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
    writeln!(
        w,
        "{}",
        style.paint(
            "2",
            &format!("id {} · {} · language {}", p.id, p.kind, p.language)
        )
    )?;
    if let Some(f) = &p.file {
        writeln!(w, "{}", style.paint("2", &format!("file {f}")))?;
    }
    writeln!(w, "{}", p.text)?;
    citations(w, p, style)?;
    if let Some(a) = after {
        writeln!(w, "\n{}", style.paint("2", &format!("[after: {}]", a.id)))?;
        writeln!(w, "{}", style.paint("2", &a.text))?;
    }
    Ok(())
}
