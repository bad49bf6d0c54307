//! Trains the reference labeller shipped in `src/cite/bibliography/refmodel.bin`.
//!
//! ```sh
//! python3 tools/refmodel/generate.py /tmp/refs.tsv      # labelled strings from Debian's CSL + BibTeX
//! cargo run --release --example train-refmodel -- /tmp/refs.tsv src/cite/bibliography/refmodel.bin
//! ```
//!
//! Input: `LABEL<TAB>TOKEN` lines, a blank line between references. Options after the paths:
//! `--epochs N` (default 10), `--min-count N` (features seen fewer times are dropped, default
//! 3), `--held-out N` (the last N references are kept out of training and scored, default 0).
//! `train-refmodel --label "REFERENCE" …` prints how the shipped model labels each token.

use std::process::ExitCode;

use citedex::cite::bibliography::labeller::{Example, LABELS, label_index, train};

fn read(path: &str) -> Result<Vec<Example>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut out = Vec::new();
    let mut cur = Example { tokens: Vec::new(), labels: Vec::new() };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::replace(&mut cur, Example { tokens: Vec::new(), labels: Vec::new() }));
            }
            continue;
        }
        let (label, token) = line.split_once('\t').ok_or(format!("{path}:{}: no tab", n + 1))?;
        let l = label_index(label).ok_or(format!("{path}:{}: unknown label {label:?}", n + 1))?;
        cur.tokens.push(token.to_string());
        cur.labels.push(l);
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    if args.first().map(String::as_str) == Some("--label") {
        let model = citedex::cite::bibliography::labeller::Model::shipped();
        for line in &args[1..] {
            let toks: Vec<&str> = line.split_whitespace().collect();
            let labels = model.label(&toks);
            let shown: Vec<String> =
                toks.iter().zip(labels).map(|(t, l)| format!("{t}/{}", LABELS[l])).collect();
            println!("{}", shown.join(" "));
        }
        return ExitCode::SUCCESS;
    }
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        eprintln!(
            "usage: train-refmodel IN.tsv OUT.bin [--epochs N] [--min-count N] [--held-out N], \
             or train-refmodel --label REFERENCE..."
        );
        return ExitCode::from(2);
    };
    let mut examples = match read(input) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("train-refmodel: {e}");
            return ExitCode::from(2);
        }
    };
    let held = opt("--held-out", 0).min(examples.len());
    let test = examples.split_off(examples.len() - held);
    eprintln!("{} references for training, {} held out", examples.len(), test.len());
    let model = train(&examples, opt("--epochs", 10), opt("--min-count", 3) as u32, 42, |e, acc| {
        eprintln!("epoch {e}: {:.4} of tokens right", acc)
    });
    if !test.is_empty() {
        let (mut right, mut total) = (0, 0);
        for ex in &test {
            let toks: Vec<&str> = ex.tokens.iter().map(String::as_str).collect();
            let got = model.label(&toks);
            right += got.iter().zip(&ex.labels).filter(|(a, b)| a == b).count();
            total += got.len();
        }
        eprintln!("held out: {:.4} of {total} tokens right", right as f64 / total.max(1) as f64);
    }
    let bytes = model.to_bytes();
    if let Err(e) = std::fs::write(output, &bytes) {
        eprintln!("train-refmodel: {output}: {e}");
        return ExitCode::from(2);
    }
    eprintln!("wrote {output}: {} bytes, {} labels", bytes.len(), LABELS.len());
    ExitCode::SUCCESS
}
