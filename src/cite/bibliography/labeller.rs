//! A sequence labeller for reference strings: each whitespace-separated token of an entry gets
//! a field label (`author`, `date`, `title`, `container`, `publisher`, …), as GROBID and
//! AnyStyle label references.
//!
//! The model is a linear-chain averaged perceptron: hashed features of each token and its
//! neighbours give emission scores, a label-bigram matrix gives transition scores, and Viterbi
//! decoding picks the best label sequence. It is trained by `examples/train-refmodel.rs` on
//! references rendered from BibTeX records through real CSL styles
//! (`tools/refmodel/generate.py`; see the README), and shipped as `refmodel.bin` beside this
//! file, read once on first use.
//!
//! Every step is linear in the number of tokens; an entry is cut at [`MAX_TOKENS`] tokens.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Entries longer than this many tokens are labelled on their first `MAX_TOKENS` tokens.
pub const MAX_TOKENS: usize = 160;

/// The labels, in the model file's order.
pub const LABELS: [&str; 16] = [
    "author",
    "collection",
    "container",
    "date",
    "edition",
    "editor",
    "identifier",
    "issue",
    "location",
    "note",
    "other",
    "pages",
    "publisher",
    "title",
    "translator",
    "volume",
];
const L: usize = LABELS.len();

/// Each label's index into [`LABELS`], by name.
pub mod label {
    pub const AUTHOR: usize = 0;
    pub const COLLECTION: usize = 1;
    pub const CONTAINER: usize = 2;
    pub const DATE: usize = 3;
    pub const EDITION: usize = 4;
    pub const EDITOR: usize = 5;
    pub const IDENTIFIER: usize = 6;
    pub const ISSUE: usize = 7;
    pub const LOCATION: usize = 8;
    pub const NOTE: usize = 9;
    pub const OTHER: usize = 10;
    pub const PAGES: usize = 11;
    pub const PUBLISHER: usize = 12;
    pub const TITLE: usize = 13;
    pub const TRANSLATOR: usize = 14;
    pub const VOLUME: usize = 15;
}

/// The label index of a label name.
pub fn label_index(name: &str) -> Option<usize> {
    LABELS.iter().position(|l| *l == name)
}

/// Whitespace-separated tokens of `text` as byte ranges, at most [`MAX_TOKENS`].
pub fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i));
                if out.len() == MAX_TOKENS {
                    return out;
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// FNV-1a over a feature kind and its value.
fn hash(kind: u8, value: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(kind);
    h = h.wrapping_mul(0x100_0000_01b3);
    for &b in value {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// The lower-cased letters and digits of a token (`“Portsmouth,` → `portsmouth`).
#[cfg(test)]
fn core(tok: &str) -> String {
    let mut out = String::new();
    push_core(tok, &mut out);
    out
}

/// Appends [`core`] of `tok` to `out`.
fn push_core(tok: &str, out: &mut String) {
    if tok.is_ascii() {
        out.extend(tok.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(tok.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase));
    }
}

/// The token's shape: `Xx` for a capitalized word, `d` runs for digits, punctuation kept
/// (`(1988).` → `(d).`, `J.` → `X.`, `pp.` → `x.`).
#[cfg(test)]
fn shape(tok: &str) -> String {
    let mut out = String::new();
    push_shape(tok, &mut out);
    out
}

/// Appends [`shape`] of `tok` to `out`.
fn push_shape(tok: &str, out: &mut String) {
    let mut last = '\0';
    for c in tok.chars().take(24) {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() || c.is_alphabetic() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if matches!(c, '–' | '—' | '‐') {
            '-'
        } else if matches!(c, '“' | '”' | '„' | '«' | '»' | '‘' | '’') {
            '"'
        } else {
            c
        };
        if k != last || !matches!(k, 'x' | 'd' | 'X') {
            out.push(k);
        }
        last = k;
    }
}

/// The [`core`] and [`shape`] of each token of a sequence, kept in two strings.
struct Parts {
    cores: String,
    shapes: String,
    /// Where each token's core and shape end in `cores` and `shapes`.
    ends: Vec<(usize, usize)>,
}

impl Parts {
    fn of(toks: &[&str]) -> Parts {
        let bytes: usize = toks.iter().map(|t| t.len()).sum();
        let mut p = Parts {
            cores: String::with_capacity(bytes),
            shapes: String::with_capacity(bytes),
            ends: Vec::with_capacity(toks.len()),
        };
        for t in toks {
            push_core(t, &mut p.cores);
            push_shape(t, &mut p.shapes);
            p.ends.push((p.cores.len(), p.shapes.len()));
        }
        p
    }

    fn core(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1].0 };
        &self.cores[start..self.ends[i].0]
    }

    fn shape(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1].1 };
        &self.shapes[start..self.ends[i].1]
    }
}

fn is_year(core: &str) -> bool {
    let digits: String = core.chars().take_while(char::is_ascii_digit).collect();
    let rest = &core[digits.len()..];
    digits.len() == 4 && rest.len() <= 1 && digits.parse::<u32>().is_ok_and(|y| (1400..=2039).contains(&y))
}

fn opens_quote(c: char) -> bool {
    matches!(c, '“' | '„' | '«' | '‘' | '「' | '『')
}

fn closes_quote(c: char) -> bool {
    matches!(c, '”' | '»' | '’' | '」' | '』')
}

/// Per-token facts that depend on what came before it.
#[derive(Clone, Copy, Default)]
struct State {
    in_quotes: bool,
    in_parens: bool,
    year_before: bool,
    periods_before: u8,
    colon_before: bool,
}

fn states(toks: &[&str], parts: &Parts) -> Vec<State> {
    let mut out = Vec::with_capacity(toks.len());
    let mut s = State::default();
    for (i, t) in toks.iter().enumerate() {
        out.push(s);
        for c in t.chars() {
            if opens_quote(c) {
                s.in_quotes = true;
            } else if closes_quote(c) {
                s.in_quotes = false;
            } else if c == '"' {
                s.in_quotes = !s.in_quotes;
            } else if c == '(' || c == '[' {
                s.in_parens = true;
            } else if c == ')' || c == ']' {
                s.in_parens = false;
            }
        }
        let c = parts.core(i);
        if is_year(c) {
            s.year_before = true;
        }
        let initial = c.chars().count() == 1;
        if (t.ends_with('.') && !initial) || t.ends_with(".”") || t.ends_with(".\"") {
            s.periods_before = s.periods_before.saturating_add(1);
        }
        if t.ends_with(':') {
            s.colon_before = true;
        }
    }
    out
}

/// For each token (a byte range), where it stands to the author zone the rule-based head
/// splitter (`head`) found (a byte range of the same text): 1 inside it, 2 outside it, 0 when
/// the splitter found no authors.
pub fn zone_hints(spans: &[(usize, usize)], zone: Option<(usize, usize)>) -> Vec<u8> {
    match zone {
        None => vec![0; spans.len()],
        Some((a, b)) => spans.iter().map(|&(s, e)| if s >= a && e <= b + 1 { 1 } else { 2 }).collect(),
    }
}

/// [`zone_hints`] for tokens alone (training data): the head splitter runs on them joined by
/// single spaces.
pub fn author_hints(toks: &[&str]) -> Vec<u8> {
    let text = toks.join(" ");
    let zone = super::head::split_head(&text).author_range(&text);
    let mut at = 0;
    let spans: Vec<(usize, usize)> = toks
        .iter()
        .map(|t| {
            let span = (at, at + t.len());
            at = span.1 + 1;
            span
        })
        .collect();
    zone_hints(&spans, zone)
}

/// FNV-1a over a feature kind and two values, without building a string.
fn hash2(kind: u8, a: &[u8], b: &[u8]) -> u64 {
    let mut h = hash(kind, a);
    for &x in std::iter::once(&0xFFu8).chain(b) {
        h ^= u64::from(x);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// The first and last `n` chars of `s`.
fn ends(s: &str, n: usize) -> (&str, &str) {
    let pre = s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i]);
    let count = s.chars().count();
    let suf = s.char_indices().nth(count.saturating_sub(n)).map_or("", |(i, _)| &s[i..]);
    (pre, suf)
}

/// The hashed features of every token of a sequence; `hints` from [`author_hints`] (or the
/// same from the rules' author zone), one per token.
pub fn features(toks: &[&str], hints: &[u8]) -> Vec<Vec<u64>> {
    let n = toks.len();
    let parts = Parts::of(toks);
    let st = states(toks, &parts);
    let mut out = Vec::with_capacity(n);
    let mut buf = [0u8; 4];
    for i in 0..n {
        let t = toks[i];
        let c = parts.core(i);
        let sh = parts.shape(i).as_bytes();
        let mut f = Vec::with_capacity(36);
        f.push(hash(0, b""));
        f.push(hash(1, c.as_bytes()));
        f.push(hash(2, sh));
        let (pre, suf) = ends(c, 3);
        f.push(hash(3, pre.as_bytes()));
        f.push(hash(4, suf.as_bytes()));
        let last = t.chars().last().filter(|c| !c.is_alphanumeric()).unwrap_or(' ');
        let first = t.chars().next().filter(|c| !c.is_alphanumeric()).unwrap_or(' ');
        f.push(hash(5, last.encode_utf8(&mut buf).as_bytes()));
        f.push(hash(6, first.encode_utf8(&mut buf).as_bytes()));
        if is_year(c) {
            f.push(hash(7, b"year"));
        }
        let digits = c.chars().filter(char::is_ascii_digit).count();
        if digits > 0 && digits == c.chars().count() {
            f.push(hash(7, &[b'n', digits.min(5) as u8]));
        }
        if t.contains(['–', '-', '—']) && digits > 0 {
            f.push(hash(7, b"range"));
        }
        f.push(hash(8, &[(i * 8 / n.max(1)) as u8]));
        if i == 0 {
            f.push(hash(9, b"first"));
        }
        if i + 1 == n {
            f.push(hash(9, b"last"));
        }
        let s = st[i];
        let hint = hints.get(i).copied().unwrap_or(0);
        f.push(hash(10, &[s.in_quotes as u8, s.in_parens as u8, s.year_before as u8, s.colon_before as u8]));
        f.push(hash(11, &[s.periods_before.min(5)]));
        f.push(hash2(12, &[s.periods_before.min(5)], sh));
        f.push(hash2(13, &[s.year_before as u8], c.as_bytes()));
        f.push(hash(14, &[hint]));
        f.push(hash2(15, &[hint], sh));
        for (kind, d) in [(20u8, -2isize), (21, -1), (22, 1), (23, 2)] {
            let j = i as isize + d;
            if j < 0 || j >= n as isize {
                f.push(hash(kind, b"<edge>"));
                continue;
            }
            let j = j as usize;
            f.push(hash(kind, parts.core(j).as_bytes()));
            f.push(hash(kind + 10, parts.shape(j).as_bytes()));
        }
        if i > 0 {
            let pl = toks[i - 1].chars().last().unwrap_or(' ');
            f.push(hash2(40, pl.encode_utf8(&mut buf).as_bytes(), sh));
            f.push(hash2(41, parts.core(i - 1).as_bytes(), c.as_bytes()));
        }
        out.push(f);
    }
    out
}

/// A hasher for keys that are hashes already.
#[derive(Default, Clone, Copy)]
pub struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FeatureMap = HashMap<u64, u32, std::hash::BuildHasherDefault<PassThrough>>;

/// Label weights: emission weights per feature and label-bigram transitions.
pub struct Model {
    index: FeatureMap,
    /// `L` weights per feature, in `index` order.
    weights: Vec<f32>,
    /// `trans[(p + 1) * L + l]`: from label `p` (row 0: the start) to `l`.
    trans: Vec<f32>,
}

const MAGIC: &[u8; 8] = b"CXRM0001";

impl Model {
    /// The model shipped with citedex.
    pub fn shipped() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::from_bytes(include_bytes!("refmodel.bin")).unwrap_or_else(Model::empty))
    }

    fn empty() -> Model {
        Model { index: FeatureMap::default(), weights: Vec::new(), trans: vec![0.0; (L + 1) * L] }
    }

    /// Whether the model has any weights (a build without a trained model has none).
    pub fn is_trained(&self) -> bool {
        !self.index.is_empty()
    }

    /// Reads a model written by [`Model::to_bytes`]; `None` when the bytes are not one.
    pub fn from_bytes(b: &[u8]) -> Option<Model> {
        let mut r = Reader { b, at: 0 };
        if r.take(8)? != MAGIC || r.u32()? as usize != L {
            return None;
        }
        let scale = r.f32()?;
        let trans = (0..(L + 1) * L).map(|_| r.f32()).collect::<Option<Vec<f32>>>()?;
        let n = r.u32()? as usize;
        let mut index = FeatureMap::with_capacity_and_hasher(n, Default::default());
        let mut weights = vec![0.0f32; n * L];
        for k in 0..n {
            index.insert(r.u64()?, k as u32);
            let count = r.take(1)?[0] as usize;
            for _ in 0..count {
                let label = r.take(1)?[0] as usize;
                let w = r.i16()?;
                *weights.get_mut(k * L + label)? = f32::from(w) * scale;
            }
        }
        Some(Model { index, weights, trans })
    }

    /// The model as bytes: weights quantized to 16 bits, zero weights left out.
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().fold(0.0f32, |m, w| m.max(w.abs())).max(1e-9);
        let scale = max / f32::from(i16::MAX);
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(L as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for t in &self.trans {
            out.extend_from_slice(&t.to_le_bytes());
        }
        let mut keys: Vec<(u64, u32)> = self.index.iter().map(|(&k, &v)| (k, v)).collect();
        keys.sort_unstable();
        let kept: Vec<(u64, Vec<(u8, i16)>)> = keys
            .into_iter()
            .filter_map(|(key, k)| {
                let ws: Vec<(u8, i16)> = (0..L)
                    .filter_map(|l| {
                        let q = (self.weights[k as usize * L + l] / scale).round() as i16;
                        (q != 0).then_some((l as u8, q))
                    })
                    .collect();
                (!ws.is_empty()).then_some((key, ws))
            })
            .collect();
        out.extend_from_slice(&(kept.len() as u32).to_le_bytes());
        for (key, ws) in kept {
            out.extend_from_slice(&key.to_le_bytes());
            out.push(ws.len() as u8);
            for (l, q) in ws {
                out.push(l);
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        out
    }

    fn emissions(&self, feats: &[Vec<u64>]) -> Vec<[f32; L]> {
        feats
            .iter()
            .map(|fs| {
                let mut e = [0.0f32; L];
                for f in fs {
                    if let Some(&k) = self.index.get(f) {
                        let w = &self.weights[k as usize * L..(k as usize + 1) * L];
                        for (a, b) in e.iter_mut().zip(w) {
                            *a += b;
                        }
                    }
                }
                e
            })
            .collect()
    }

    /// The emission scores of each token, from its features.
    pub fn score(&self, toks: &[&str], hints: &[u8]) -> Vec<[f32; L]> {
        self.emissions(&features(toks, hints))
    }

    /// The best label sequence for the tokens (label indices into [`LABELS`]).
    pub fn label(&self, toks: &[&str]) -> Vec<usize> {
        self.decode(&self.score(toks, &author_hints(toks)), |_, _| true)
    }

    /// The best label sequence for emission scores from [`Model::score`] in which token `i`
    /// takes only labels `l` with `allow(i, l)`.
    pub fn decode(&self, em: &[[f32; L]], allow: impl Fn(usize, usize) -> bool) -> Vec<usize> {
        let mut em = em.to_vec();
        for (i, e) in em.iter_mut().enumerate() {
            if (0..L).any(|l| allow(i, l)) {
                for (l, v) in e.iter_mut().enumerate() {
                    if !allow(i, l) {
                        *v = f32::NEG_INFINITY;
                    }
                }
            }
        }
        viterbi(&em, &self.trans)
    }
}

/// For each label `l`, the best of `prev[p] + trans[(p + 1) * L + l]` over the previous
/// labels `p`, and that `p` (the first of equals). The previous labels are taken in turn,
/// each against all `l` at once: a loop the compiler vectorizes (with `l` outermost, as
/// first written, it did not: Viterbi 7.5% of parsing a varied bibliography).
fn best_previous(prev: &[f32; L], trans: &[f32]) -> ([f32; L], [u8; L]) {
    let (mut best, mut arg) = ([f32::NEG_INFINITY; L], [0u8; L]);
    for (p, &from) in prev.iter().enumerate() {
        let row: &[f32; L] = trans[(p + 1) * L..(p + 2) * L].try_into().expect("L transitions");
        for l in 0..L {
            let s = from + row[l];
            if s > best[l] {
                best[l] = s;
                arg[l] = p as u8;
            }
        }
    }
    (best, arg)
}

fn viterbi(em: &[[f32; L]], trans: &[f32]) -> Vec<usize> {
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    let mut score = vec![[0.0f32; L]; n];
    let mut back = vec![[0u8; L]; n];
    for l in 0..L {
        score[0][l] = em[0][l] + trans[l];
    }
    for i in 1..n {
        let (best, arg) = best_previous(&score[i - 1], trans);
        for l in 0..L {
            score[i][l] = best[l] + em[i][l];
        }
        back[i] = arg;
    }
    let mut l = (0..L).max_by(|&a, &b| score[n - 1][a].total_cmp(&score[n - 1][b])).unwrap_or(0);
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = l;
        l = back[i][l] as usize;
    }
    out
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn i16(&mut self) -> Option<i16> {
        Some(i16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
}

/// One training sequence: tokens and their label indices.
pub struct Example {
    pub tokens: Vec<String>,
    pub labels: Vec<usize>,
}

/// Trains an averaged perceptron on the examples, `epochs` passes in a seeded order; the
/// model keeps the features seen at least `min_count` times.
/// `progress` is called after each epoch with the epoch and the fraction of tokens labelled
/// right during it.
pub fn train(
    examples: &[Example],
    epochs: usize,
    min_count: u32,
    seed: u64,
    mut progress: impl FnMut(usize, f64),
) -> Model {
    let mut index: HashMap<u64, u32> = HashMap::new();
    let feats: Vec<Vec<Vec<u32>>> = examples
        .iter()
        .map(|ex| {
            let toks: Vec<&str> = ex.tokens.iter().map(String::as_str).collect();
            features(&toks, &author_hints(&toks))
                .into_iter()
                .map(|fs| {
                    fs.into_iter()
                        .map(|f| {
                            let next = index.len() as u32;
                            *index.entry(f).or_insert(next)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let nf = index.len();
    let mut w = vec![0.0f32; nf * L];
    let mut u = vec![0.0f32; nf * L];
    let mut tw = vec![0.0f32; (L + 1) * L];
    let mut tu = vec![0.0f32; (L + 1) * L];
    let mut c: f32 = 1.0;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = seed.max(1);
    for epoch in 0..epochs {
        for k in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(k, (rng % (k as u64 + 1)) as usize);
        }
        let (mut right, mut total) = (0usize, 0usize);
        for &e in &order {
            let fs = &feats[e];
            let gold = &examples[e].labels;
            let em: Vec<[f32; L]> = fs
                .iter()
                .map(|f| {
                    let mut s = [0.0f32; L];
                    for &k in f {
                        let row = &w[k as usize * L..(k as usize + 1) * L];
                        for (a, b) in s.iter_mut().zip(row) {
                            *a += b;
                        }
                    }
                    s
                })
                .collect();
            let guess = viterbi(&em, &tw);
            total += gold.len();
            for i in 0..gold.len() {
                let (g, p) = (gold[i], guess[i]);
                if g == p {
                    right += 1;
                } else {
                    for &k in &fs[i] {
                        let k = k as usize;
                        w[k * L + g] += 1.0;
                        u[k * L + g] += c;
                        w[k * L + p] -= 1.0;
                        u[k * L + p] -= c;
                    }
                }
                let gp = if i == 0 { 0 } else { gold[i - 1] + 1 };
                let pp = if i == 0 { 0 } else { guess[i - 1] + 1 };
                if g != p || gp != pp {
                    tw[gp * L + g] += 1.0;
                    tu[gp * L + g] += c;
                    tw[pp * L + p] -= 1.0;
                    tu[pp * L + p] -= c;
                }
            }
            c += 1.0;
        }
        progress(epoch + 1, right as f64 / total.max(1) as f64);
    }
    let weights: Vec<f32> = w.iter().zip(&u).map(|(w, u)| w - u / c).collect();
    let trans = tw.iter().zip(&tu).map(|(w, u)| w - u / c).collect();
    // Features seen fewer than `min_count` times are left out: they are most of the
    // features and carry little.
    let mut counts = vec![0u32; nf];
    for f in feats.iter().flatten().flatten() {
        counts[*f as usize] += 1;
    }
    let mut kept_index = FeatureMap::default();
    let mut kept = Vec::new();
    for (key, k) in index {
        if counts[k as usize] >= min_count {
            kept_index.insert(key, (kept.len() / L) as u32);
            kept.extend_from_slice(&weights[k as usize * L..(k as usize + 1) * L]);
        }
    }
    Model { index: kept_index, weights: kept, trans }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`best_previous`] as first written: for each label, the previous labels in turn.
    fn best_previous_label_by_label(prev: &[f32; L], trans: &[f32]) -> ([f32; L], [u8; L]) {
        let (mut best, mut arg) = ([0.0f32; L], [0u8; L]);
        for l in 0..L {
            let (mut b, mut a) = (f32::NEG_INFINITY, 0);
            for p in 0..L {
                let s = prev[p] + trans[(p + 1) * L + l];
                if s > b {
                    b = s;
                    a = p;
                }
            }
            (best[l], arg[l]) = (b, a as u8);
        }
        (best, arg)
    }

    /// A score as the labeller meets them: small integers (so that ties happen), or a label
    /// ruled out (`decode`'s negative infinity).
    fn weight() -> impl Strategy<Value = f32> {
        prop_oneof![4 => (-3i8..=3).prop_map(f32::from), 1 => Just(f32::NEG_INFINITY)]
    }

    proptest! {
        #[test]
        fn best_previous_labels_are_those_found_label_by_label(
            prev in prop::array::uniform16(weight()),
            trans in prop::collection::vec(weight(), (L + 1) * L),
        ) {
            let (best, arg) = best_previous(&prev, &trans);
            let (by_label, arg_by_label) = best_previous_label_by_label(&prev, &trans);
            // Bit for bit: the same sums, and negative infinity where every label is ruled out.
            prop_assert_eq!(best.map(f32::to_bits), by_label.map(f32::to_bits));
            prop_assert_eq!(arg, arg_by_label);
        }
    }

    #[test]
    fn tokens_are_whitespace_words() {
        let t = "Esthus, Raymond A.  Double Eagle.";
        let got: Vec<&str> = tokens(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(got, ["Esthus,", "Raymond", "A.", "Double", "Eagle."]);
        assert_eq!(tokens(&"a ".repeat(1000)).len(), MAX_TOKENS);
    }

    #[test]
    fn label_constants_name_their_labels() {
        use label::*;
        let named = [
            (AUTHOR, "author"),
            (COLLECTION, "collection"),
            (CONTAINER, "container"),
            (DATE, "date"),
            (EDITION, "edition"),
            (EDITOR, "editor"),
            (IDENTIFIER, "identifier"),
            (ISSUE, "issue"),
            (LOCATION, "location"),
            (NOTE, "note"),
            (OTHER, "other"),
            (PAGES, "pages"),
            (PUBLISHER, "publisher"),
            (TITLE, "title"),
            (TRANSLATOR, "translator"),
            (VOLUME, "volume"),
        ];
        for (i, name) in named {
            assert_eq!(LABELS[i], name);
        }
    }

    #[test]
    fn cores() {
        assert_eq!(core("“Portsmouth,"), "portsmouth");
        assert_eq!(core("(1988)."), "1988");
        assert_eq!(core("Ǆemal-Éire"), "ǆemaléire");
    }

    proptest! {
        #[test]
        fn ascii_cores_are_the_cores_read_a_char_at_a_time(tok in "[ -~]{0,12}") {
            let by_char: String = tok.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
            prop_assert_eq!(core(&tok), by_char);
        }

        #[test]
        fn parts_hold_each_tokens_core_and_shape(toks in prop::collection::vec("[^ ]{0,6}", 0..6)) {
            let toks: Vec<&str> = toks.iter().map(String::as_str).collect();
            let parts = Parts::of(&toks);
            for (i, t) in toks.iter().enumerate() {
                prop_assert_eq!(parts.core(i), core(t));
                prop_assert_eq!(parts.shape(i), shape(t));
            }
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("(1988)."), "(d).");
        assert_eq!(shape("J."), "X.");
        assert_eq!(shape("Portsmouth,"), "Xx,");
        assert_eq!(shape("359–366"), "d-d");
    }

    #[test]
    fn a_model_round_trips_through_bytes() {
        let ex = |s: &str, l: &[&str]| Example {
            tokens: s.split(' ').map(str::to_string).collect(),
            labels: l.iter().map(|l| label_index(l).unwrap()).collect(),
        };
        let data = vec![
            ex(
                "Smith, J. (1990). Title words here.",
                &["author", "author", "date", "title", "title", "title"],
            ),
            ex("Doe, A. (2001). Other book.", &["author", "author", "date", "title", "title"]),
        ];
        let m = train(&data, 5, 1, 1, |_, _| {});
        let back = Model::from_bytes(&m.to_bytes()).expect("reads back");
        let toks = ["Brown,", "K.", "(1977).", "A", "title."];
        assert_eq!(m.label(&toks), back.label(&toks));
        assert_eq!(LABELS[back.label(&toks)[2]], "date");
        assert!(Model::from_bytes(b"nonsense").is_none());
        assert!(Model::from_bytes(&m.to_bytes()[..40]).is_none());
    }
}
