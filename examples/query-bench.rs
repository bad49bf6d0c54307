//! Times queries in process, the index opened once: `cargo run --release --example query-bench
//! -- INDEX QUERIES.tsv [RUNS]`. QUERIES.tsv holds `kind<TAB>query` lines (the benchmark kit's
//! `queries.tsv`; `#` lines are skipped). Prints, per query, the median time of RUNS searches
//! (default 20) and the stages of the last run (`Results::timings`, as `search --timings`
//! prints them); the open of the index is measured apart.

use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(index), Some(queries)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: query-bench INDEX QUERIES.tsv [RUNS]");
    };
    let runs: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(20);
    let t = Instant::now();
    let ci = citedex::index::CitedexIndex::open(std::path::Path::new(index))?;
    println!("open\t{:.3} ms", t.elapsed().as_secs_f64() * 1e3);
    let opts = citedex::search::Options::default();
    let mut medians = Vec::new();
    for line in
        std::fs::read_to_string(queries)?.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let q = line.split_once('\t').map_or(line, |(_, q)| q);
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut last = None;
        for _ in 0..runs {
            let t = Instant::now();
            let r = citedex::search::run(&ci, q, &opts)?;
            times.push(t.elapsed());
            last = Some(r);
        }
        let (hits, stages) = last
            .map(|r| {
                (
                    r.total_hits,
                    citedex::render::text::timings(&r.timings, citedex::render::text::TimeUnit::Milliseconds),
                )
            })
            .unwrap_or_default();
        times.sort();
        let median = times[times.len() / 2].as_secs_f64() * 1e3;
        medians.push(median);
        println!("{q}\t{hits}\t{median:.3} ms\t{stages}");
    }
    medians.sort_by(f64::total_cmp);
    println!("median of medians\t{:.3} ms", medians[medians.len() / 2]);
    Ok(())
}
