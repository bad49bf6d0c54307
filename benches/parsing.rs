//! Throughput of the build's CPU stages on text the project ships: the analyzer (against a
//! bare UAX #29 split, its floor), the passage splitter, the inline-citation finder and the
//! bibliography parser. `cargo bench --bench parsing`; a regression shows as a lower MB/s.
//!
//! The text is the bundled corpus and the test fixtures, repeated to about 1 MB so that a
//! measurement is not dominated by setup.

use citedex::source;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use unicode_segmentation::UnicodeSegmentation;

/// The shipped texts, concatenated.
fn shipped() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    for f in [
        "corpus/treaty-of-portsmouth.txt",
        "tests/fixtures/formats/kittery-yard.txt",
        "tests/fixtures/formats/witte-memoirs.md",
        "tests/fixtures/cite/other-shapes.txt",
    ] {
        text.push_str(&std::fs::read_to_string(root.join(f)).expect("a shipped text"));
        text.push('\n');
    }
    text
}

/// About 1 MB of the seed article, article after article.
fn corpus() -> String {
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/treaty-of-portsmouth.txt"),
    )
    .expect("the bundled corpus");
    seed.repeat((1 << 20) / seed.len() + 1)
}

fn analyzer(c: &mut Criterion) {
    let text = shipped().repeat(64);
    let mut g = c.benchmark_group("analyzer");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("uax29 split (floor)", |b| b.iter(|| black_box(text.split_word_bounds().count())));
    g.bench_function("analyze", |b| b.iter(|| black_box(citedex::analysis::analyze(&text).len())));
    g.bench_function("word_count", |b| b.iter(|| black_box(citedex::analysis::word_count(&text))));
    g.finish();
}

fn splitter(c: &mut Criterion) {
    let text = corpus();
    let format = source::format_for(Path::new("corpus/a.txt"), &text);
    let docs = format.read(&text, "a");
    let mut g = c.benchmark_group("passages");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("read wiki text", |b| b.iter(|| black_box(format.read(&text, "a").len())));
    g.bench_function("split + inline citations", |b| {
        b.iter(|| {
            let mut slugs = std::collections::HashSet::new();
            black_box(citedex::passage::split(&text, "a.txt", &docs, 100, &mut slugs).len())
        })
    });
    g.finish();
    // Hostile shapes, per byte: they must run at the rate of ordinary text (a paragraph of
    // 100,000 lines once took time quadratic in its lines).
    let mut g = c.benchmark_group("hostile");
    let lines: String = (0..100_000).map(|i| format!("Note {i}.\n")).collect();
    let one_line = text.replace('\n', " ");
    for (name, hostile) in [("one paragraph of 100,000 lines", &lines), ("the corpus on one line", &one_line)]
    {
        let path = Path::new("corpus/h.txt");
        let format = source::format_for(path, hostile);
        let docs = format.read(hostile, "h");
        g.throughput(Throughput::Bytes(hostile.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut slugs = std::collections::HashSet::new();
                black_box(citedex::passage::split(hostile, "h.txt", &docs, 100, &mut slugs).len())
            })
        });
    }
    g.finish();
}

fn citations(c: &mut Criterion) {
    let text = corpus();
    let paragraphs: Vec<&str> = text.lines().filter(|l| l.len() > 40 && !l.starts_with('*')).collect();
    let shipped = shipped();
    let entries: Vec<&str> = shipped.lines().filter_map(|l| l.strip_prefix("* ")).collect();
    let mut g = c.benchmark_group("citations");
    g.throughput(Throughput::Bytes(paragraphs.iter().map(|p| p.len() as u64).sum()));
    g.bench_function("inline::find", |b| {
        b.iter(|| paragraphs.iter().map(|p| citedex::cite::inline::find(p).len()).sum::<usize>())
    });
    g.throughput(Throughput::Elements(entries.len() as u64));
    g.bench_function("bibliography::parse (per entry)", |b| {
        b.iter(|| {
            entries.iter().map(|e| citedex::cite::bibliography::parse(e, None).authors.len()).sum::<usize>()
        })
    });
    // The same shapes with other words: a build parses entries that differ, and the
    // labeller's look-ups then miss the cache as they do in a build, which 23 entries read
    // over and over never do.
    let varied = varied_entries(&entries, &text, 2000);
    g.throughput(Throughput::Elements(varied.len() as u64));
    g.bench_function("bibliography::parse (per entry, 2,000 varied)", |b| {
        b.iter(|| {
            varied.iter().map(|e| citedex::cite::bibliography::parse(e, None).authors.len()).sum::<usize>()
        })
    });
    g.finish();
}

/// `n` entries made from `entries` by replacing most words of four letters or more (not
/// acronyms: `ISBN`, `OCLC`) with words of `text`, keeping a capital, and digits with other
/// digits (a year stays one), with a fixed seed.
fn varied_entries(entries: &[&str], text: &str, n: usize) -> Vec<String> {
    let mut words: Vec<&str> =
        text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 4).collect();
    words.sort_unstable();
    words.dedup();
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..n)
        .map(|i| {
            let entry = entries[i % entries.len()];
            let mut out = String::with_capacity(entry.len());
            let mut rest = entry;
            while let Some(c) = rest.chars().next() {
                let run = rest
                    .find(|d: char| {
                        d.is_alphabetic() != c.is_alphabetic() || d.is_ascii_digit() != c.is_ascii_digit()
                    })
                    .unwrap_or(rest.len());
                let (piece, after) = rest.split_at(run.max(c.len_utf8()));
                let acronym = piece.chars().all(char::is_uppercase);
                if c.is_alphabetic() && !acronym && piece.chars().count() >= 4 && next() % 10 < 7 {
                    let w = words[(next() % words.len() as u64) as usize].to_lowercase();
                    if c.is_uppercase() {
                        let mut cs = w.chars();
                        out.extend(cs.next().into_iter().flat_map(char::to_uppercase));
                        out.push_str(cs.as_str());
                    } else {
                        out.push_str(&w);
                    }
                } else if c.is_ascii_digit() {
                    // A year (four digits from 1 or 2) keeps its century.
                    let keep = if piece.len() == 4 && matches!(c, '1' | '2') { 2 } else { 0 };
                    out.push_str(&piece[..keep]);
                    out.extend((keep..piece.len()).map(|_| char::from(b'0' + (next() % 10) as u8)));
                } else {
                    out.push_str(piece);
                }
                rest = after;
            }
            out
        })
        .collect()
}

criterion_group!(benches, analyzer, splitter, citations);
criterion_main!(benches);
